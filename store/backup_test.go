package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/keyslot"
)

const testPass = "correct horse"

func restoreOpts(force bool) RestoreOptions {
	return RestoreOptions{Staff: "Админ", Passphrase: []byte(testPass), Force: force, Options: testOpts}
}

// A backup taken while an import commits chunks restores to a workspace
// that opens, whose audit chain verifies, and that holds whole chunks
// only: its user count is what its own audit entries say was imported,
// and a multiple of the chunk size (or the whole file).
func TestBackupDuringImport(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	const users, chunk = 1650, 100
	up, _, err := demo.New(11).WriteExports(t.TempDir(), users, exportfile.CSV, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(up)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	var committed atomic.Int64
	done := make(chan struct{})
	var importErr error
	go func() {
		defer close(done)
		_, importErr = w.ImportUsers(ctx, f, "users.csv", exportfile.CSV, ImportOptions{ChunkRows: chunk,
			Progress: func(p ImportProgress) {
				committed.Add(1)
				time.Sleep(40 * time.Millisecond) // room for a backup to start
			}})
	}()
	// After a backup takes its snapshot, let the import commit another
	// chunk (and start the next) before the files are copied: the copy
	// then holds frames beyond the snapshot and, often, a chunk half
	// written.
	during := 0
	testHookBackupSnapshot = func() {
		n0 := committed.Load()
		for committed.Load() == n0 {
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
		during++
	}
	defer func() { testHookBackupSnapshot = nil }()
	var dirs []string
	for i := 0; i < 4; i++ {
		for committed.Load() < int64(2+2*i) {
			select {
			case <-done:
			case <-time.After(time.Millisecond):
				continue
			}
			break
		}
		dir := filepath.Join(t.TempDir(), fmt.Sprintf("backup %d", i))
		if _, err := w.Backup(ctx, dir, nil); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	<-done
	if importErr != nil {
		t.Fatal(importErr)
	}
	if during < 2 {
		t.Fatal("fewer than two backups overlapped the import's commits")
	}
	counts := map[int]bool{}
	for _, dir := range dirs {
		m, err := ReadBackupManifest(dir)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "Восстановлено", "ws.db")
		if _, err := Restore(ctx, dir, path, restoreOpts(false)); err != nil {
			t.Fatalf("restore %s: %v", dir, err)
		}
		r, err := Open(ctx, path, "Админ", []byte(testPass), testOpts)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := r.VerifyAudit(ctx, "", nil)
		if err != nil || rep.Broken != nil {
			t.Fatalf("%s: audit %+v %v", dir, rep, err)
		}
		// The chain holds the backup's head (then the restore's entry).
		if _, err := r.VerifyAudit(ctx, m.AuditHash, nil); err != nil {
			t.Fatalf("%s: backup head not in the restored chain: %v", dir, err)
		}
		n, err := r.CountUsers(ctx, UserFilter{})
		if err != nil {
			t.Fatal(err)
		}
		imported := 0
		es, err := r.AuditEntries(ctx, AuditFilter{Action: "import.users", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			var d struct {
				New int `json:"new"`
			}
			json.Unmarshal([]byte(e.Details), &d)
			imported += d.New
		}
		if n != imported {
			t.Errorf("%s: %d users, but its audit entries record %d imported", dir, n, imported)
		}
		if n%chunk != 0 && n != users {
			t.Errorf("%s: %d users is not a whole number of %d-row chunks", dir, n, chunk)
		}
		if bad, err := r.IntegrityCheck(ctx); err != nil || len(bad) > 0 {
			t.Errorf("%s: integrity %v %v", dir, bad, err)
		}
		counts[n] = true
		r.Close()
	}
	t.Logf("%d backups (%d overlapping commits) held %v users", len(dirs), during, counts)
}

// The files of a backup hold no plaintext personal data: the same byte
// scan as for the workspace file, over every user's values.
func TestBackupHoldsNoPlaintext(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	if _, err := w.LoadDemo(ctx, 300, 5, nil); err != nil {
		t.Fatal(err)
	}
	ids, err := w.UserIDs(ctx, UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	us, err := w.UsersByID(ctx, ids)
	if err != nil || len(us) != 300 {
		t.Fatalf("users: %d %v", len(us), err)
	}
	// Leave some of it in the WAL only, as in an app in use.
	if err := w.UpdateUserField(ctx, us[0].AccountID, "phone", "87017770011", "phone changed"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "резервная копия")
	if _, err := w.Backup(ctx, dir, nil); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "manifest.json,workspace.db,workspace.db.keys" {
		t.Fatalf("backup folder holds %v", names)
	}
	secrets := []string{"SQLite format 3", "audit_log", "workspace.create", "87017770011"}
	for _, u := range us {
		secrets = append(secrets, u.FullName, u.IIN, u.Email)
		if f := strings.Fields(u.FullName); len(f) > 0 {
			secrets = append(secrets, f[0])
		}
	}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if s != "" && bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds %q in plain bytes", name, s)
			}
		}
		st, _ := os.Stat(filepath.Join(dir, name))
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v; want owner-only", name, st.Mode().Perm())
		}
	}
	// The scan can fail: the restored copy decrypts to the same values.
	path := filepath.Join(t.TempDir(), "ws.db")
	if _, err := Restore(ctx, dir, path, restoreOpts(false)); err != nil {
		t.Fatal(err)
	}
	r, err := Open(ctx, path, "Админ", []byte(testPass), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := r.GetUser(ctx, us[0].AccountID)
	if err != nil || got.Phone == "" || !strings.HasSuffix(strings.Map(backupDigitsOnly, got.Phone), "7770011") {
		t.Fatalf("restored user: %+v %v", got, err)
	}
}

func backupDigitsOnly(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}

func TestRestoreOverNewerWorkspace(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	if _, err := w.LoadDemo(ctx, 20, 2, nil); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "b")
	m, err := w.Backup(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Only the entry recording this backup is newer: nothing to lose.
	w.Close()
	if _, err := Restore(ctx, dir, path, restoreOpts(false)); err != nil {
		t.Fatalf("restore over the workspace the backup was just taken of: %v", err)
	}
	w, err = Open(ctx, path, "Админ", []byte(testPass), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := w.UserIDs(ctx, UserFilter{})
	us, _ := w.UsersByID(ctx, ids[:1])
	if err := w.BlockUser(ctx, us[0].AccountID, "request 7"); err != nil {
		t.Fatal(err)
	}
	if err := w.SetAutoLock(ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	w.Close()
	before := fileHashes(t, filepath.Dir(path))

	_, err = Restore(ctx, dir, path, restoreOpts(false))
	var refused *RestoreRefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("restore over newer work: err = %v, want RestoreRefusedError", err)
	}
	for _, want := range []string{"3 audit entries the backup lacks", "user.block", "settings.autolock", "workspace.restore", "--force"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not say %q", err, want)
		}
	}
	after := fileHashes(t, filepath.Dir(path))
	for name, h := range before {
		if after[name] != h {
			t.Errorf("%s changed by a refused restore", name)
		}
	}
	if len(after) != len(before) {
		t.Errorf("refused restore left files: %d before, %d after", len(before), len(after))
	}

	res, err := Restore(ctx, dir, path, restoreOpts(true))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Lost) != 3 || res.Replaced == "" {
		t.Fatalf("forced restore: lost %d, replaced %q", len(res.Lost), res.Replaced)
	}
	if _, err := os.Stat(res.Replaced); err != nil {
		t.Fatalf("replaced workspace not kept: %v", err)
	}
	w, err = Open(ctx, path, "Админ", []byte(testPass), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	u, _ := w.GetUser(ctx, us[0].AccountID)
	if u.Blocked {
		t.Error("the block made after the backup survived the restore")
	}
	if _, err := w.VerifyAudit(ctx, m.AuditHash, nil); err != nil {
		t.Fatal(err)
	}
	es, _ := w.AuditEntries(ctx, AuditFilter{Limit: 1})
	if es[0].Action != "workspace.restore" || !strings.Contains(es[0].Details, `"forced":true`) {
		t.Fatalf("newest entry after a forced restore: %+v", es[0])
	}
}

func TestRestoreChecksManifestAndCredentials(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	if err := w.AddStaff(ctx, "аудитор", RoleAuditor, []byte("auditor pass"), keyslot.TestParams); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "b")
	if _, err := w.Backup(ctx, dir, nil); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "ws.db")
	cases := []struct {
		name string
		opts RestoreOptions
		want string
	}{
		{"wrong passphrase", RestoreOptions{Staff: "Админ", Passphrase: []byte("wrong horse"), Options: testOpts}, "wrong staff name or passphrase"},
		{"not an admin", RestoreOptions{Staff: "аудитор", Passphrase: []byte("auditor pass"), Options: testOpts}, "may not"},
	}
	for _, tc := range cases {
		if _, err := Restore(ctx, dir, target, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
		if Exists(target) || fileExists(target+".restoring") {
			t.Errorf("%s: a refused restore left files", tc.name)
		}
	}
	// A changed byte in the database copy is caught by the manifest.
	db := filepath.Join(dir, "workspace.db")
	b, _ := os.ReadFile(db)
	b[5000] ^= 1
	os.WriteFile(db, b, 0o600)
	if _, err := Restore(ctx, dir, target, restoreOpts(false)); err == nil || !strings.Contains(err.Error(), "workspace.db does not match the manifest") {
		t.Errorf("damaged backup: err = %v", err)
	}
	// A non-admin cannot take a backup.
	a, err := Open(ctx, w.Path(), "аудитор", []byte("auditor pass"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Backup(ctx, filepath.Join(t.TempDir(), "x"), nil); !errors.Is(err, ErrForbidden) {
		t.Errorf("auditor backup: err = %v", err)
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func TestBackupReminder(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	o := testOpts
	o.Now = func() time.Time { return now }
	path := filepath.Join(t.TempDir(), "ws.db")
	w, err := Create(ctx, path, "Админ", []byte(testPass), o)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	steps := []struct {
		name    string
		do      func()
		days    int
		due     bool
		hasLast bool
	}{
		{"never backed up", func() {}, 7, true, false},
		{"just backed up", func() {
			if _, err := w.Backup(ctx, filepath.Join(t.TempDir(), "b"), nil); err != nil {
				t.Fatal(err)
			}
		}, 7, false, true},
		{"seven days later", func() { now = now.Add(7 * 24 * time.Hour) }, 7, false, true},
		{"eight days later", func() { now = now.Add(24 * time.Hour) }, 7, true, true},
		{"reminder 30 days", func() {
			if err := w.SetBackupReminder(ctx, 30); err != nil {
				t.Fatal(err)
			}
		}, 30, false, true},
	}
	for _, s := range steps {
		s.do()
		st, err := w.BackupStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Due != s.due || st.ReminderDays != s.days || st.Last.IsZero() == s.hasLast {
			t.Errorf("%s: %+v", s.name, st)
		}
	}
	if err := w.SetBackupReminder(ctx, 0); err == nil {
		t.Error("reminder of 0 days accepted")
	}
}
