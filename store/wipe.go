package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// A destruction or depersonalization is only done when no copy of the
// old pages is left: SQLite writes the change (with secure_delete's
// zeroed pages) to the WAL, and the old pages stay in the main file until
// a checkpoint copies the new ones over them. A checkpoint cannot pass a
// reader that still sees the old state (another process with a read
// transaction open), so the operation records a pending wipe in its own
// transaction, waits for the checkpoint, and says so if it cannot finish;
// the next open finishes it.

// WipeWait is how long an operation waits for other readers before it
// reports a pending wipe.
var WipeWait = 30 * time.Second

// WipePendingError says the data were removed from the workspace but the
// old pages could not yet be wiped from the main file, because another
// process keeps reading the workspace. The wipe is finished when the
// workspace is next opened (or by the next destruction).
type WipePendingError struct {
	What   string // "act DA-…" or "depersonalization"
	Waited time.Duration
}

func (e *WipePendingError) Error() string {
	return fmt.Sprintf("%s is committed, but another program reading the workspace kept the old pages from being wiped for %s; close the other sessions (app windows, commands) — the wipe is finished when the workspace is next opened",
		e.What, e.Waited.Round(time.Second))
}

type wipeProgressKey struct{}

// WithWipeProgress makes destructions and depersonalizations under ctx
// call fn while they wait for another reader, with the time waited and
// the most they will wait.
func WithWipeProgress(ctx context.Context, fn func(waited, most time.Duration)) context.Context {
	return context.WithValue(ctx, wipeProgressKey{}, fn)
}

// notePendingWipe records, inside the operation's transaction, that its
// pages must be wiped.
func notePendingWipe(ctx context.Context, tx *sql.Tx, what string, at time.Time) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO pending_wipes(what, since) VALUES (?, ?)`, what, at.UTC().Format(time.RFC3339))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// checkpoint runs PRAGMA wal_checkpoint(TRUNCATE) on conn and reports
// whether it copied the whole WAL into the main file and emptied it.
func checkpoint(ctx context.Context, conn *sql.Conn) (bool, error) {
	var busy, logFrames, done int
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done); err != nil {
		return false, err
	}
	return busy == 0 && logFrames == done, nil
}

// wipe waits up to most for the checkpoint that wipes the old pages,
// then clears the pending wipes. It returns a *WipePendingError when
// another reader still holds them.
func (w *Workspace) wipe(ctx context.Context, what string, most time.Duration) error {
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// Short busy waits, so the loop can report progress and stop on time.
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 250`); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), `PRAGMA busy_timeout = 1000`)
	progress, _ := ctx.Value(wipeProgressKey{}).(func(waited, most time.Duration))
	start := time.Now()
	for {
		ok, err := checkpoint(ctx, conn)
		if err != nil {
			return fmt.Errorf("%s: WAL checkpoint: %w", what, err)
		}
		if ok {
			break
		}
		waited := time.Since(start)
		if waited >= most {
			return &WipePendingError{What: what, Waited: waited}
		}
		if progress != nil {
			progress(waited, most)
		}
		select {
		case <-ctx.Done():
			return &WipePendingError{What: what, Waited: waited}
		case <-time.After(250 * time.Millisecond):
		}
	}
	// Every pending wipe is done: the WAL was folded in whole.
	if _, err := conn.ExecContext(ctx, `DELETE FROM pending_wipes`); err != nil {
		return err
	}
	checkpoint(ctx, conn) // keep the WAL empty; the bookkeeping page holds no personal data
	return nil
}

// finishPendingWipe finishes, at open, a wipe an earlier operation could
// not: one quick try, as another process may still hold it.
func (w *Workspace) finishPendingWipe(ctx context.Context) error {
	var n int
	if err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM pending_wipes`).Scan(&n); err != nil || n == 0 {
		return err
	}
	err := w.wipe(ctx, "an earlier wipe", time.Second)
	if _, pending := err.(*WipePendingError); pending {
		return nil // PendingWipes tells; the next open tries again
	}
	return err
}

// PendingWipes counts the wipes still waiting for other readers to close.
func (w *Workspace) PendingWipes(ctx context.Context) (int, error) {
	var n int
	err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM pending_wipes`).Scan(&n)
	return n, err
}

// closeCheckpoint folds the WAL at close without waiting on the busy
// timeout: a command run while an import holds the workspace must not
// wait at exit for a checkpoint the import blocks.
func closeCheckpoint(db *sql.DB) {
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 0`); err == nil {
		conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
}
