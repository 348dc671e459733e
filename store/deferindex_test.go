package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"legco.kz/compliance/store/exportfile"
)

func deferCSV(from, n int) string {
	var b strings.Builder
	b.WriteString("account_id,full_name,email\n")
	names := []string{"Әлия", "Бек", "Ерлан", "Азамат", "Ұлан", "Іліяс", "Öz", "Зере"}
	for i := from; i < from+n; i++ {
		fmt.Fprintf(&b, "LC-D%05d,%s %d,u%d@example.kz\n", i, names[i*7%len(names)], i%13, i)
	}
	return b.String()
}

func nameIndexState(t *testing.T, w *Workspace) (bool, string) {
	t.Helper()
	ctx := context.Background()
	has, err := indexExists(ctx, w.db, "users_name")
	if err != nil {
		t.Fatal(err)
	}
	names, err := deferredIndexes(ctx, w.db)
	if err != nil {
		t.Fatal(err)
	}
	return has, names
}

// A large import into an empty table drops users_name after its first
// chunk and builds it in its last: the list by name works meanwhile
// (sorted) and after (the index), and the result verifies.
func TestImportDefersNameIndex(t *testing.T) {
	ctx := context.Background()
	defer func(v int64) { bigImportMin = v }(bigImportMin)
	bigImportMin = 100
	w, _ := newWorkspace(t)
	var during []bool
	var listErr error
	opts := ImportOptions{ChunkRows: 200, Progress: func(ImportProgress) {
		has, _ := nameIndexState(t, w)
		during = append(during, has)
		all, err := w.UserIDs(ctx, UserFilter{Order: OrderByName})
		if err != nil {
			listErr = err
		}
		// The list's first page too (it walks users_name when there is one).
		if first, err := w.FirstUserIDs(ctx, UserFilter{Order: OrderByName}, 50); err != nil {
			listErr = err
		} else if !slices.Equal(first, all[:min(50, len(all))]) {
			listErr = fmt.Errorf("first page %v is not the list's beginning", first)
		}
	}}
	res, err := w.ImportUsers(ctx, strings.NewReader(deferCSV(0, 1000)), "d.csv", exportfile.CSV, opts)
	if err != nil || res.New != 1000 {
		t.Fatalf("%+v %v", res, err)
	}
	if listErr != nil {
		t.Fatalf("list by name during the import: %v", listErr)
	}
	if !slices.Contains(during, false) {
		t.Errorf("users_name was never dropped during the import: %v", during)
	}
	if has, names := nameIndexState(t, w); !has || names != "" {
		t.Fatalf("after the import: index %v, deferred %q", has, names)
	}
	ids, err := w.UserIDs(ctx, UserFilter{Order: OrderByName})
	if err != nil || len(ids) != 1000 {
		t.Fatalf("%d %v", len(ids), err)
	}
	var sorted []int64
	if sorted, err = w.queryIDs(ctx, `SELECT id FROM users NOT INDEXED ORDER BY name_key, account_id`); err != nil || !slices.Equal(ids, sorted) {
		t.Fatalf("list by name differs from the sorted keys: %v", err)
	}
	if chk, err := w.IntegrityCheck(ctx); err != nil || chk != nil {
		t.Fatalf("integrity: %v %v", chk, err)
	}
	for _, quick := range []bool{false, true} {
		if rep, err := w.Verify(ctx, VerifyOptions{Quick: quick}); err != nil || !rep.OK() {
			t.Fatalf("verify (quick %v): %v %+v %v", quick, err, rep.Broken, rep.Tampered)
		}
	}
	// A re-import (known rows) and a small import keep the index.
	during = nil
	if res, err = w.ImportUsers(ctx, strings.NewReader(deferCSV(0, 1000)), "d.csv", exportfile.CSV, opts); err != nil || res.Same != 1000 {
		t.Fatalf("%+v %v", res, err)
	}
	if slices.Contains(during, false) {
		t.Errorf("a re-import dropped users_name: %v", during)
	}
}

// A cancelled import builds what it dropped before it returns; one killed
// leaves a record that the next open acts on.
func TestDeferredNameIndexRestored(t *testing.T) {
	ctx := context.Background()
	defer func(v int64) { bigImportMin = v }(bigImportMin)
	bigImportMin = 100
	w, path := newWorkspace(t)
	cctx, cancel := context.WithCancel(ctx)
	chunks := 0
	opts := ImportOptions{ChunkRows: 200, Progress: func(ImportProgress) {
		if chunks++; chunks == 3 {
			if has, _ := nameIndexState(t, w); has {
				t.Error("users_name not dropped by the third chunk")
			}
			cancel()
		}
	}}
	res, err := w.ImportUsers(cctx, strings.NewReader(deferCSV(0, 2000)), "c.csv", exportfile.CSV, opts)
	if err == nil || !res.Cancelled {
		t.Fatalf("not cancelled: %+v %v", res, err)
	}
	if has, names := nameIndexState(t, w); !has || names != "" {
		t.Fatalf("after a cancel: index %v, deferred %q", has, names)
	}
	// A kill between chunks: the drop committed, the build never ran.
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := deferIndex(ctx, tx, "users_name"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	w, err = Open(ctx, path, "Админ", []byte("correct horse"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if has, names := nameIndexState(t, w); !has || names != "" {
		t.Fatalf("after reopening: index %v, deferred %q", has, names)
	}
	if rep, err := w.Verify(ctx, VerifyOptions{}); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %+v %v", err, rep.Broken, rep.Tampered)
	}
}
