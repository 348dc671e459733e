// Package requestpack writes the fulfilment package of a disclosure,
// access or recipients request: a folder with a cover letter (PDF,
// Russian and Kazakh, the operator's details from the workspace
// settings), the data extract as PDF, CSV and JSON holding exactly the
// fields that may leave (for a disclosure the approved ones), and
// manifest.json with the SHA-256 of every file. Fulfil writes the package
// and records the fulfilment (and the disclosure register rows) in the
// workspace; Verify re-checks a package folder against its manifest.
package requestpack

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"legco.kz/compliance/store"
)

// File names inside a package.
const (
	CoverLetter  = "cover-letter.pdf"
	ExtractPDF   = "extract.pdf"
	ExtractCSV   = "extract.csv"
	ExtractJSON  = "extract.json"
	AccessCSV    = "access-log.csv"
	PublicCSV    = "public-data.csv"
	RecipientCSV = "disclosures.csv"
	ManifestName = "manifest.json"
)

// Manifest lists a package's files with their digests.
type Manifest struct {
	Request   string         `json:"request"`
	Kind      string         `json:"kind"`
	CreatedAt string         `json:"created_at"`
	Operator  string         `json:"operator"`
	BIN       string         `json:"operator_bin"`
	Fields    []string       `json:"fields"`
	Accounts  int            `json:"accounts"`
	AuditHead string         `json:"audit_head"`
	Files     []ManifestFile `json:"files"`
}

// ManifestFile is one file of a package.
type ManifestFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Progress reports the files written (done of total).
type Progress func(done, total int64)

// Result is what Fulfil and Write produced.
type Result struct {
	Dir            string
	Manifest       *Manifest
	ManifestSHA256 string
}

// Fulfil prepares the request (the store checks the rules), writes its
// package to dir and records the fulfilment with the manifest's digest.
// On cancel or error the files written are removed and nothing is
// recorded.
func Fulfil(ctx context.Context, w *store.Workspace, number, dir string, progress Progress) (*Result, error) {
	ex, err := w.PrepareFulfilment(ctx, number)
	if err != nil {
		return nil, err
	}
	res, err := Write(ctx, ex, dir, progress)
	if err != nil {
		return nil, err
	}
	if err := w.FulfilRequest(ctx, ex, res.ManifestSHA256, "package generated: "+filepath.Base(dir)); err != nil {
		removeFiles(dir, res.Manifest)
		return nil, err
	}
	return res, nil
}

func removeFiles(dir string, m *Manifest) {
	if m != nil {
		for _, f := range m.Files {
			os.Remove(filepath.Join(dir, f.Name))
		}
	}
	os.Remove(filepath.Join(dir, ManifestName))
	os.Remove(dir) // only if empty
}

// Write writes the package of ex to dir (created if missing; it must not
// already hold a package).
func Write(ctx context.Context, ex *store.RequestExtract, dir string, progress Progress) (res *Result, err error) {
	if progress == nil {
		progress = func(int64, int64) {}
	}
	if _, err := os.Stat(filepath.Join(dir, ManifestName)); err == nil {
		return nil, fmt.Errorf("package %s: the folder already holds a package (manifest.json); choose an empty folder", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("package %s: %w", dir, err)
	}
	m := &Manifest{Request: ex.Request.Number, Kind: string(ex.Request.Kind), CreatedAt: ex.At.UTC().Format(time.RFC3339),
		Operator: ex.Operator.NameRU, BIN: ex.Operator.BIN, Fields: ex.Fields, Accounts: len(ex.Subjects), AuditHead: ex.AuditHead.String()}
	defer func() {
		if err != nil {
			removeFiles(dir, m)
		}
	}()
	type file struct {
		name string
		make func() ([]byte, error)
	}
	files := []file{
		{CoverLetter, func() ([]byte, error) { return coverLetter(ex) }},
		{ExtractPDF, func() ([]byte, error) { return extractPDF(ctx, ex) }},
		{ExtractCSV, func() ([]byte, error) { return extractCSV(ex) }},
		{ExtractJSON, func() ([]byte, error) { return extractJSON(ex) }},
	}
	if has(ex.Fields, store.FieldAccessLog) {
		files = append(files, file{AccessCSV, func() ([]byte, error) { return accessCSV(ex) }})
	}
	if has(ex.Fields, store.FieldPublicData) {
		files = append(files, file{PublicCSV, func() ([]byte, error) { return publicCSV(ex) }})
	}
	if has(ex.Fields, store.FieldDisclosures) {
		files = append(files, file{RecipientCSV, func() ([]byte, error) { return disclosuresCSV(ex) }})
	}
	total := int64(len(files) + 1)
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := f.make()
		if err != nil {
			return nil, fmt.Errorf("package %s: %s: %w", ex.Request.Number, f.name, err)
		}
		if err := writeFile(filepath.Join(dir, f.name), b); err != nil {
			return nil, err
		}
		m.Files = append(m.Files, ManifestFile{Name: f.name, Size: int64(len(b)), SHA256: hexSum(b)})
		progress(int64(i+1), total)
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	mb = append(mb, '\n')
	if err := writeFile(filepath.Join(dir, ManifestName), mb); err != nil {
		return nil, err
	}
	progress(total, total)
	return &Result{Dir: dir, Manifest: m, ManifestSHA256: hexSum(mb)}, nil
}

func has(fs []string, f string) bool {
	for _, x := range fs {
		if x == f {
			return true
		}
	}
	return false
}

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// writeFile writes a package file readable by the owner only: it holds
// personal data on its way to the recipient.
func writeFile(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("package file %s: %w", path, err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("package file %s: %w", path, err)
	}
	return f.Close()
}

// VerifyError names the file of a package that does not match.
type VerifyError struct {
	File   string
	Reason string
}

func (e *VerifyError) Error() string { return e.File + ": " + e.Reason }

// Verify checks every file of the package in dir against manifest.json,
// and that the folder holds no file the manifest does not list. It
// returns the manifest and its SHA-256 (the digest the workspace kept).
func Verify(dir string) (*Manifest, string, error) {
	mb, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return nil, "", &VerifyError{File: ManifestName, Reason: err.Error()}
	}
	var m Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		return nil, "", &VerifyError{File: ManifestName, Reason: "not a manifest: " + err.Error()}
	}
	listed := map[string]bool{ManifestName: true}
	for _, f := range m.Files {
		listed[f.Name] = true
		b, err := os.ReadFile(filepath.Join(dir, filepath.Base(f.Name)))
		if err != nil {
			return nil, "", &VerifyError{File: f.Name, Reason: err.Error()}
		}
		if int64(len(b)) != f.Size || hexSum(b) != f.SHA256 {
			return nil, "", &VerifyError{File: f.Name, Reason: fmt.Sprintf("SHA-256 %s, the manifest says %s", hexSum(b), f.SHA256)}
		}
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, "", err
	}
	for _, e := range ents {
		if !listed[e.Name()] {
			return nil, "", &VerifyError{File: e.Name(), Reason: "not listed in the manifest"}
		}
	}
	return &m, hexSum(mb), nil
}

// csvBytes writes rows as CSV with a UTF-8 BOM (so spreadsheet programs
// read Cyrillic and Kazakh letters right).
func csvBytes(rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	if err := cw.WriteAll(rows); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// valueFields are the 1.1.1 columns of the extract (not the sections).
func valueFields(ex *store.RequestExtract) []string {
	var out []string
	for _, f := range ex.Fields {
		if _, ok := store.FieldByKey(f); ok {
			out = append(out, f)
		}
	}
	return out
}

func extractCSV(ex *store.RequestExtract) ([]byte, error) {
	cols := valueFields(ex)
	// Extra 1.1.1 fields of an access request become columns too.
	extra := map[string]bool{}
	for _, s := range ex.Subjects {
		for _, v := range s.Values {
			if _, ok := store.FieldByKey(v.Key); !ok {
				extra[v.Key] = true
			}
		}
	}
	var extraCols []string
	for k := range extra {
		extraCols = append(extraCols, k)
	}
	sort.Strings(extraCols)
	cols = append(cols, extraCols...)
	head := append([]string{"account_id", "outcome", "act"}, cols...)
	rows := [][]string{head}
	for _, s := range ex.Subjects {
		vals := map[string]string{}
		for _, v := range s.Values {
			vals[v.Key] = v.Value
		}
		row := []string{s.AccountID, s.Outcome, s.Act}
		for _, c := range cols {
			row = append(row, vals[c])
		}
		rows = append(rows, row)
	}
	return csvBytes(rows)
}

func accessCSV(ex *store.RequestExtract) ([]byte, error) {
	rows := [][]string{{"account_id", "time", "ip", "cookie_id", "user_agent", "page"}}
	for _, s := range ex.Subjects {
		for _, a := range s.AccessLog {
			rows = append(rows, []string{s.AccountID, a.At.UTC().Format(time.RFC3339), a.IP, a.CookieID, a.UserAgent, a.Page})
		}
	}
	return csvBytes(rows)
}

func publicCSV(ex *store.RequestExtract) ([]byte, error) {
	rows := [][]string{{"account_id", "field", "value", "source", "legal_basis", "obtained_at"}}
	for _, s := range ex.Subjects {
		for _, p := range s.Public {
			rows = append(rows, []string{s.AccountID, p.Field, p.Value, p.Source, p.LegalBasis, p.ObtainedAt.UTC().Format(time.RFC3339)})
		}
	}
	return csvBytes(rows)
}

func disclosuresCSV(ex *store.RequestExtract) ([]byte, error) {
	rows := [][]string{{"account_id", "disclosed_at", "recipient", "requester_type", "ground", "fields", "request"}}
	for _, s := range ex.Subjects {
		for _, d := range s.Disclosures {
			rows = append(rows, []string{s.AccountID, d.At.UTC().Format(time.RFC3339), d.Recipient, string(d.RequesterType), string(d.Ground), join(d.Fields), d.Request})
		}
	}
	return csvBytes(rows)
}

func join(fs []string) string {
	b, _ := json.Marshal(fs)
	s := string(b)
	if len(s) >= 2 {
		s = s[1 : len(s)-1]
	}
	return s
}

// JSON form of the extract.
type jsonExtract struct {
	Request  string        `json:"request"`
	Kind     string        `json:"kind"`
	Ground   string        `json:"ground,omitempty"`
	Fields   []string      `json:"fields"`
	Subjects []jsonSubject `json:"subjects"`
}

type jsonSubject struct {
	AccountID   string            `json:"account_id"`
	Outcome     string            `json:"outcome"`
	Act         string            `json:"act,omitempty"`
	Values      map[string]string `json:"values,omitempty"`
	AccessLog   []jsonAccess      `json:"access_log,omitempty"`
	PublicData  []jsonPublic      `json:"public_data,omitempty"`
	Disclosures []jsonDisclosure  `json:"disclosures,omitempty"`
	Consents    string            `json:"consents,omitempty"`
}

type jsonAccess struct {
	At        string `json:"time"`
	IP        string `json:"ip"`
	CookieID  string `json:"cookie_id"`
	UserAgent string `json:"user_agent"`
	Page      string `json:"page"`
}

type jsonPublic struct {
	Field, Value, Source, LegalBasis, ObtainedAt string
}

type jsonDisclosure struct {
	At        string   `json:"disclosed_at"`
	Recipient string   `json:"recipient"`
	Type      string   `json:"requester_type"`
	Ground    string   `json:"ground"`
	Fields    []string `json:"fields"`
	Request   string   `json:"request"`
}

func extractJSON(ex *store.RequestExtract) ([]byte, error) {
	out := jsonExtract{Request: ex.Request.Number, Kind: string(ex.Request.Kind), Ground: string(ex.Request.Ground), Fields: ex.Fields}
	for _, s := range ex.Subjects {
		js := jsonSubject{AccountID: s.AccountID, Outcome: s.Outcome, Act: s.Act}
		if len(s.Values) > 0 {
			js.Values = map[string]string{}
			for _, v := range s.Values {
				js.Values[v.Key] = v.Value
			}
		}
		for _, a := range s.AccessLog {
			js.AccessLog = append(js.AccessLog, jsonAccess{a.At.UTC().Format(time.RFC3339), a.IP, a.CookieID, a.UserAgent, a.Page})
		}
		for _, p := range s.Public {
			js.PublicData = append(js.PublicData, jsonPublic{p.Field, p.Value, p.Source, p.LegalBasis, p.ObtainedAt.UTC().Format(time.RFC3339)})
		}
		for _, d := range s.Disclosures {
			js.Disclosures = append(js.Disclosures, jsonDisclosure{d.At.UTC().Format(time.RFC3339), d.Recipient, string(d.RequesterType), string(d.Ground), d.Fields, d.Request})
		}
		if ex.Request.Kind == store.KindAccess && !ex.ConsentLedger {
			js.Consents = noLedger.RU + " / " + noLedger.KK
		}
		out.Subjects = append(out.Subjects, js)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

var noLedger = Bi{"реестр согласий в этой версии программы не ведётся", "келісімдер тізілімі бағдарламаның бұл нұсқасында жүргізілмейді"}
