package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConsentCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ws.db")
	if r := cli(t, adminEnv(), "demo", "--db", db, "--users", "60"); r.code != 0 || !strings.Contains(r.stdout, "demo consents:") {
		t.Fatalf("demo: %+v", r)
	}
	r := cli(t, adminEnv(), "consents", "backlog", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "edition in force: 3") {
		t.Fatalf("backlog: %+v", r)
	}
	// Record a paper withdrawal, then show the state now and before it.
	r = cli(t, adminEnv(), "consents", "record", "--db", db, "LC-0000001", "--purpose", "policy", "--event", "withdrawn",
		"--document", "Заявление № 5", "--reason", "отзыв", "--at", "2026-11-20T10:00:00+05:00")
	if r.code != 0 || !strings.Contains(r.stdout, "withdrawn") {
		t.Fatalf("record: %+v", r)
	}
	r = cli(t, adminEnv(), "consents", "show", "--db", db, "LC-0000001")
	if r.code != 0 || !strings.Contains(r.stdout, "policy") || !strings.Contains(r.stdout, "withdrawn  2026-11-20") {
		t.Fatalf("show: %+v", r)
	}
	r = cli(t, adminEnv(), "consents", "show", "--db", db, "LC-0000001", "--at", "2026-11-19")
	if r.code != 0 || strings.Contains(strings.Split(r.stdout, "history")[0], "withdrawn  2026-11-20") {
		t.Fatalf("show --at: %+v", r)
	}
	// Import: a bad row makes exit 6 and an error report; a re-import adds nothing.
	file := filepath.Join(dir, "c.csv")
	os.WriteFile(file, []byte("account_id;purpose;event;edition;language;channel;time\r\n"+
		"LC-0000002;targeted_ads;given;3;kk;web;2026-03-01T10:00:00+05:00\r\n"+
		"LC-0000002;targeted_ads;given;3;kk;fax;2026-03-01T10:00:00+05:00\r\n"), 0o600)
	r = cli(t, adminEnv(), "import", "consents", "--db", db, "--file", file)
	if r.code != exitRejectedRow || !strings.Contains(r.stdout, "1 new") || !strings.Contains(r.stdout, "line 3, column channel") {
		t.Fatalf("import: %+v", r)
	}
	if b, _ := os.ReadFile(file + ".errors.csv"); !strings.Contains(string(b), "c.csv,3,channel,") {
		t.Fatalf("error report: %s", b)
	}
	if r = cli(t, adminEnv(), "import", "consents", "--db", db, "--file", file); !strings.Contains(r.stdout, "0 new, 1 unchanged") {
		t.Fatalf("re-import: %+v", r)
	}
	r = cli(t, adminEnv(), "consents", "receipt", "--db", db, "1")
	if r.code != 0 || !strings.Contains(r.stdout, `"consentReceiptID"`) || !strings.Contains(r.stdout, `"editionSha256"`) {
		t.Fatalf("receipt: %+v", r)
	}
	// Reports: the same inputs give the same bytes.
	pdf1, pdf2, csv := filepath.Join(dir, "a.pdf"), filepath.Join(dir, "b.pdf"), filepath.Join(dir, "s.csv")
	for _, out := range []string{pdf1, pdf2} {
		r = cli(t, adminEnv(), "report", "consents", "--db", db, "--out", out, "--csv", csv, "--sep", ",", "--lang", "en", "--generated-at", "2026-12-01T10:00:00Z")
		if r.code != 0 {
			t.Fatalf("report consents: %+v", r)
		}
	}
	a, _ := os.ReadFile(pdf1)
	b, _ := os.ReadFile(pdf2)
	if !bytes.HasPrefix(a, []byte("%PDF")) || !bytes.Equal(a, b) {
		t.Fatal("report consents: not a PDF, or two runs differ")
	}
	if c, _ := os.ReadFile(csv); !strings.HasPrefix(string(c), "\ufeff# generated_at,") {
		t.Fatalf("csv: %q", c[:40])
	}
	r = cli(t, adminEnv(), "report", "certificate", "--db", db, "--account", "LC-0000001", "--lang", "kk", "--out", filepath.Join(dir, "c.pdf"))
	if r.code != 0 {
		t.Fatalf("certificate: %+v", r)
	}
	// Auditors read and report, not record.
	aud := map[string]string{"LEGCO_PASSPHRASE": pass, "LEGCO_STAFF": "auditor"}
	if r = cli(t, aud, "consents", "record", "--db", db, "LC-0000001", "--purpose", "policy", "--event", "given", "--document", "x", "--reason", "x"); r.code == 0 {
		t.Fatalf("auditor recorded: %+v", r)
	}
	if r = cli(t, aud, "consents", "backlog", "--db", db); r.code != 0 {
		t.Fatalf("auditor backlog: %+v", r)
	}
}
