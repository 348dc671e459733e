package main

import (
	"context"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/keyslot"
)

// The attacks of issue #9 on real workspace files: someone with the files
// but not the key copies older pages back or flips bytes; someone with
// the key deletes audit payloads. `audit verify` must name each (exit 4).

func rawOpen(t *testing.T, db string) *sql.DB {
	t.Helper()
	slots, err := keyslot.Load(keyslot.Path(db))
	if err != nil {
		t.Fatal(err)
	}
	u, err := slots.Unlock("admin", []byte(pass))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", "file:"+db+"?_pragma_key="+url.QueryEscape("x'"+hex.EncodeToString(u.Key)+"'"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// rootPages maps b-tree names to their root page; the tables of these
// tests are small enough that the root is the only (leaf) page.
func rootPages(t *testing.T, db string) (map[string]int64, int64) {
	t.Helper()
	raw := rawOpen(t, db)
	out := map[string]int64{}
	rows, err := raw.Query(`SELECT name, rootpage FROM sqlite_master WHERE rootpage > 0`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		var p int64
		rows.Scan(&n, &p)
		out[n] = p
	}
	rows.Close()
	var size int64
	raw.QueryRow(`PRAGMA page_size`).Scan(&size)
	raw.Close()
	return out, size
}

func copyWorkspace(t *testing.T, from, to string) {
	t.Helper()
	for _, sfx := range []string{"", ".keys"} {
		b, err := os.ReadFile(from + sfx)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to+sfx, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// replay writes page p of the older file over the same page of db.
func replay(t *testing.T, older, db string, size int64, pages ...int64) {
	t.Helper()
	old, err := os.ReadFile(older)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(db, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range pages {
		off := (p - 1) * size
		if _, err := f.WriteAt(old[off:off+size], off); err != nil {
			t.Fatal(err)
		}
	}
}

func firstAccount(t *testing.T, db string) string {
	t.Helper()
	ctx := context.Background()
	w, err := store.Open(ctx, db, "admin", []byte(pass), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ids, err := w.UserIDs(ctx, store.UserFilter{})
	if err != nil || len(ids) == 0 {
		t.Fatal(ids, err)
	}
	us, err := w.UsersByID(ctx, ids[:1])
	if err != nil {
		t.Fatal(err)
	}
	return us[0].AccountID
}

func wantTampering(t *testing.T, what, db string, needles ...string) {
	t.Helper()
	r := cli(t, adminEnv(), "audit", "verify", "--db", db)
	if r.code != exitAuditBroken {
		t.Fatalf("%s: verify exit %d, want %d\n%s%s", what, r.code, exitAuditBroken, r.stdout, r.stderr)
	}
	for _, n := range needles {
		if !strings.Contains(r.stderr, n) {
			t.Errorf("%s: verify does not say %q:\n%s", what, n, r.stderr)
		}
	}
	if !strings.Contains(r.stderr, "restore both from a backup") {
		t.Errorf("%s: no advice:\n%s", what, r.stderr)
	}
}

func TestTamperingFound(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ws.db")
	// A small workspace (few audit entries), so that each table's root
	// page is its only, leaf, page.
	if r := cli(t, adminEnv(), "init", "--db", db, "--admin", "admin"); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	csv := filepath.Join(dir, "users.csv")
	os.WriteFile(csv, []byte("account_id,full_name,iin,email\nLC-000001,Әлия Нұрова,870315348215,aliya@example.kz\nLC-000002,Бек Сейтов,,bek@example.kz\nLC-000003,Ерлан Ерланов,,erlan@example.kz\n"), 0o600)
	if r := cli(t, adminEnv(), "import", "users", "--db", db, "--file", csv); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	acct := firstAccount(t, db)
	roots, size := rootPages(t, db)
	before := filepath.Join(dir, "before.db")
	copyWorkspace(t, db, before)
	if r := cli(t, adminEnv(), "users", "update", "--db", db, acct, "--field", "email", "--value", "new.address@example.kz", "--reason", "user's request"); r.code != 0 {
		t.Fatalf("update: %+v", r)
	}
	if r := cli(t, adminEnv(), "audit", "verify", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "sealed records") {
		t.Fatalf("untampered verify: %+v", r)
	}
	if r := cli(t, adminEnv(), "audit", "verify", "--quick", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "--quick") {
		t.Fatalf("quick verify: %+v", r)
	}

	t.Run("audit leaf copied back", func(t *testing.T) {
		x := filepath.Join(t.TempDir(), "x.db")
		copyWorkspace(t, db, x)
		replay(t, before, x, size, roots["audit_log"])
		// Two ways to see it, both exit 4: the seal of the updated user
		// names an entry past the log's end, or, when the log's index
		// pages (not copied back) are read first, integrity_check finds
		// them disagreeing with the table. Which comes first depends on
		// the page layout of the workspace.
		r := cli(t, adminEnv(), "audit", "verify", "--db", x)
		seal := strings.Contains(r.stderr, "user:"+acct) && strings.Contains(r.stderr, "the log ends at")
		index := strings.Contains(r.stderr, "wrong # of entries in index audit_log")
		if r.code != exitAuditBroken || !(seal || index) || !strings.Contains(r.stderr, "restore both from a backup") {
			t.Fatalf("audit leaf: verify exit %d, want %d naming the seal or the audit log's index:\n%s%s", r.code, exitAuditBroken, r.stdout, r.stderr)
		}
	})
	t.Run("users leaf copied back", func(t *testing.T) {
		x := filepath.Join(t.TempDir(), "x.db")
		copyWorkspace(t, db, x)
		replay(t, before, x, size, roots["users"])
		wantTampering(t, "users leaf", x, "user:"+acct, "does not match its seal")
	})
	t.Run("bytes flipped", func(t *testing.T) {
		x := filepath.Join(t.TempDir(), "x.db")
		copyWorkspace(t, db, x)
		b, _ := os.ReadFile(x)
		off := (roots["users"]-1)*size + size/2
		b[off] ^= 0x5a
		b[off+1] ^= 0xa5
		os.WriteFile(x, b, 0o600)
		wantTampering(t, "flipped bytes", x, "cipher_integrity_check")
	})
	t.Run("audit payload deleted", func(t *testing.T) {
		x := filepath.Join(t.TempDir(), "x.db")
		copyWorkspace(t, db, x)
		raw := rawOpen(t, x)
		if _, err := raw.Exec(`DELETE FROM audit_personal`); err == nil || !strings.Contains(err.Error(), "DELETE refused") {
			t.Fatalf("deleting a payload was not refused: %v", err)
		}
		if _, err := raw.Exec(`DROP TRIGGER audit_personal_no_delete; DELETE FROM audit_personal`); err != nil {
			t.Fatal(err)
		}
		raw.Close()
		wantTampering(t, "payload deleted", x, "user:"+acct, "no destruction or depersonalisation", "audit_personal_no_delete is missing")
	})
	t.Run("destruction undone by copying pages back", func(t *testing.T) {
		x := filepath.Join(t.TempDir(), "x.db")
		copyWorkspace(t, db, x)
		old := filepath.Join(t.TempDir(), "old.db")
		copyWorkspace(t, db, old)
		act := filepath.Join(t.TempDir(), "act.pdf")
		if r := cli(t, adminEnv(), "users", "destroy", "--db", x, acct, "--reason", "retention expired", "--act", act); r.code != 0 {
			t.Fatalf("destroy: %+v", r)
		}
		if r := cli(t, adminEnv(), "audit", "verify", "--db", x); r.code != 0 {
			t.Fatalf("verify after destroy: %+v", r)
		}
		// The users leaf and its account-id index: the record is found again.
		replay(t, old, x, size, roots["users"], roots["sqlite_autoindex_users_1"])
		if r := cli(t, adminEnv(), "users", "show", "--db", x, acct); r.code != 0 {
			t.Logf("users show after replay: %+v", r)
		}
		wantTampering(t, "destruction replay", x, "user:"+acct, "present again")
	})
}
