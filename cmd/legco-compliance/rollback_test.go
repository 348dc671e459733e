package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// Both files replaced by an older copy: consistent in themselves, but
// this computer remembers a newer head, so opening warns and the log
// records the warning.
func TestRollbackToOlderCopyWarns(t *testing.T) {
	dir := t.TempDir()
	env := adminEnv()
	env["LEGCO_CONFIG_DIR"] = filepath.Join(dir, "config") // never the real user's folder
	db := filepath.Join(dir, "ws.db")
	if r := cli(t, env, "init", "--db", db, "--admin", "admin"); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	old := filepath.Join(dir, "old.db")
	copyWorkspace(t, db, old)
	for _, tz := range []string{"Asia/Oral", "Asia/Almaty"} {
		if r := cli(t, env, "settings", "timezone", "--db", db, tz); r.code != 0 {
			t.Fatalf("settings: %+v", r)
		}
	}
	if r := cli(t, env, "audit", "verify", "--db", db); r.code != 0 || strings.Contains(r.stderr, "WARNING") {
		t.Fatalf("verify before the rollback: %+v", r)
	}
	copyWorkspace(t, old, db) // the rollback: both files
	r := cli(t, env, "audit", "log", "--db", db)
	if !strings.Contains(r.stderr, "WARNING: this workspace is older than the one this computer last saw") ||
		!strings.Contains(r.stderr, "entry #3") {
		t.Fatalf("no rollback warning: %+v", r)
	}
	r = cli(t, env, "audit", "log", "--db", db)
	if !strings.Contains(r.stdout, "workspace.rollback_warning") {
		t.Fatalf("the log does not record the warning:\n%s", r.stdout)
	}
	// The rolled-back copy is itself sound: verify passes (the warning
	// is about history this computer saw, not damage).
	if r := cli(t, env, "audit", "verify", "--db", db); r.code != 0 {
		t.Fatalf("verify: %+v", r)
	}
}
