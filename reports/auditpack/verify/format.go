// Package verify checks an offline audit pack without the workspace and
// without any passphrase: every file against manifest.json (size and
// SHA-256, nothing missing, nothing extra), the audit chain recomputed
// from the pack's CSV with the workspace's own encoding
// (store/auditchain), and, given an earlier pack, that this pack
// continues it. It is also the authority on the pack's format: the
// manifest and the audit CSV's columns are defined here and the packer
// writes what this package reads.
package verify

// Format is the manifest's format tag.
const Format = "legco-audit-pack/v1"

// Names of the fixed files of a pack.
const (
	ManifestName = "manifest.json"
	SumsName     = "SHA256SUMS"
	AuditCSVName = "audit/audit-log.csv"
)

// CSVHeader is the audit CSV's header: the stored fields of each entry,
// in the order the hash covers them, then the links.
var CSVHeader = []string{"seq", "at", "staff", "role", "action", "object", "reason", "details", "personal_sha256", "prev_hash", "hash"}

// Manifest is manifest.json.
type Manifest struct {
	Format      string `json:"format"`
	Program     string `json:"program"`
	WorkspaceID string `json:"workspace_id"`
	// PackedAt and PackedBy are the only fields that differ between two
	// packs of the same workspace state with the same options.
	PackedAt         string `json:"packed_at"`
	PackedBy         string `json:"packed_by"`
	Period           Period `json:"period"`
	WithPersonalData bool   `json:"with_personal_data"`
	ChainHead        Link   `json:"chain_head"`
	Audit            Audit  `json:"audit"`
	Parts            []Part `json:"parts"`
	Files            []File `json:"files"`
}

// Period is the pack's period as dates in the workspace's time zone
// ("" = open end), To inclusive.
type Period struct {
	From     string `json:"from"`
	To       string `json:"to"`
	TimeZone string `json:"time_zone"`
}

// Link is an entry of the chain: its seq and hash.
type Link struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// Audit describes the pack's part of the chain.
type Audit struct {
	CSV   string `json:"csv"`
	First int64  `json:"first"` // 0: no entries in the period
	Last  int64  `json:"last"`
	Count int64  `json:"count"`
	// Before is the entry before First: its hash is First's prev_hash.
	Before Link `json:"before"`
	// LastHash is the hash of entry Last.
	LastHash string   `json:"last_hash"`
	PDF      []string `json:"pdf"`
}

// Part is an extra part of the pack (consents, requests, …) and whether
// this build had it.
type Part struct {
	ID     string   `json:"id"`
	Status string   `json:"status"` // "included", "no-data", "absent"
	Files  []string `json:"files,omitempty"`
}

// Part statuses.
const (
	PartIncluded = "included"
	PartNoData   = "no-data"
	PartAbsent   = "absent"
)

// File is one file of the pack (slash-separated path), except the
// manifest itself.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}
