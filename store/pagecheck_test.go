package store

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The Go page check agrees with SQLCipher's own cipher_integrity_check on
// a real workspace: no finding on an intact file, and the same damaged
// page (and only it) when bytes are flipped in a copy.
func TestPageCheckAgreesWithSQLCipher(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	if _, err := w.LoadDemo(ctx, 300, 5, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	key := append([]byte(nil), w.key...)
	if found, err := checkPageFile(ctx, path, key, nil); err != nil || len(found) != 0 {
		t.Fatalf("intact workspace: %v %v", found, err)
	}
	if found, err := w.pragmaCheck(ctx, "cipher_integrity_check"); err != nil || len(found) != 0 {
		t.Fatalf("SQLCipher on the intact workspace: %v %v", found, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pages := len(b) / cipherPageSize
	if pages < 10 {
		t.Fatalf("only %d pages", pages)
	}
	for _, pg := range []int{1, pages / 2, pages} { // the salt page, a middle page, the last
		t.Run("page", func(t *testing.T) {
			x := filepath.Join(t.TempDir(), "x.db")
			c := append([]byte(nil), b...)
			off := (pg-1)*cipherPageSize + cipherPageSize/2
			c[off] ^= 0x5a
			if err := os.WriteFile(x, c, 0o600); err != nil {
				t.Fatal(err)
			}
			found, err := checkPageFile(ctx, x, key, nil)
			if err != nil || len(found) != 1 || !strings.Contains(found[0].Detail, "page "+itoa(pg)+":") {
				t.Fatalf("page %d flipped: %+v %v", pg, found, err)
			}
			if pg == 1 {
				return // SQLCipher cannot open a file whose first page fails
			}
			db, err := openDB(x, key)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			rows, err := db.QueryContext(ctx, "PRAGMA cipher_integrity_check")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var sq []string
			for rows.Next() {
				var s string
				rows.Scan(&s)
				sq = append(sq, s)
			}
			if len(sq) != 1 || !strings.Contains(sq[0], itoa(pg)) {
				t.Fatalf("SQLCipher on page %d flipped says %q", pg, sq)
			}
		})
	}
	// A file cut short by half a page.
	x := filepath.Join(t.TempDir(), "cut.db")
	if err := os.WriteFile(x, b[:len(b)-cipherPageSize/2], 0o600); err != nil {
		t.Fatal(err)
	}
	if found, _ := checkPageFile(ctx, x, key, nil); len(found) == 0 || !strings.Contains(found[0].Detail, "not a whole number") {
		t.Fatalf("cut file: %+v", found)
	}
	// The wrong key fails every page.
	bad := append([]byte(nil), key...)
	bad[0] ^= 1
	if found, _ := checkPageFile(ctx, path, bad, nil); len(found) == 0 {
		t.Fatal("the wrong key passed the page check")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
