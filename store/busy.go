package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"
)

// Sharing the workspace with a long write (an import): the import
// commits a chunk about every second (ImportOptions.ChunkTime) and, when
// another program waits, pauses after the chunk so that program gets in.
// A program that still cannot write after BusyWait says who holds the
// workspace — from a small holder file next to it (FILE.holder: staff
// login, what, process id, since; no personal data) — instead of SQLite's
// bare "database is locked".

// BusyWait is how long a change waits for another program's write.
var BusyWait = 5 * time.Second

// Holder is who holds the workspace for a long write.
type Holder struct {
	Staff string    `json:"staff"`
	What  string    `json:"what"`
	PID   int       `json:"pid"`
	Since time.Time `json:"since"`
}

// BusyError: another program kept the workspace longer than BusyWait.
type BusyError struct {
	Holder *Holder // nil when no holder file tells
	Waited time.Duration
	Loc    *time.Location
}

func (e *BusyError) Error() string {
	if h := e.Holder; h != nil {
		return fmt.Sprintf("the workspace is busy: %s has been running %s since %s (process %d); waited %s — try again when it finishes",
			h.Staff, h.What, h.Since.In(e.Loc).Format("15:04:05"), h.PID, e.Waited.Round(100*time.Millisecond))
	}
	return fmt.Sprintf("the workspace is busy with another program's change; waited %s — try again in a moment", e.Waited.Round(100*time.Millisecond))
}

func holderPath(db string) string  { return db + ".holder" }
func waitingPath(db string) string { return db + ".waiting" }

// hold records that this process holds the workspace for what, until
// release is called.
func (w *Workspace) hold(what string) (release func()) {
	b, _ := json.Marshal(Holder{Staff: w.me.Name, What: what, PID: os.Getpid(), Since: time.Now().UTC()})
	p := holderPath(w.path)
	tmp := p + ".tmp"
	if os.WriteFile(tmp, b, 0o600) != nil || os.Rename(tmp, p) != nil {
		return func() {}
	}
	return func() { os.Remove(p) }
}

// readHolder reads the holder file, if a live one is there.
func readHolder(db string) *Holder {
	b, err := os.ReadFile(holderPath(db))
	if err != nil {
		return nil
	}
	h := &Holder{}
	if json.Unmarshal(b, h) != nil {
		return nil
	}
	return h
}

func isBusy(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "database is locked") || strings.Contains(err.Error(), "database table is locked"))
}

// beginWrite begins a write transaction, waiting up to BusyWait for
// another program's write; meanwhile a waiting mark asks an import to
// pause after its chunk.
func (w *Workspace) beginWrite(ctx context.Context) (*sql.Tx, error) {
	start := time.Now()
	marked := false
	defer func() {
		if marked {
			os.Remove(waitingPath(w.path))
		}
	}()
	conn := writeConn(ctx)
	for {
		var tx *sql.Tx
		var err error
		if conn != nil {
			tx, err = conn.BeginTx(ctx, nil)
		} else {
			tx, err = w.db.BeginTx(ctx, nil)
		}
		if !isBusy(err) {
			return tx, err
		}
		if !marked {
			marked = os.WriteFile(waitingPath(w.path), nil, 0o600) == nil
		}
		waited := time.Since(start)
		if waited >= BusyWait {
			return nil, &BusyError{Holder: readHolder(w.path), Waited: waited, Loc: w.Location()}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// othersWaiting reports whether another program waits to write.
func (w *Workspace) othersWaiting() bool {
	fi, err := os.Stat(waitingPath(w.path))
	return err == nil && time.Since(fi.ModTime()) <= BusyWait+time.Second
}

// yieldToWaiters pauses a long write between chunks while another
// program waits to write (up to pause).
func (w *Workspace) yieldToWaiters(pause time.Duration) {
	deadline := time.Now().Add(pause)
	for time.Now().Before(deadline) && w.othersWaiting() {
		time.Sleep(20 * time.Millisecond)
	}
}
