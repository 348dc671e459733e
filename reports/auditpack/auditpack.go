// Package auditpack builds the offline audit pack: one folder (or one
// zip) with everything an auditor needs for a period, checkable without
// the workspace or a passphrase (package verify):
//
//	manifest.json                 every file's size and SHA-256, workspace id,
//	                              chain head, period, who packed it and when
//	SHA256SUMS                    the same digests for `sha256sum -c`
//	index.pdf                     RU+KK: what each file is, how to verify by hand
//	audit/audit-log.csv           the period's audit entries with their hashes
//	audit/audit-log-NNNN.pdf      the same entries, in volumes
//	processing-record.pdf         record of processing activities
//	policy/privacy-edition-N.pdf  each policy edition in force (ru+kk)
//	personal/subjects.csv         account id → name (only with personal data)
//	parts/<id>/…                  parts of other features (see Part)
//
// The same workspace state and options give byte-identical files; only
// manifest.json's packing time (and packer) differ, and they are in no
// other file. Everything is streamed: the audit CSV is written row by
// row, and the audit PDF is split into volumes, each its own document,
// so a million entries never sit in memory at once.
package auditpack

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"legco.kz/compliance/reports/auditpack/verify"
	"legco.kz/compliance/reports/policypdf"
	"legco.kz/compliance/store"
)

// DefaultVolumeSize is the number of audit entries per PDF volume: about
// 200 landscape pages and 25 MB of memory while the volume is built
// (fpdf holds a whole document until it writes it).
const DefaultVolumeSize = 10_000

// PackMemoryLimit is the soft Go memory limit the command line sets while
// it packs (debug.SetMemoryLimit): the pack's live data stays well under
// it (two volumes being drawn, a few waiting), and the limit keeps the
// garbage collector from letting the heap double on top of that.
const PackMemoryLimit = 280 << 20

// Options say what to pack and where.
type Options struct {
	// Out is the folder to create (it must not exist) or, with Zip, the
	// zip file.
	Out string
	Zip bool
	// From and To are dates in the workspace's time zone, To inclusive;
	// zero: from the first entry / up to now.
	From, To time.Time
	// WithPersonalData adds users' names (personal/subjects.csv and the
	// parts that support it); the index says so on its first page.
	WithPersonalData bool
	// PackedBy and Program go into manifest.json.
	PackedBy, Program string
	// Now is the packing time (manifest.json only); nil: time.Now.
	Now func() time.Time
	// Progress, if set, gets (done, total) work units.
	Progress func(done, total int64)
	// Parts are the extra parts; nil means Registered().
	Parts []Part
	// VolumeSize is the entries per audit PDF volume; 0: DefaultVolumeSize.
	VolumeSize int
}

// Result is what Build made.
type Result struct {
	Path     string
	Manifest *verify.Manifest
}

// pack is the state of one Build.
type pack struct {
	opts     Options
	snap     *store.PackSnapshot
	sink     sink
	loc      *time.Location
	from, to time.Time // instants, to exclusive
	rng      store.AuditRange
	lastHash string
	// acted counts the period's entries per member and role, made while
	// the entries stream by (for the processing record).
	acted    map[store.StaffRole]int64
	docDate  time.Time
	volumes  []string
	slots    []*slot
	subjects int
	editions []*store.Edition
	edFiles  []string
	done     int64
	total    int64
}

// Build makes the pack from the snapshot.
func Build(ctx context.Context, snap *store.PackSnapshot, opts Options) (*Result, error) {
	if opts.VolumeSize <= 0 {
		opts.VolumeSize = DefaultVolumeSize
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Parts == nil {
		opts.Parts = Registered()
	}
	if strings.TrimSpace(opts.Out) == "" {
		return nil, errors.New("audit pack: no output path")
	}
	p := &pack{opts: opts, snap: snap, loc: snap.Location()}
	if !opts.From.IsZero() {
		p.from = day(opts.From, p.loc)
	}
	if !opts.To.IsZero() {
		p.to = day(opts.To, p.loc).AddDate(0, 0, 1)
	}
	if !p.from.IsZero() && !p.to.IsZero() && !p.to.After(p.from) {
		return nil, fmt.Errorf("audit pack: the period ends (%s) before it starts (%s)", opts.To.Format(dateFmt), opts.From.Format(dateFmt))
	}
	var err error
	if p.rng, err = snap.AuditRange(ctx, p.from, p.to); err != nil {
		return nil, err
	}
	p.lastHash = p.rng.Before.Hash
	p.total = 2*p.rng.Count + 20
	// PDFs carry a date the state fixes, never the clock: the period's
	// last moment, or the chain head's time (zero: pdfkit's fixed date).
	p.docDate = p.to.Add(-time.Second)
	if p.to.IsZero() {
		p.docDate = snap.HeadAt
	}
	if opts.Zip {
		p.sink, err = newZipSink(opts.Out, p.docDate)
	} else {
		p.sink, err = newDirSink(opts.Out)
	}
	if err != nil {
		return nil, err
	}
	m, err := p.build(ctx)
	if err != nil {
		p.sink.abort()
		return nil, err
	}
	if err := p.sink.commit(); err != nil {
		p.sink.abort()
		return nil, err
	}
	return &Result{Path: opts.Out, Manifest: m}, nil
}

const dateFmt = "2006-01-02"

func day(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

func (p *pack) step(n int64) {
	p.done += n
	if p.opts.Progress != nil {
		p.opts.Progress(min(p.done, p.total), p.total)
	}
}

func (p *pack) build(ctx context.Context) (*verify.Manifest, error) {
	eds, err := p.snap.EditionsInForce(ctx, p.from, p.to)
	if err != nil {
		return nil, err
	}
	p.editions = eds
	ctx, cancel := context.WithCancel(ctx)
	dc := p.startDataCounts(ctx)
	defer func() { cancel(); dc.wait() }()
	if err := p.writeAudit(ctx); err != nil {
		return nil, err
	}
	if p.opts.WithPersonalData {
		if err := p.writeSubjects(ctx); err != nil {
			return nil, err
		}
	}
	if err := p.writePolicies(ctx); err != nil {
		return nil, err
	}
	p.step(2)
	var ropa bytes.Buffer
	if err := p.drawProcessingRecord(ctx, &ropa, dc); err != nil {
		return nil, fmt.Errorf("audit pack: %s: %w", ProcessingRecordName, err)
	}
	w, err := p.sink.create(ProcessingRecordName)
	if err != nil {
		return nil, err
	}
	if _, err := ropa.WriteTo(w); err != nil {
		return nil, err
	}
	p.step(4)
	if err := p.writeParts(ctx); err != nil {
		return nil, err
	}
	p.step(4)
	if err := p.writeIndex(ctx); err != nil {
		return nil, err
	}
	p.step(4)
	return p.writeManifest()
}

// volume is one audit PDF volume in the pipeline.
type volume struct {
	n    int
	recs []store.AuditRecord
	out  *bytes.Buffer
	err  error
	done chan struct{}
}

// writeAudit reads the period's entries once, in seq order, and makes of
// each row a line of the audit CSV, a count for the processing record's
// staff table and a line of a PDF volume. The volumes are drawn on up to
// two goroutines (the machine's cores; each volume is a separate
// document, so they share no state) and written to the pack in order; at
// most workers+2 volumes are in memory at once, whatever the period's
// size. The pack takes one file at a time (a zip has one open entry), so
// the CSV is spooled beside the pack and moved in (a folder) or copied in
// (a zip) once the volumes are written: reading the log a second time
// cost more (a full decrypting pass over it) than the copy.
func (p *pack) writeAudit(ctx context.Context) error {
	nvol := int((p.rng.Count + int64(p.opts.VolumeSize) - 1) / int64(p.opts.VolumeSize))
	if nvol == 0 {
		nvol = 1 // an empty period still gets a page that says so
	}
	for i := range nvol {
		p.volumes = append(p.volumes, fmt.Sprintf("audit/audit-log-%04d.pdf", i+1))
	}
	spoolPath := p.opts.Out + ".csv.partial"
	spool, err := os.OpenFile(spoolPath, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("audit pack: audit CSV: %w", err)
	}
	defer os.Remove(spoolPath) // moved into a folder pack; gone either way
	defer spool.Close()
	digest := &digestWriter{name: verify.AuditCSVName, w: spool, h: sha256.New()}
	p.acted = map[store.StaffRole]int64{}

	workers := min(2, runtime.GOMAXPROCS(0), nvol)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ordered := make(chan *volume, workers)
	jobs := make(chan *volume)
	readErr := make(chan error, 1)
	go func() {
		defer close(ordered)
		defer close(jobs)
		send := func(v *volume) bool {
			select {
			case ordered <- v:
			case <-ctx.Done():
				return false
			}
			select {
			case jobs <- v:
				return true
			case <-ctx.Done():
				return false
			}
		}
		bw := bufio.NewWriterSize(digest, 1<<20)
		cw := csv.NewWriter(bw)
		if err := cw.Write(verify.CSVHeader); err != nil {
			readErr <- err
			return
		}
		rec := make([]string, len(verify.CSVHeader))
		cur := &volume{n: 1, done: make(chan struct{})}
		if p.rng.Count > 0 {
			var n int64
			err := p.snap.StreamAudit(ctx, p.rng.First, p.rng.Last, func(r *store.AuditRecord) error {
				f := r.Fields
				rec[0], rec[1], rec[2], rec[3], rec[4], rec[5] = strconv.FormatInt(f.Seq, 10), f.At, f.Staff, f.Role, f.Action, f.Object
				rec[6], rec[7], rec[8], rec[9], rec[10] = f.Reason, f.Details, f.PersonalSHA256, r.PrevHash, r.Hash
				if err := cw.Write(rec); err != nil {
					return err
				}
				p.lastHash = r.Hash
				p.acted[store.StaffRole{Staff: f.Staff, Role: f.Role}]++
				if n++; n%4096 == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
				}
				cur.recs = append(cur.recs, *r)
				if len(cur.recs) == p.opts.VolumeSize {
					if !send(cur) {
						return ctx.Err()
					}
					cur = &volume{n: cur.n + 1, done: make(chan struct{}), recs: make([]store.AuditRecord, 0, p.opts.VolumeSize)}
				}
				return nil
			})
			if err != nil {
				readErr <- err
				return
			}
		}
		if len(cur.recs) > 0 || p.rng.Count == 0 {
			send(cur)
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			readErr <- err
			return
		}
		readErr <- bw.Flush()
	}()
	// Output buffers go back to the drawing goroutines once written:
	// a volume's few MB are then allocated (and cleared) a few times per
	// pack, not once per volume.
	free := make(chan *bytes.Buffer, workers+2)
	for range workers {
		go func() {
			st := &volumeState{}
			for v := range jobs {
				select {
				case v.out = <-free:
				default:
					v.out = new(bytes.Buffer)
				}
				v.err = p.drawVolume(st, v.out, v, nvol)
				close(v.done)
			}
		}()
	}
	for v := range ordered {
		select {
		case <-v.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if v.err != nil {
			return fmt.Errorf("audit pack: %s: %w", p.volumes[v.n-1], v.err)
		}
		w, err := p.sink.create(p.volumes[v.n-1])
		if err != nil {
			return err
		}
		if _, err := v.out.WriteTo(w); err != nil {
			return err
		}
		select {
		case free <- v.out:
		default:
		}
		v.out = nil
		// A unit for the entry's CSV line and one for its PDF line.
		p.step(2 * int64(len(v.recs)))
		v.recs = nil
	}
	if err := <-readErr; err != nil {
		return fmt.Errorf("audit pack: audit log: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := spool.Close(); err != nil {
		return fmt.Errorf("audit pack: audit CSV: %w", err)
	}
	return p.sink.adopt(verify.AuditCSVName, spoolPath, verify.File{Name: verify.AuditCSVName, Size: digest.n, SHA256: hex.EncodeToString(digest.h.Sum(nil))})
}

// dataCounts are the processing record's counts of the data held.
type dataCounts struct {
	users store.UserCounts
	cats  []store.CategoryCount
	err   error
	done  chan struct{}
	run   func() // set while the counting has not started
}

// wait waits for counting begun in the background (none: nothing to do).
func (d *dataCounts) wait() {
	if d.run == nil {
		<-d.done
	}
}

// get returns the counts, counting now if that has not begun.
func (d *dataCounts) get() (store.UserCounts, []store.CategoryCount, error) {
	if run := d.run; run != nil {
		d.run = nil
		run()
	}
	<-d.done
	return d.users, d.cats, d.err
}

// startDataCounts counts the data held, on the snapshot's second
// connection while the audit log streams on the first and its volumes
// are drawn (the counts read the largest tables, every page decrypted: a
// third of a pack's SQL time, which the second core can take). They sort
// nothing (see store.DataCounts), so they add no memory beside the
// volumes. With one connection they run when the record is drawn.
func (p *pack) startDataCounts(ctx context.Context) *dataCounts {
	d := &dataCounts{done: make(chan struct{})}
	run := func() {
		defer close(d.done)
		d.users, d.cats, d.err = p.snap.DataCounts(ctx)
	}
	if p.snap.Concurrent() {
		go run()
	} else {
		d.run = run
	}
	return d
}

// writeSubjects writes account id → name for every user the period's
// entries are about: the one place names enter a pack made with
// personal data.
func (p *pack) writeSubjects(ctx context.Context) error {
	var ids []string
	var err error
	if p.rng.Count > 0 {
		if ids, err = p.snap.AuditSubjects(ctx, p.rng.First, p.rng.Last); err != nil {
			return err
		}
	}
	names, err := p.snap.SubjectNames(ctx, ids)
	if err != nil {
		return err
	}
	w, err := p.sink.create("personal/subjects.csv")
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"account_id", "full_name", "state"})
	for _, n := range names {
		state := "held"
		switch {
		case !n.Held:
			state = "destroyed"
		case n.Depersonalized:
			state = "depersonalized"
		}
		cw.Write([]string{n.AccountID, n.FullName, state})
	}
	p.subjects = len(names)
	cw.Flush()
	return cw.Error()
}

// writePolicies writes privacy.pdf (ru+kk) of each edition in force
// during the period, as published (policypdf gives the same bytes for the
// same edition).
func (p *pack) writePolicies(ctx context.Context) error {
	for _, e := range p.editions {
		name := fmt.Sprintf("policy/privacy-edition-%d.pdf", e.Number)
		w, err := p.sink.create(name)
		if err != nil {
			return err
		}
		if err := policypdf.Render(w, policypdf.FromStore(e, p.snap.Head), policypdf.RUKK); err != nil {
			return fmt.Errorf("audit pack: %s: %w", name, err)
		}
		p.edFiles = append(p.edFiles, name)
	}
	return nil
}

// writeParts runs the registered parts in the index's order.
func (p *pack) writeParts(ctx context.Context) error {
	p.slots = slots(p.opts.Parts)
	for _, s := range p.slots {
		if s.Write == nil {
			s.status = verify.PartAbsent
			continue
		}
		pc := &PartContext{snap: p.snap, From: p.from, To: p.to, Range: p.rng, Head: p.snap.Head,
			WithPersonalData: p.opts.WithPersonalData, DocDate: p.docDate, id: s.ID, sink: p.sink}
		if err := s.Write(ctx, pc); err != nil {
			return fmt.Errorf("audit pack: part %s: %w", s.ID, err)
		}
		s.files = pc.files
		s.status = verify.PartIncluded
		if pc.noData {
			s.status = verify.PartNoData
		}
	}
	return nil
}

// writeManifest writes SHA256SUMS, then manifest.json listing every file
// (SHA256SUMS included).
func (p *pack) writeManifest() (*verify.Manifest, error) {
	var sums strings.Builder
	for _, f := range p.sinkFiles() {
		fmt.Fprintf(&sums, "%s  %s\n", f.SHA256, f.Name)
	}
	w, err := p.sink.create(verify.SumsName)
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(w, sums.String()); err != nil {
		return nil, err
	}
	m := p.manifest()
	m.Files = p.sinkFiles()
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	w, err = p.sink.create(verify.ManifestName)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return nil, err
	}
	return m, nil
}

// sinkFiles are the files written so far (the one being written is
// finished first), by name.
func (p *pack) sinkFiles() []verify.File {
	switch s := p.sink.(type) {
	case *dirSink:
		s.closeCur()
		return s.sorted()
	case *zipSink:
		s.finish()
		return s.sorted()
	}
	return nil
}

func (p *pack) manifest() *verify.Manifest {
	m := &verify.Manifest{Format: verify.Format, Program: p.opts.Program, WorkspaceID: p.snap.WorkspaceID(),
		PackedAt: p.opts.Now().UTC().Format(time.RFC3339), PackedBy: p.opts.PackedBy,
		Period:           verify.Period{TimeZone: p.loc.String()},
		WithPersonalData: p.opts.WithPersonalData,
		ChainHead:        verify.Link{Seq: p.snap.Head.Seq, Hash: p.snap.Head.Hash},
		Audit: verify.Audit{CSV: verify.AuditCSVName, First: p.rng.First, Last: p.rng.Last, Count: p.rng.Count,
			Before: verify.Link{Seq: p.rng.Before.Seq, Hash: p.rng.Before.Hash}, LastHash: p.lastHash, PDF: p.volumes}}
	if p.rng.Count == 0 {
		m.Audit.LastHash = ""
	}
	if !p.opts.From.IsZero() {
		m.Period.From = p.opts.From.Format(dateFmt)
	}
	if !p.opts.To.IsZero() {
		m.Period.To = p.opts.To.Format(dateFmt)
	}
	for _, s := range p.slots {
		files := append([]string(nil), s.files...)
		sort.Strings(files)
		m.Parts = append(m.Parts, verify.Part{ID: s.ID, Status: s.status, Files: files})
	}
	return m
}
