package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"legco.kz/compliance/store/exportfile"
)

// ImportAccessLog imports an access-log export (clause 1.1.2). Rows are
// matched on (account, time, page, IP, cookie), so a re-import adds
// nothing; rows of unknown accounts are rejected with their line.
func (w *Workspace) ImportAccessLog(ctx context.Context, r io.Reader, name string, format exportfile.Format, opts ImportOptions) (*ImportResult, error) {
	if err := w.can(PermRecordsImport); err != nil {
		return nil, err
	}
	sum := sha256.New()
	ar, err := exportfile.NewAccessReader(hashingReader{r, sum}, name, format)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{File: name}
	ai := &accessInserter{file: name, batch: &res.BatchID, ids: map[string]int64{}}
	run := &importRun[exportfile.Access]{w: w, kind: "access-log", action: "import.access-log", file: name, opts: opts, src: ar, sum: sum, res: res,
		prepare: ai.prepare, row: ai.row, done: ai.close}
	return run.run(ctx)
}

type accessInserter struct {
	file  string
	batch *int64
	ids   map[string]int64 // account id → user id, for this import
	ins   *sql.Stmt
	find  *sql.Stmt
}

func (a *accessInserter) close() {
	for _, s := range []*sql.Stmt{a.ins, a.find} {
		if s != nil {
			s.Close()
		}
	}
	a.ins, a.find = nil, nil
}

func (a *accessInserter) prepare(ctx context.Context, tx *sql.Tx) error {
	a.close()
	var err error
	if a.ins, err = tx.PrepareContext(ctx, `INSERT INTO access_log(user_id, at, ip, cookie_id, user_agent, page, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(user_id, at, page, ip, cookie_id) DO NOTHING`); err != nil {
		return err
	}
	a.find, err = tx.PrepareContext(ctx, `SELECT id FROM users WHERE account_id = ?`)
	return err
}

func (a *accessInserter) row(ctx context.Context, tx *sql.Tx, v exportfile.Access) (string, error) {
	id, ok := a.ids[v.AccountID]
	if !ok {
		err := a.find.QueryRowContext(ctx, v.AccountID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return "", &exportfile.RowError{File: a.file, Line: v.Line, Column: "account_id", Value: v.AccountID,
				Reason: "no user with this account id; import the users export first"}
		}
		if err != nil {
			return "", err
		}
		if len(a.ids) > 1<<20 {
			clear(a.ids)
		}
		a.ids[v.AccountID] = id
	}
	res, err := a.ins.ExecContext(ctx, id, timeText(v.Time), v.IP, v.CookieID, v.UserAgent, v.Page, *a.batch)
	if err != nil {
		return "", fmt.Errorf("%s line %d: %w", a.file, v.Line, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return "new", nil
	}
	return "same", nil
}
