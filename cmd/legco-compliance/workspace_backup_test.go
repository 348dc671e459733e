package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestVersionCommand(t *testing.T) {
	r := cli(t, nil, "version")
	if r.code != 0 {
		t.Fatalf("version: %+v", r)
	}
	for _, re := range []string{`(?m)^legco-compliance \S+$`, `(?m)^Go go1\.`, `(?m)^SQLCipher 4\.\d+\.\d+`, `(?m)^SQLite 3\.\d+\.\d+$`, `(?m)^Fyne v2\.7\.\d+$`, `(?m)^commit \S+$`} {
		if !regexp.MustCompile(re).MatchString(r.stdout) {
			t.Errorf("version output lacks %s:\n%s", re, r.stdout)
		}
	}
}

func TestWorkspaceBackupRestoreCLI(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Мои документы")
	db := filepath.Join(dir, "ws.db")
	if r := cli(t, adminEnv(), "demo", "--db", db, "--users", "40"); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	out := filepath.Join(t.TempDir(), "копия 1")
	r := cli(t, adminEnv(), "workspace", "backup", "--db", db, "--out", out)
	if r.code != 0 || !strings.Contains(r.stdout, "audit head #") {
		t.Fatalf("backup: %+v", r)
	}
	// Newer work in the workspace: restore refuses, naming what is lost.
	if r := cli(t, adminEnv(), "workspace", "reminder", "--db", db, "--days", "3"); r.code != 0 || !strings.Contains(r.stdout, "reminder after 3 days") {
		t.Fatalf("reminder: %+v", r)
	}
	before := hashes(t, dir)
	r = cli(t, adminEnv(), "workspace", "restore", "--from", out, "--db", db)
	if r.code != exitFailure || !strings.Contains(r.stderr, "settings.backup_reminder") || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("restore over newer work: %+v", r)
	}
	after := hashes(t, dir)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed by the refused restore", k)
		}
	}
	r = cli(t, adminEnv(), "workspace", "restore", "--from", out, "--db", db, "--force")
	if r.code != 0 || !strings.Contains(r.stdout, "kept as") || !strings.Contains(r.stdout, "lost by --force: 1 audit entries") {
		t.Fatalf("forced restore: %+v", r)
	}
	if r := cli(t, adminEnv(), "audit", "verify", "--db", db); r.code != 0 {
		t.Fatalf("audit verify after restore: %+v", r)
	}
	if r := cli(t, adminEnv(), "workspace", "reminder", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "reminder after 7 days") {
		t.Fatalf("reminder after restore: %+v", r)
	}
	if r := cli(t, adminEnv(), "workspace", "backup", "--db", db, "--out", out); r.code == 0 || !strings.Contains(r.stderr, "not empty") {
		t.Fatalf("backup into a used folder: %+v", r)
	}
}
