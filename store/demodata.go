package store

import (
	"context"
	"database/sql"
	"io"
	"time"

	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/exportfile"
)

// demoSource feeds generated users to the import machinery.
type demoSource struct {
	g    *demo.Generator
	i, n int
}

func (s *demoSource) Next() (exportfile.User, error) {
	if s.i >= s.n {
		return exportfile.User{}, io.EOF
	}
	u := s.g.User(s.i)
	u.Line = s.i + 1
	s.i++
	return u, nil
}

func (s *demoSource) BytesRead() int64 { return int64(s.i) }

// LoadDemo adds n synthetic users (deterministic for seed) with their
// access log (1.1.2) and public-source data (1.1.3), in chunks of 20,000
// users a transaction, each with its audit entry. progress gets (done, n).
func (w *Workspace) LoadDemo(ctx context.Context, n int, seed int64, progress func(done, total int)) (*ImportResult, error) {
	g := demo.New(seed)
	src := keyedUsers{&demoSource{g: g, n: n}, nil}
	res := &ImportResult{File: "demo"}
	tomb, err := w.tombstoneDigester(ctx)
	if err != nil {
		return res, err
	}
	ui := &userInserter{w: w, tomb: tomb, batch: &res.BatchID, file: "demo"}
	var acc, pub *sql.Stmt
	prepare := func(ctx context.Context, tx *sql.Tx) error {
		if err := ui.prepare(ctx, tx); err != nil {
			return err
		}
		var err error
		if acc, err = tx.PrepareContext(ctx, `INSERT OR IGNORE INTO access_log(user_id, at, ip, cookie_id, user_agent, page, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?)`); err != nil {
			return err
		}
		pub, err = tx.PrepareContext(ctx, `INSERT INTO public_data(user_id, field, value, source, legal_basis, obtained_at) VALUES (?, ?, ?, ?, ?, ?)`)
		return err
	}
	row := func(ctx context.Context, tx *sql.Tx, u userRow) (string, error) {
		outcome, err := ui.row(ctx, tx, u)
		if err != nil || outcome != "new" {
			return outcome, err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT last_insert_rowid()`).Scan(&id); err != nil {
			return "", err
		}
		i := u.Line - 1
		for _, a := range g.AccessLog(u.User, i) {
			if _, err := acc.ExecContext(ctx, id, timeText(a.Time), a.IP, a.CookieID, a.UserAgent, a.Page, res.BatchID); err != nil {
				return "", err
			}
		}
		for _, p := range g.PublicData(u.User, i) {
			if _, err := pub.ExecContext(ctx, id, p.Field, p.Value, p.Source, p.LegalBasis, p.CollectedAt.UTC().Format(time.RFC3339)); err != nil {
				return "", err
			}
		}
		return outcome, nil
	}
	opts := ImportOptions{}
	if progress != nil {
		opts.Progress = func(p ImportProgress) { progress(p.Rows, n) }
	}
	run := &importRun[userRow]{w: w, kind: "demo", action: "import.demo", file: "demo", opts: opts, src: src, res: res,
		prepare: prepare, row: row, finish: ui.flush, seal: ui.takeSealed, sealKnown: ui.takeKnown, done: func() {
			ui.close()
			for _, s := range []*sql.Stmt{acc, pub} {
				if s != nil {
					s.Close()
				}
			}
		}}
	return run.run(ctx)
}
