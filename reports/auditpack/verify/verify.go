package verify

import (
	"archive/zip"
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"

	"legco.kz/compliance/store/auditchain"
)

// Problem is one thing in a pack that does not match.
type Problem struct {
	File   string // the file concerned ("" for the pack as a whole)
	Line   int    // line of the audit CSV, 0 if not about a line
	Seq    int64  // audit entry, 0 if not about an entry
	Reason string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, " line %d", p.Line)
		}
		b.WriteString(": ")
	}
	if p.Seq > 0 {
		fmt.Fprintf(&b, "entry #%d: ", p.Seq)
	}
	b.WriteString(p.Reason)
	return b.String()
}

// Report is what a verification found.
type Report struct {
	Manifest *Manifest
	// Files is the number of files checked against the manifest.
	Files int
	// Entries is the number of audit entries recomputed.
	Entries int64
	// Problems in order: the pack's files (by name), then the chain, then
	// the continuity with an earlier pack. Empty: intact.
	Problems []Problem
	// Previous is the earlier pack's report when one was given.
	Previous *Report
}

// OK reports whether the pack is intact (and continues the earlier one).
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// First is the first problem, for the one-line message.
func (r *Report) First() Problem {
	if len(r.Problems) == 0 {
		return Problem{}
	}
	return r.Problems[0]
}

func (r *Report) add(p Problem) { r.Problems = append(r.Problems, p) }

// Pack is an opened pack: a folder or a zip file.
type Pack struct {
	Path  string
	fsys  fs.FS
	close func() error
}

// Open opens a pack folder or zip file.
func Open(path string) (*Pack, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("audit pack %s: %w", path, err)
	}
	if st.IsDir() {
		return &Pack{Path: path, fsys: os.DirFS(path), close: func() error { return nil }}, nil
	}
	z, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("audit pack %s: not a folder or a readable zip file: %w", path, err)
	}
	return &Pack{Path: path, fsys: z, close: z.Close}, nil
}

// Close releases the pack.
func (p *Pack) Close() error { return p.close() }

// ReadManifest reads and parses manifest.json.
func (p *Pack) ReadManifest() (*Manifest, error) {
	b, err := fs.ReadFile(p.fsys, ManifestName)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestName, err)
	}
	var m Manifest
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: not a pack manifest: %w", ManifestName, err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("%s: format %q, this program reads %q", ManifestName, m.Format, Format)
	}
	return &m, nil
}

// Verify checks the pack at path; previous, if not "", is an earlier
// pack of the same workspace that this one must continue. An error is
// returned only when the pack cannot be read at all (no manifest);
// everything else is a Problem in the report.
func Verify(ctx context.Context, path, previous string, progress func(done, total int64)) (*Report, error) {
	var old *Manifest
	capture := map[int64]string{}
	if previous != "" {
		p, err := Open(previous)
		if err != nil {
			return nil, fmt.Errorf("previous pack: %w", err)
		}
		old, err = p.ReadManifest()
		p.Close()
		if err != nil {
			return nil, fmt.Errorf("previous pack %s: %w", previous, err)
		}
		for _, l := range earlierLinks(old) {
			capture[l.Seq] = ""
		}
	}
	rep, err := verifyOne(ctx, path, capture, progress)
	if err != nil {
		return nil, err
	}
	if previous == "" {
		return rep, nil
	}
	prev, err := verifyOne(ctx, previous, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("previous pack: %w", err)
	}
	rep.Previous = prev
	for _, p := range prev.Problems {
		p.Reason = "in the previous pack " + previous + ": " + p.Reason
		rep.add(p)
	}
	continuity(rep, prev, capture)
	return rep, nil
}

// verifyOne checks one pack: files and chain in parallel (two cores: the
// file digests and the chain's hashes take about as long). The chain
// pass records the hashes of the entries capture holds.
func verifyOne(ctx context.Context, path string, capture map[int64]string, progress func(done, total int64)) (*Report, error) {
	p, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	m, err := p.ReadManifest()
	if err != nil {
		return nil, fmt.Errorf("audit pack %s: %w", path, err)
	}
	rep := &Report{Manifest: m}
	var total int64
	for _, f := range m.Files {
		total += f.Size
	}
	var done int64
	var mu sync.Mutex
	tick := func(n int64) {
		if progress == nil {
			return
		}
		mu.Lock()
		done += n
		d := done
		mu.Unlock()
		progress(d, total*2)
	}
	var fileProblems, chainProblems []Problem
	var entries int64
	var wg sync.WaitGroup
	var fileErr, chainErr error
	wg.Add(2)
	go func() {
		defer wg.Done()
		fileProblems, fileErr = checkFiles(ctx, p, m, tick)
	}()
	go func() {
		defer wg.Done()
		entries, chainProblems, chainErr = checkChain(ctx, p, m, tick, capture)
	}()
	wg.Wait()
	if err := errors.Join(fileErr, chainErr); err != nil {
		return nil, err
	}
	rep.Files = len(m.Files)
	rep.Entries = entries
	rep.Problems = append(fileProblems, chainProblems...)
	return rep, nil
}

// checkFiles compares the pack's files with the manifest: missing, added,
// changed (size or SHA-256), and SHA256SUMS against the manifest.
func checkFiles(ctx context.Context, p *Pack, m *Manifest, tick func(int64)) ([]Problem, error) {
	var out []Problem
	listed := map[string]File{}
	for _, f := range m.Files {
		if _, dup := listed[f.Name]; dup {
			out = append(out, Problem{File: f.Name, Reason: "listed twice in the manifest"})
		}
		listed[f.Name] = f
	}
	present := map[string]bool{}
	err := fs.WalkDir(p.fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || name == ManifestName {
			return nil
		}
		present[name] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("audit pack %s: list files: %w", p.Path, err)
	}
	names := make([]string, 0, len(listed)+len(present))
	for n := range listed {
		names = append(names, n)
	}
	for n := range present {
		if _, ok := listed[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		f, inManifest := listed[n]
		switch {
		case !inManifest:
			out = append(out, Problem{File: n, Reason: "file is not in the manifest (added to the pack)"})
			continue
		case !present[n]:
			out = append(out, Problem{File: n, Reason: "file listed in the manifest is missing from the pack"})
			continue
		}
		size, sum, err := digest(p.fsys, n, tick)
		if err != nil {
			out = append(out, Problem{File: n, Reason: "cannot be read: " + err.Error()})
			continue
		}
		if size != f.Size || sum != f.SHA256 {
			out = append(out, Problem{File: n, Reason: fmt.Sprintf("does not match the manifest: %d bytes, SHA-256 %s; the manifest says %d bytes, %s (the file was changed)",
				size, short(sum), f.Size, short(f.SHA256))})
		}
	}
	if present[SumsName] {
		out = append(out, checkSums(p, m)...)
	}
	return out, nil
}

// checkSums checks that SHA256SUMS (what `sha256sum -c` reads) says what
// the manifest says.
func checkSums(p *Pack, m *Manifest) []Problem {
	b, err := fs.ReadFile(p.fsys, SumsName)
	if err != nil {
		return []Problem{{File: SumsName, Reason: err.Error()}}
	}
	want := map[string]string{}
	for _, f := range m.Files {
		if f.Name != SumsName {
			want[f.Name] = f.SHA256
		}
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			return []Problem{{File: SumsName, Line: i + 1, Reason: "not a `sha256sum` line"}}
		}
		if want[name] != sum {
			return []Problem{{File: SumsName, Line: i + 1, Reason: fmt.Sprintf("%s: %s differs from the manifest", name, short(sum))}}
		}
		delete(want, name)
	}
	for name := range want {
		return []Problem{{File: SumsName, Reason: name + " is in the manifest but not in " + SumsName}}
	}
	return nil
}

func digest(fsys fs.FS, name string, tick func(int64)) (int64, string, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	buf := make([]byte, 1<<20)
	var n int64
	for {
		k, err := f.Read(buf)
		if k > 0 {
			h.Write(buf[:k])
			n += int64(k)
			tick(int64(k))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, "", err
		}
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// countingReader reports bytes read for progress.
type countingReader struct {
	r    io.Reader
	tick func(int64)
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.tick(int64(n))
	return n, err
}

// checkChain recomputes the chain from the audit CSV: the first entry
// links to the manifest's "before" hash, every entry to the one before
// it, seq without gaps from First to Last, every hash recomputed, the
// last hash as in the manifest. It stops at the first broken entry (the
// later ones cannot be trusted). capture, if not nil, receives the hash
// of the entries whose seq it holds.
func checkChain(ctx context.Context, p *Pack, m *Manifest, tick func(int64), capture map[int64]string) (int64, []Problem, error) {
	a := m.Audit
	name := a.CSV
	if name == "" {
		name = AuditCSVName
	}
	bad := func(line int, seq int64, format string, args ...any) []Problem {
		return []Problem{{File: name, Line: line, Seq: seq, Reason: fmt.Sprintf(format, args...)}}
	}
	if a.Count != 0 && a.Count != a.Last-a.First+1 || a.Count < 0 {
		return 0, []Problem{{File: ManifestName, Reason: fmt.Sprintf("audit count %d does not match entries #%d–#%d", a.Count, a.First, a.Last)}}, nil
	}
	f, err := p.fsys.Open(name)
	if err != nil {
		return 0, []Problem{{File: name, Reason: "the audit CSV cannot be opened: " + err.Error()}}, nil
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(countingReader{f, tick}, 1<<20))
	r.ReuseRecord = true
	r.FieldsPerRecord = len(CSVHeader)
	head, err := r.Read()
	if err != nil || strings.Join(head, ",") != strings.Join(CSVHeader, ",") {
		return 0, bad(1, 0, "the header is not %s", strings.Join(CSVHeader, ",")), nil
	}
	prev := a.Before.Hash
	want := a.First
	var n int64
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return n, bad(line, 0, "unreadable CSV: %v", err), nil
		}
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return n, nil, err
			}
		}
		seq, err := strconv.ParseInt(rec[0], 10, 64)
		if err != nil {
			return n, bad(line, 0, "seq %q is not a number", rec[0]), nil
		}
		if a.Count == 0 {
			return n, bad(line, seq, "the manifest says the period has no entries"), nil
		}
		switch {
		case seq != want && seq > want:
			return n, bad(line, want, "missing: expected entry #%d here, found #%d (a line was dropped or moved)", want, seq), nil
		case seq != want:
			return n, bad(line, want, "out of order: expected entry #%d here, found #%d (lines were reordered or repeated)", want, seq), nil
		}
		fl := auditchain.Fields{Seq: seq, At: rec[1], Staff: rec[2], Role: rec[3], Action: rec[4], Object: rec[5], Reason: rec[6], Details: rec[7], PersonalSHA256: rec[8]}
		if rec[9] != prev {
			what := "the entry before the period"
			if seq > a.First {
				what = fmt.Sprintf("entry #%d", seq-1)
			}
			return n, bad(line, seq, "prev_hash %s does not match the hash of %s (%s)", short(rec[9]), what, short(prev)), nil
		}
		h, err := auditchain.Hash(prev, fl)
		if err != nil {
			return n, bad(line, seq, "%v", err), nil
		}
		if h != rec[10] {
			return n, bad(line, seq, "content does not match its hash: written %s, recomputed %s (the entry was altered)", short(rec[10]), short(h)), nil
		}
		if capture != nil {
			if _, ok := capture[seq]; ok {
				capture[seq] = h
			}
		}
		prev = h
		want++
		n++
	}
	switch {
	case a.Count > 0 && n == 0:
		return n, bad(0, a.First, "the CSV has no entries; the manifest says #%d–#%d", a.First, a.Last), nil
	case a.Count > 0 && want-1 != a.Last:
		return n, bad(0, want, "missing: the CSV ends at #%d; the manifest says the period ends at #%d (lines were dropped)", want-1, a.Last), nil
	case a.Count > 0 && prev != a.LastHash:
		return n, bad(0, a.Last, "the last entry's hash %s is not the manifest's %s", short(prev), short(a.LastHash)), nil
	}
	if a.Count > 0 && m.ChainHead.Seq == a.Last && m.ChainHead.Hash != a.LastHash {
		return n, []Problem{{File: ManifestName, Seq: a.Last, Reason: "the chain head differs from the hash of the same entry in the CSV"}}, nil
	}
	return n, nil, nil
}

// earlierLinks are the entries an earlier pack pins: its chain head at
// packing time and the last entry of its period.
func earlierLinks(old *Manifest) []Link {
	links := []Link{old.ChainHead}
	if old.Audit.Count > 0 && old.Audit.Last != old.ChainHead.Seq {
		links = append(links, Link{Seq: old.Audit.Last, Hash: old.Audit.LastHash})
	}
	return links
}

// continuity checks that the pack continues prev: same workspace, and the
// earlier pack's links are, in this pack, the entry before its first
// entry or the entry at the same position of its chain (captured: the
// hashes the chain pass recomputed).
func continuity(rep, prev *Report, captured map[int64]string) {
	cur, old := rep.Manifest, prev.Manifest
	if cur.WorkspaceID != old.WorkspaceID {
		rep.add(Problem{File: ManifestName, Reason: fmt.Sprintf("workspace %s, the previous pack is of workspace %s: not the same workspace", cur.WorkspaceID, old.WorkspaceID)})
		return
	}
	if cur.ChainHead.Seq < old.ChainHead.Seq {
		rep.add(Problem{File: ManifestName, Reason: fmt.Sprintf("this pack's chain head #%d is older than the previous pack's #%d: give the packs in the other order, or the chain lost entries", cur.ChainHead.Seq, old.ChainHead.Seq)})
		return
	}
	a := cur.Audit
	checked := 0
	for _, l := range earlierLinks(old) {
		switch {
		case l.Seq == a.Before.Seq:
			checked++
			if l.Hash != a.Before.Hash {
				rep.add(Problem{File: ManifestName, Seq: l.Seq, Reason: fmt.Sprintf("the previous pack recorded entry #%d as %s; this pack's entry before its period is %s: the chain was rewritten between the two packs", l.Seq, short(l.Hash), short(a.Before.Hash))})
				return
			}
		case a.Count > 0 && l.Seq >= a.First && l.Seq <= a.Last:
			checked++
			got := captured[l.Seq]
			if got == "" {
				// The chain pass stopped before it: already reported.
				return
			}
			if got != l.Hash {
				rep.add(Problem{File: a.CSV, Seq: l.Seq, Reason: fmt.Sprintf("the previous pack recorded entry #%d as %s; in this pack it is %s: the chain was rewritten between the two packs", l.Seq, short(l.Hash), short(got))})
				return
			}
		}
	}
	if checked == 0 {
		rep.add(Problem{File: ManifestName, Reason: fmt.Sprintf("this pack starts after entry #%d and the previous pack ends at #%d: entries #%d–#%d are in neither pack, so continuity cannot be shown; make this pack from an earlier date",
			a.Before.Seq, old.ChainHead.Seq, old.ChainHead.Seq+1, a.Before.Seq)})
	}
}

func short(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}
