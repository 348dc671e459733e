package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"legco.kz/compliance/store/keyslot"
)

var testOpts = Options{KDF: keyslot.TestParams, CacheKiB: 8192}

// newWorkspace creates a workspace in a temp dir with admin "Админ".
func newWorkspace(t testing.TB) (*Workspace, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ws.db")
	w, err := Create(context.Background(), path, "Админ", []byte("correct horse"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, path
}

func fileHashes(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = sha256.Sum256(b)
	}
	return out
}

func TestCreateOpenAndWrongCredentials(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	if err := w.AddStaff(ctx, "Ұлжан Әлібекова", RoleCompliance, []byte("ұзын құпия сөз"), keyslot.TestParams); err != nil {
		t.Fatal(err)
	}
	w.Close()

	before := fileHashes(t, filepath.Dir(path))
	cases := []struct{ name, staff, pass string }{
		{"wrong passphrase", "Админ", "wrong horse"},
		{"unknown staff", "Никто", "correct horse"},
		{"someone else's passphrase", "Админ", "ұзын құпия сөз"},
	}
	for _, tc := range cases {
		_, err := Open(ctx, path, tc.staff, []byte(tc.pass), testOpts)
		if !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("%s: err = %v, want ErrBadCredentials", tc.name, err)
		}
	}
	after := fileHashes(t, filepath.Dir(path))
	if len(before) != len(after) {
		t.Fatalf("files changed: %d before, %d after", len(before), len(after))
	}
	for name, h := range before {
		if after[name] != h {
			t.Errorf("%s changed after failed unlocks", name)
		}
	}

	w2, err := Open(ctx, path, "Ұлжан Әлібекова", []byte("ұзын құпия сөз"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	if me := w2.Me(); me.Role != RoleCompliance || me.Name != "Ұлжан Әлібекова" {
		t.Fatalf("me = %+v", me)
	}
}

func TestDatabaseIsEncrypted(t *testing.T) {
	w, path := newWorkspace(t)
	w.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(b, []byte("SQLite format 3")) {
		t.Fatal("database starts with the plain SQLite header")
	}
	for _, s := range []string{"audit_log", "Админ", "workspace.create"} {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("database holds %q in plain bytes", s)
		}
	}
	// Without the key, the same engine cannot read it.
	db, err := openDB(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	err = db.QueryRow("SELECT count(*) FROM sqlite_master").Scan(&n)
	if err == nil || !strings.Contains(err.Error(), "not a database") {
		t.Fatalf("keyless read: err = %v", err)
	}
}

func TestWorkspaceFilesAreOwnerOnly(t *testing.T) {
	w, path := newWorkspace(t)
	if err := w.SetAutoLock(context.Background(), time.Hour); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal", path + "-shm", path + ".keys"} {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v; want no access for group and others", filepath.Base(f), st.Mode().Perm())
		}
	}
}

func TestTempStoreIsMemory(t *testing.T) {
	w, _ := newWorkspace(t)
	// SQLite's temporary files are not encrypted by SQLCipher.
	for i := 0; i < 3; i++ { // every pooled connection
		var v int
		if err := w.db.QueryRow("PRAGMA temp_store").Scan(&v); err != nil || v != 2 {
			t.Fatalf("temp_store = %d (%v), want 2 (MEMORY)", v, err)
		}
	}
}

func TestCreateRefusesExisting(t *testing.T) {
	_, path := newWorkspace(t)
	_, err := Create(context.Background(), path, "x", []byte("long enough"), testOpts)
	if err == nil || !strings.Contains(err.Error(), "already there") {
		t.Fatalf("err = %v", err)
	}
}

func TestAuditorCannotChangeAnything(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	if err := w.AddStaff(ctx, "auditor", RoleAuditor, []byte("auditor pass"), keyslot.TestParams); err != nil {
		t.Fatal(err)
	}
	w.Close()
	a, err := Open(ctx, path, "auditor", []byte("auditor pass"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	head, _ := a.AuditHead(ctx)
	writes := map[string]func() error{
		"add staff":    func() error { return a.AddStaff(ctx, "x", RoleAdmin, []byte("xxxxxxxxxx"), keyslot.TestParams) },
		"remove staff": func() error { return a.RemoveStaff(ctx, "Админ", "test") },
		"rotate key":   func() error { return a.RotateKey(ctx, []byte("auditor pass"), "test") },
		"settings":     func() error { return a.SetAutoLock(ctx, time.Hour) },
		"operator":     func() error { return a.SetOperator(ctx, DefaultOperator, "test") },
		"time zone":    func() error { return a.SetTimeZone(ctx, "UTC") },
		"profile":      func() error { return a.SetStaffProfile(ctx, "Админ", "X", "Y") },
	}
	for _, wr := range auditorWriteAttempts(a) {
		writes[wr.name] = wr.fn
	}
	for name, fn := range writes {
		err := fn()
		var fe *ForbiddenError
		if !errors.As(err, &fe) || !errors.Is(err, ErrForbidden) {
			t.Errorf("%s: err = %v, want *ForbiddenError", name, err)
		}
	}
	after, _ := a.AuditHead(ctx)
	if after != head {
		t.Fatalf("audit head moved from %v to %v", head, after)
	}
}

func TestAuditChainVerifyAndTamper(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	for i := 0; i < 5; i++ {
		if err := w.SetAutoLock(ctx, time.Duration(i+1)*time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := w.VerifyAudit(ctx, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Broken != nil || rep.Entries != 6 || len(rep.Warnings) != 0 {
		t.Fatalf("fresh chain: %+v %+v", rep, rep.Broken)
	}
	head := rep.Head.Hash
	if rep2, _ := w.VerifyAudit(ctx, head, nil); rep2.Broken != nil {
		t.Fatalf("expected head not found: %v", rep2.Broken)
	}
	// The triggers refuse edits through SQL.
	if _, err := w.db.Exec(`UPDATE audit_log SET reason = 'x' WHERE seq = 3`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("UPDATE not refused: %v", err)
	}
	if _, err := w.db.Exec(`DELETE FROM audit_log WHERE seq = 6`); err == nil {
		t.Fatal("DELETE not refused")
	}
	// Someone with the key drops the trigger and edits entry 3.
	if _, err := w.db.Exec(`DROP TRIGGER audit_log_no_update; UPDATE audit_log SET reason = 'quietly rewritten' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	rep, err = w.VerifyAudit(ctx, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Broken == nil || rep.Broken.Seq != 3 || !strings.Contains(rep.Broken.Reason, "altered") {
		t.Fatalf("tampered chain: %+v", rep.Broken)
	}
	if len(rep.Warnings) != 1 {
		t.Fatalf("warnings = %v", rep.Warnings)
	}
}

func TestAuditTailRemovalDetectedWithExpectedHead(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	w.SetAutoLock(ctx, time.Minute)
	h, _ := w.AuditHead(ctx)
	w.db.Exec(`DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = ?`, h.Seq)
	rep, err := w.VerifyAudit(ctx, h.Hash, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Expect == nil || rep.OK() {
		t.Fatal("removal of the newest entry not detected against the recorded head")
	}
}

func TestStaffLifecycle(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	if err := w.AddStaff(ctx, "lawyer", RoleLegal, []byte("legal pass 1"), keyslot.TestParams); err != nil {
		t.Fatal(err)
	}
	if err := w.AddStaff(ctx, "lawyer", RoleLegal, []byte("legal pass 2"), keyslot.TestParams); err == nil {
		t.Fatal("second enrolment of the same name accepted")
	}
	if err := w.RemoveStaff(ctx, "Админ", "self"); err == nil {
		t.Fatal("admin removed themself")
	}
	if err := w.RemoveStaff(ctx, "lawyer", "left the firm"); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, path, "lawyer", []byte("legal pass 1"), testOpts); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("removed member opened the workspace: %v", err)
	}
	list, _ := w.ListStaff(ctx, true)
	if len(list) != 2 || !list[1].Removed && !list[0].Removed {
		t.Fatalf("staff list = %+v", list)
	}
	// Passphrase change.
	if err := w.ChangePassphrase(ctx, []byte("wrong"), []byte("new passphrase"), keyslot.TestParams); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("change with wrong old passphrase: %v", err)
	}
	if err := w.ChangePassphrase(ctx, []byte("correct horse"), []byte("new passphrase"), keyslot.TestParams); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if _, err := Open(ctx, path, "Админ", []byte("correct horse"), testOpts); !errors.Is(err, ErrBadCredentials) {
		t.Fatal("old passphrase still opens")
	}
	w2, err := Open(ctx, path, "Админ", []byte("new passphrase"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	es, _ := w2.AuditEntries(ctx, AuditFilter{})
	var actions []string
	for _, e := range es {
		actions = append(actions, e.Action)
	}
	want := "staff.passphrase staff.remove staff.add workspace.create"
	if got := strings.Join(actions, " "); got != want {
		t.Fatalf("audit actions = %q, want %q", got, want)
	}
}

func TestRotateKey(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	w.AddStaff(ctx, "clerk", RoleCompliance, []byte("clerk pass"), keyslot.TestParams)
	if err := w.RotateKey(ctx, []byte("correct horse"), "annual rotation"); err != nil {
		t.Fatal(err)
	}
	// The workspace still works under the new key in this session.
	if err := w.SetAutoLock(ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	list, _ := w.ListStaff(ctx, false)
	for _, s := range list {
		if s.Name == "clerk" && s.HasSlot {
			t.Fatal("clerk keeps a slot after rotation")
		}
	}
	w.Close()
	if _, err := Open(ctx, path, "clerk", []byte("clerk pass"), testOpts); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("clerk opened after rotation: %v", err)
	}
	w2, err := Open(ctx, path, "Админ", []byte("correct horse"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	if err := w2.AddStaff(ctx, "clerk", RoleCompliance, []byte("clerk pass 2"), keyslot.TestParams); err != nil {
		t.Fatal(err)
	}
	rep, _ := w2.VerifyAudit(ctx, "", nil)
	if rep.Broken != nil {
		t.Fatal(rep.Broken)
	}
	w2.Close()
	w3, err := Open(ctx, path, "clerk", []byte("clerk pass 2"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	w3.Close()
}

func TestRotationInterruptedAfterRekey(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	// Simulate a crash between PRAGMA rekey and the final sidecar write:
	// seal the pending key, rekey, and stop.
	next, _ := keyslot.NewKey()
	if err := w.slots.SetPending("Админ", []byte("correct horse"), next); err != nil {
		t.Fatal(err)
	}
	if err := w.slots.Save(keyslot.Path(path)); err != nil {
		t.Fatal(err)
	}
	w.db.SetMaxOpenConns(1)
	if _, err := w.db.Exec("PRAGMA rekey = \"x'" + hexString(next) + "'\""); err != nil {
		t.Fatal(err)
	}
	w.db.Close()
	w.db = nil
	w2, err := Open(ctx, path, "Админ", []byte("correct horse"), testOpts)
	if err != nil {
		t.Fatalf("open after interrupted rotation: %v", err)
	}
	defer w2.Close()
	f, _ := keyslot.Load(keyslot.Path(path))
	if len(f.Slots[0].PendingSealed) != 0 {
		t.Fatal("pending key not promoted")
	}
}

func TestMigrationsFromEveryVersion(t *testing.T) {
	ctx := context.Background()
	key, _ := keyslot.NewKey()
	schema := func(path string) string {
		db, err := openDB(path, key)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		rows, err := db.Query(`SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var a, n, s string
			rows.Scan(&a, &n, &s)
			b.WriteString(a + " " + n + " " + s + "\n")
		}
		return b.String()
	}
	fresh := filepath.Join(t.TempDir(), "fresh.db")
	db, _ := openDB(fresh, key)
	if err := migrate(ctx, db, len(migrations)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	want := schema(fresh)
	for from := 0; from < len(migrations); from++ {
		p := filepath.Join(t.TempDir(), "old.db")
		db, _ := openDB(p, key)
		if err := migrate(ctx, db, from); err != nil {
			t.Fatalf("to %d: %v", from, err)
		}
		if err := migrate(ctx, db, len(migrations)); err != nil {
			t.Fatalf("from %d: %v", from, err)
		}
		var v int
		db.QueryRow(`SELECT max(version) FROM schema_migrations`).Scan(&v)
		db.Close()
		if v != len(migrations) {
			t.Fatalf("from %d: version %d", from, v)
		}
		if got := schema(p); got != want {
			t.Fatalf("from %d: schema differs from a fresh one", from)
		}
	}
}

func TestDemoCredentials(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	o := testOpts
	o.Demo = true
	w, err := Create(context.Background(), path, "admin", []byte("demo-passphrase"), o)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	staff, pass, ok := DemoCredentials(path)
	if !ok || staff != "admin" || pass != "demo-passphrase" {
		t.Fatalf("demo credentials = %q %q %v", staff, pass, ok)
	}
	_, path2 := newWorkspace(t)
	if _, _, ok := DemoCredentials(path2); ok {
		t.Fatal("a real workspace reports demo credentials")
	}
}
