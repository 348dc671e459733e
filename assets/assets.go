// Package assets embeds the files the binary carries: fonts for PDFs,
// UI translations and the built-in first edition of the privacy policy.
package assets

import "embed"

// FS holds fonts/, i18n/, policy/ and glossary/.
//
//go:embed fonts i18n policy glossary
var FS embed.FS

// SeedPolicyPath is the path inside FS of the built-in first edition
// (Russian left of the tab, Kazakh right), as published before this tool.
const SeedPolicyPath = "policy/legco-privacy-policy.ru-kk.txt"

// GlossaryPath is the shipped terminology glossary of the policy (Law No.
// 94-V's defined terms and the policy's own, Russian and Kazakh), and
// WordsKKPath the Kazakh word list of the language lints.
const (
	GlossaryPath = "glossary/glossary.json"
	WordsKKPath  = "glossary/words-kk.txt"
)
