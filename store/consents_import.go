package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"hash"
	"io"
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
	ci := &consentImporter{w: w, file: name, batch: &res.BatchID, ids: map[string]int64{}, editions: map[int]*editionInfo{}}
	ci.ins = &consentInserter{w: w}
	run := &importRun[exportfile.Consent]{w: w, kind: "consents", action: "import.consents", file: name, opts: opts, src: src, sum: sum, res: res,
		chunk: 50000, prepare: ci.prepare, row: ci.row, finish: ci.finish, done: ci.ins.close, batches: "consent_import_batches", perm: PermConsentsWrite}
	return run.run(ctx)
}

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
	find     *sql.Stmt
	ins      *consentInserter
	seq      int64
	// last is the previous row's account: exports are grouped by user,
	// so most rows skip the map.
	lastAcc string
	lastID  int64
}

func (c *consentImporter) prepare(ctx context.Context, tx *sql.Tx) error {
	if c.find != nil {
		c.find.Close()
	}
	var err error
	if c.find, err = tx.PrepareContext(ctx, `SELECT id FROM users WHERE account_id = ?`); err != nil {
		return err
	}
	if c.seq, err = nextAuditSeq(ctx, tx); err != nil {
		return err
	}
	// A rolled-back chunk may have frozen catalogs that are gone now.
	clear(c.editions)
	return c.ins.prepare(ctx, tx)
}

func (c *consentImporter) finish(ctx context.Context, tx *sql.Tx) error {
	if c.find != nil {
		c.find.Close()
		c.find = nil
	}
	return c.ins.flush(ctx, tx)
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

func (c *consentImporter) row(ctx context.Context, tx *sql.Tx, v exportfile.Consent) (string, error) {
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
		var ok bool
		if uid, ok = c.ids[v.AccountID]; !ok {
			err := c.find.QueryRowContext(ctx, v.AccountID).Scan(&uid)
			if errors.Is(err, sql.ErrNoRows) {
				return "", rowErr("account_id", v.AccountID, "no user with this account id; import the users export first")
			}
			if err != nil {
				return "", err
			}
			if len(c.ids) > 1<<16 {
				clear(c.ids)
			}
			c.ids[v.AccountID] = uid
		}
		c.lastAcc, c.lastID = v.AccountID, uid
	}
	ev := &ConsentEvent{Purpose: v.Purpose, Event: ConsentEventKind(v.Event), Edition: v.Edition, Language: v.Language, Channel: v.Channel,
		At: v.Time, IP: v.IP, UserAgent: v.UserAgent, DocumentRef: v.DocumentRef, BatchID: *c.batch, AuditSeq: c.seq}
	out, err := c.ins.insert(ctx, uid, ev)
	if err != nil {
		return "", fmt.Errorf("%s line %d: %w", c.file, v.Line, err)
	}
	return out, nil
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
