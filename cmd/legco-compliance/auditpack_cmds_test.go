package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The CLI round trip: a demo workspace packed as a folder and as a zip,
// verified without the workspace or a passphrase, a changed byte named
// with exit 4, and two packs that continue each other.
func TestAuditPackAndVerifyPack(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ws.db")
	if r := cli(t, adminEnv(), "demo", "--db", db, "--users", "50"); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	p1 := filepath.Join(dir, "q1")
	r := cli(t, adminEnv(), "audit", "pack", "--db", db, "--out", p1)
	if r.code != 0 || !strings.Contains(r.stdout, "audit pack") || strings.Contains(r.stdout, "not available in this build") {
		t.Fatalf("pack: %+v", r)
	}
	// The demo's consents and requests give every part of the pack
	// (registered by reports/packparts, which the binary imports).
	for _, part := range []string{"consents: 3 files", "requests: 2 files", "disclosures: 2 files", "transparency: 2 files"} {
		if !strings.Contains(r.stdout, "part "+part) {
			t.Errorf("pack output lacks %q:\n%s", "part "+part, r.stdout)
		}
	}
	for _, f := range []string{"parts/consents/consent-report-kk.pdf", "parts/requests/requests-register.csv", "parts/disclosures/disclosure-register.pdf",
		"parts/transparency/transparency-report.pdf"} {
		if _, err := os.Stat(filepath.Join(p1, filepath.FromSlash(f))); err != nil {
			t.Errorf("pack: %v", err)
		}
	}
	noSecrets := map[string]string{}
	if r := cli(t, noSecrets, "audit", "verify-pack", p1); r.code != 0 || !strings.Contains(r.stdout, "intact") {
		t.Fatalf("verify-pack: %+v", r)
	}
	if r := cli(t, adminEnv(), "audit", "pack", "--db", db, "--out", p1); r.code == 0 {
		t.Fatal("pack over an existing folder")
	}
	if r := cli(t, adminEnv(), "staff", "remove", "--db", db, "--name", "legal", "--reason", "ушёл / кетті"); r.code != 0 {
		t.Fatalf("staff remove: %+v", r)
	}
	z := filepath.Join(dir, "q2")
	if r := cli(t, adminEnv(), "audit", "pack", "--db", db, "--out", z, "--zip", "--from", "2000-01-01"); r.code != 0 {
		t.Fatalf("pack --zip: %+v", r)
	}
	if r := cli(t, noSecrets, "audit", "verify-pack", z+".zip", "--previous", p1); r.code != 0 || !strings.Contains(r.stdout, "continues the previous pack") {
		t.Fatalf("verify-pack --previous: %+v", r)
	}
	if r := cli(t, noSecrets, "audit", "verify-pack", "--previous", z+".zip", p1); r.code != exitAuditBroken {
		t.Fatalf("packs in the wrong order: %+v", r)
	}
	csv := filepath.Join(p1, "audit", "audit-log.csv")
	b, _ := os.ReadFile(csv)
	b[len(b)-3] ^= 1
	os.WriteFile(csv, b, 0o600)
	r = cli(t, noSecrets, "audit", "verify-pack", p1)
	if r.code != exitAuditBroken || !strings.Contains(r.stderr, "audit/audit-log.csv") {
		t.Fatalf("changed byte: %+v", r)
	}
	os.Remove(filepath.Join(p1, "manifest.json"))
	if r := cli(t, noSecrets, "audit", "verify-pack", p1); r.code != exitAuditBroken || !strings.Contains(r.stderr, "manifest.json") {
		t.Fatalf("deleted manifest: %+v", r)
	}
	if r := cli(t, noSecrets, "audit", "verify-pack", filepath.Join(dir, "nowhere")); r.code != exitFailure {
		t.Fatalf("no such pack: %+v", r)
	}
	if r := cli(t, noSecrets, "audit", "verify-pack"); r.code != exitUsage {
		t.Fatalf("no pack: %+v", r)
	}
}
