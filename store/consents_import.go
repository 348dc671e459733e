package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"time"

	"legco.kz/compliance/store/exportfile"
)

// ImportConsents imports a consent-events export (CSV or JSON Lines, see
// docs/export-formats.md) into the ledger, with the rules of the users
// import: bad rows (unknown purpose, event, edition or account, bad time,
// language or channel, truncated lines) are reported with file, line and
// column and skipped, good rows kept; opts.Strict keeps nothing when one
// row is bad. An event already in the ledger (same account, purpose,
// time, event and edition) is counted as unchanged, so importing a file
// twice changes nothing. Each chunk is one transaction with one audit
// entry, which every event of the chunk names as the entry that recorded
// it.
func (w *Workspace) ImportConsents(ctx context.Context, r io.Reader, name string, format exportfile.Format, opts ImportOptions) (*ImportResult, error) {
	if err := w.can(PermConsentsWrite); err != nil {
		return nil, err
	}
	sum := sha256.New()
	cr, err := exportfile.NewConsentReader(hashingReader{r, sum}, name, format)
	if err != nil {
		return nil, err
	}
	return w.importConsents(ctx, cr, name, sum, opts)
}

func (w *Workspace) importConsents(ctx context.Context, src rowSource[exportfile.Consent], name string, sum hash.Hash, opts ImportOptions) (*ImportResult, error) {
	res := &ImportResult{File: name}
	ci := &consentImporter{w: w, file: name, batch: &res.BatchID, res: res, ids: map[string]int64{}, editions: map[int]*editionInfo{}, ranges: !consentPerRow}
	ci.ins = &consentInserter{w: w, deferDaily: true}
	ci.daily = &dailyTotals{w: w, batch: &res.BatchID}
	// An import killed before it wrote its day counts is counted first,
	// unless a holder file says it may still be running (consents_daily.go).
	if readHolder(w.path) == nil {
		if err := w.countUncounted(ctx); err != nil && !isBusy(err) {
			return res, fmt.Errorf("consent day counts: %w", err)
		}
	}
	run := &importRun[consentRow]{w: w, kind: "consents", action: "import.consents", file: name, opts: opts,
		src: datedConsents{src, w.Location(), map[string]string{}}, sum: sum, res: res,
		chunk: 50000, prepare: ci.prepare, row: ci.row, finish: ci.finish, last: ci.daily.last,
		committed: func() {
			ci.daily.committed()
			ci.ins.userAgentsCommitted()
		},
		done: func() {
			ci.ins.close()
			ci.ins.stopCounting()
			ci.daily.done(context.WithoutCancel(ctx))
		}, batches: "consent_import_batches", perm: PermConsentsWrite}
	return run.run(ctx)
}

// consentRow is an event of the file with what the writer needs of its
// time worked out on the goroutine that reads the file (see prefetch):
// the writer is the import's bottleneck.
type consentRow struct {
	exportfile.Consent
	at      int64 // nanos(Time)
	y, m, d int   // the day it is counted on, workspace time zone
}

type datedConsents struct {
	src rowSource[exportfile.Consent]
	loc *time.Location
	// seen interns the purpose, event, language and channel (a few
	// values): the CSV reader makes a record's fields slices of one
	// string, and the day counts and current states of a chunk, which
	// keep these four, would otherwise keep every such line alive.
	seen map[string]string
}

// maxInterned bounds seen: a file of bad rows may name any purpose.
const maxInterned = 1024

func (d datedConsents) intern(s string) string {
	if v, ok := d.seen[s]; ok {
		return v
	}
	if len(d.seen) >= maxInterned {
		return s
	}
	v := strings.Clone(s)
	d.seen[v] = v
	return v
}

func (d datedConsents) Next() (consentRow, error) {
	v, err := d.src.Next()
	if err != nil {
		return consentRow{Consent: v}, err
	}
	v.Purpose, v.Event, v.Language, v.Channel = d.intern(v.Purpose), d.intern(v.Event), d.intern(v.Language), d.intern(v.Channel)
	y, m, day := v.Time.In(d.loc).Date()
	return consentRow{Consent: v, at: nanos(v.Time), y: y, m: int(m), d: day}, nil
}

func (d datedConsents) BytesRead() int64 { return d.src.BytesRead() }

type editionInfo struct {
	err      string // why the edition cannot be used, "" when it can
	purposes map[string]bool
}

type consentImporter struct {
	w        *Workspace
	file     string
	batch    *int64
	ids      map[string]int64
	editions map[int]*editionInfo
	res      *ImportResult
	find     *sql.Stmt
	findFrom *sql.Stmt
	ins      *consentInserter
	daily    *dailyTotals
	seq      int64
	// last is the previous row's account: exports are grouped by user,
	// so most rows skip the map.
	lastAcc string
	lastID  int64
	// ranges: an account not yet known is read with the next
	// accountRange accounts in id order (one query for hundreds of users
	// of an export in account order); after enough accounts out of order,
	// one query per account. missed is the last account read that way.
	ranges    bool
	missed    string
	disorders int
}

// accountRange is how many accounts one read of users brings.
const accountRange = 512

func (c *consentImporter) prepare(ctx context.Context, tx *sql.Tx) error {
	if c.find != nil {
		c.find.Close()
	}
	var err error
	if c.find, err = tx.PrepareContext(ctx, `SELECT id FROM users WHERE account_id = ?`); err != nil {
		return err
	}
	if c.findFrom != nil {
		c.findFrom.Close()
	}
	if c.findFrom, err = tx.PrepareContext(ctx, `SELECT account_id, id FROM users WHERE account_id >= ? ORDER BY account_id LIMIT `+
		fmt.Sprint(accountRange)); err != nil {
		return err
	}
	// Ids are read afresh in each chunk's transaction: between two chunks
	// another program may have destroyed a user.
	clear(c.ids)
	c.lastAcc, c.lastID = "", 0
	if c.seq, err = nextAuditSeq(ctx, tx); err != nil {
		return err
	}
	// A rolled-back chunk may have frozen catalogs that are gone now.
	clear(c.editions)
	if err := c.ins.prepare(ctx, tx); err != nil {
		return err
	}
	c.ins.startCounting()
	return nil
}

func (c *consentImporter) finish(ctx context.Context, tx *sql.Tx) error {
	for _, st := range []*sql.Stmt{c.find, c.findFrom} {
		if st != nil {
			st.Close()
		}
	}
	c.find, c.findFrom = nil, nil
	if err := c.count(c.ins.drain(ctx, tx)); err != nil {
		return fmt.Errorf("%s %w", c.file, err)
	}
	if err := c.ins.flush(ctx, tx); err != nil {
		return err
	}
	return c.daily.take(ctx, tx, c.ins)
}

// count adds a written batch's events to the result (rows are queued
// with outcome "", see importRun).
func (c *consentImporter) count(newN, sameN int, err error) error {
	c.res.New += newN
	c.res.Same += sameN
	return err
}

// account returns the users id of accountID, 0 when there is none.
func (c *consentImporter) account(ctx context.Context, accountID string) (int64, error) {
	if uid, ok := c.ids[accountID]; ok {
		return uid, nil
	}
	if len(c.ids) > 1<<16 {
		clear(c.ids)
	}
	if c.ranges {
		if accountID < c.missed {
			if c.disorders++; c.disorders > 64 {
				c.ranges = false
			}
		}
		c.missed = accountID
	}
	if !c.ranges {
		var uid int64
		err := c.find.QueryRowContext(ctx, accountID).Scan(&uid)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, nil
		}
		if err != nil {
			return 0, err
		}
		c.ids[accountID] = uid
		return uid, nil
	}
	rows, err := c.findFrom.QueryContext(ctx, accountID)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var acc string
		var uid int64
		if err := rows.Scan(&acc, &uid); err != nil {
			return 0, err
		}
		c.ids[acc] = uid
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return c.ids[accountID], nil
}

func (c *consentImporter) edition(ctx context.Context, tx *sql.Tx, n int) (*editionInfo, error) {
	if e, ok := c.editions[n]; ok {
		return e, nil
	}
	e := &editionInfo{purposes: map[string]bool{}}
	if _, err := editionUsable(ctx, tx, n); err != nil {
		e.err = err.Error()
	} else {
		cat, err := freezeCatalog(ctx, tx, n)
		if err != nil {
			return nil, err
		}
		for _, p := range cat {
			e.purposes[p.Code] = true
		}
	}
	c.editions[n] = e
	return e, nil
}

func (c *consentImporter) row(ctx context.Context, tx *sql.Tx, v consentRow) (string, error) {
	rowErr := func(col, value, reason string) error {
		return &exportfile.RowError{File: c.file, Line: v.Line, Column: col, Value: value, Reason: reason}
	}
	ed, err := c.edition(ctx, tx, v.Edition)
	if err != nil {
		return "", err
	}
	if ed.err != "" {
		return "", rowErr("edition", fmt.Sprint(v.Edition), ed.err)
	}
	if !ed.purposes[v.Purpose] {
		return "", rowErr("purpose", v.Purpose, fmt.Sprintf("not a purpose of edition %d's consent catalog", v.Edition))
	}
	if v.Time.After(c.w.now().Add(24 * time.Hour)) {
		return "", rowErr("time", v.Time.Format(time.RFC3339), "in the future")
	}
	uid := c.lastID
	if v.AccountID != c.lastAcc || uid == 0 {
		if uid, err = c.account(ctx, v.AccountID); err != nil {
			return "", err
		}
		if uid == 0 {
			return "", rowErr("account_id", v.AccountID, "no user with this account id; import the users export first")
		}
		c.lastAcc, c.lastID = v.AccountID, uid
	}
	ua, err := c.ins.userAgentID(ctx, v.UserAgent)
	if err != nil {
		return "", err
	}
	e := pendingEvent{uid: uid, purpose: v.Purpose, event: v.Event, language: v.Language, channel: v.Channel, ip: v.IP,
		ua: ua, documentRef: v.DocumentRef, edition: v.Edition, at: v.at, y: v.y, m: v.m, d: v.d,
		batch: sql.NullInt64{Int64: *c.batch, Valid: *c.batch != 0}, seq: c.seq, line: v.Line}
	// Outcome "": the event is counted when its batch is written.
	if err := c.count(c.ins.queue(ctx, tx, e)); err != nil {
		return "", fmt.Errorf("%s %w", c.file, err)
	}
	return "", nil
}

// ConsentImportBatches lists consent import runs, newest first.
func (w *Workspace) ConsentImportBatches(ctx context.Context) ([]ImportBatch, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT id, kind, file_name, file_sha256, started_at, coalesce(finished_at, ''), staff,
		rows_new, rows_updated, rows_same, rows_bad FROM consent_import_batches ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ImportBatch
	for rows.Next() {
		var b ImportBatch
		var started, finished string
		if err := rows.Scan(&b.ID, &b.Kind, &b.File, &b.SHA256, &started, &finished, &b.Staff, &b.New, &b.Updated, &b.Same, &b.Rejected); err != nil {
			return nil, err
		}
		b.StartedAt, _ = time.Parse(time.RFC3339Nano, started)
		b.FinishedAt, _ = time.Parse(time.RFC3339Nano, finished)
		out = append(out, b)
	}
	return out, rows.Err()
}
