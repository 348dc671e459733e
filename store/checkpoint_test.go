package store

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"

	"legco.kz/compliance/store/exportfile"
)

// An import checkpoints beside its chunks (checkpoint.go): the WAL stays
// at a few chunks' size however many chunks there are, everything is in
// the main file at the end, and the connections go back to the pool with
// automatic checkpoints on.
func TestImportCheckpointsBesideChunks(t *testing.T) {
	ctx := context.Background()
	w, path, first := consentImportWorkspace(t, 700)
	if _, err := w.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	chunks := 0
	res, err := w.ImportConsents(ctx, strings.NewReader(first), "c.csv", exportfile.CSV, ImportOptions{ChunkRows: 20,
		Progress: func(ImportProgress) { chunks++ }})
	if err != nil || res.New == 0 {
		t.Fatalf("import: %+v %v", res, err)
	}
	if chunks < 100 {
		t.Fatalf("%d chunks; the test needs many", chunks)
	}
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	// A chunk of 20 events writes a few dozen pages; without the WAL
	// restarting, it would hold every chunk's (thousands of pages).
	const page = 4096 + 24
	if frames := fi.Size() / page; frames > 40*importCatchUp*3 {
		t.Errorf("the WAL holds %d frames after %d chunks: it did not restart", frames, chunks)
	}
	// Every committed page was copied into the main file by the import.
	var busy, log, done int
	conn, err := w.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &done); err != nil {
		t.Fatal(err)
	}
	if busy != 0 || log != done {
		t.Errorf("after the import: checkpoint busy %d, %d frames in the WAL, %d copied", busy, log, done)
	}
	// Every connection of the pool checkpoints on its own again.
	conns := []*sql.Conn{}
	for i := 0; i < 3; i++ {
		c, err := w.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for i, c := range append(conns, conn) {
		var n int
		if err := c.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&n); err != nil || n != 1000 {
			t.Errorf("connection %d: wal_autocheckpoint %d (%v), want 1000", i, n, err)
		}
	}
	for _, c := range conns {
		c.Close()
	}
}
