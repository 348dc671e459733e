// Package assets embeds the files the binary carries: fonts for PDFs,
// UI translations and the built-in first edition of the privacy policy.
package assets

import "embed"

// FS holds fonts/, i18n/ and policy/.
//
//go:embed fonts i18n policy
var FS embed.FS

// SeedPolicyPath is the path inside FS of the built-in first edition
// (Russian left of the tab, Kazakh right), as published before this tool.
const SeedPolicyPath = "policy/legco-privacy-policy.ru-kk.txt"
