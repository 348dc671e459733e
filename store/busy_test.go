package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"legco.kz/compliance/store/exportfile"
)

// A change blocked by another program's long write waits BusyWait, then
// says who holds the workspace (not "database is locked").
func TestBusyWorkspaceSaysWhoHoldsIt(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	seedUsers(t, w)
	release := w.hold("import.users of big-export.csv")
	defer release()
	other, err := openDB(path, w.key)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil { // holds the write lock, as an import's chunk does
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, `ROLLBACK`)
	old := BusyWait
	BusyWait = 1500 * time.Millisecond
	defer func() { BusyWait = old }()
	t0 := time.Now()
	err = w.BlockUser(ctx, "LC-000001", "request")
	waited := time.Since(t0)
	var be *BusyError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want a BusyError", err)
	}
	// The stated wait, plus one busy timeout of the last try and slack
	// for a loaded machine.
	if waited < BusyWait || waited > BusyWait+time.Second+5*time.Second {
		t.Errorf("waited %s, stated %s", waited, BusyWait)
	}
	msg := err.Error()
	for _, want := range []string{"busy", "Админ", "import.users of big-export.csv", "try again"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "database is locked") {
		t.Errorf("bare SQLite message: %q", msg)
	}
}

// A change made while an import runs gets in: the import ends its chunk
// early for the waiting program (one chunk of 50,000 rows otherwise).
func TestChangeDuringImport(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	seedUsers(t, w)
	var b strings.Builder
	b.WriteString("account_id;full_name\n")
	for i := range 45000 {
		fmt.Fprintf(&b, "IM-%06d;Импортов Пользователь %d\n", i, i)
	}
	done := make(chan error, 1)
	var res *ImportResult
	go func() {
		var err error
		res, err = w.ImportUsers(ctx, strings.NewReader(b.String()), "big.csv", exportfile.CSV, ImportOptions{ChunkTime: 300 * time.Millisecond})
		done <- err
	}()
	for readHolder(path) == nil { // the import has begun
		select {
		case err := <-done:
			t.Skipf("the import finished before the change could be tried: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	if err := w.BlockUser(ctx, "LC-000001", "request during an import"); err != nil {
		t.Fatalf("change during an import: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if res.New != 45000 {
		t.Fatalf("import: %+v", res)
	}
	if u, _ := w.GetUser(ctx, "LC-000001"); u == nil || !u.Blocked {
		t.Fatal("the change made during the import is lost")
	}
}
