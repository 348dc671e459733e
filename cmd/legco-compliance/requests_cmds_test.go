package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"legco.kz/compliance/reports/requestpack"
)

func TestRequestsCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ws.db")
	cli(t, adminEnv(), "init", "--db", db, "--admin", "admin")
	officer := map[string]string{"LEGCO_PASSPHRASE": pass, "LEGCO_STAFF": "officer", "LEGCO_NEW_PASSPHRASE": pass}
	if r := cli(t, officer, "staff", "add", "--db", db, "--name", "officer", "--role", "compliance", "--as", "admin"); r.code != 0 {
		t.Fatalf("staff add: %+v", r)
	}
	src, _ := os.ReadFile("../../store/exportfile/testdata/users.csv")
	users := filepath.Join(dir, "users.csv")
	os.WriteFile(users, src, 0o600)
	cli(t, adminEnv(), "import", "users", "--db", db, "--file", users)

	today := time.Now().In(time.FixedZone("", 5*3600)).Format("2006-01-02")
	r := cli(t, officer, "requests", "new", "--db", db, "--kind", "disclosure", "--account", "LC-000001", "--account", "LC-777777",
		"--ground", "3.2.3", "--requester", "Департамент полиции г. Алматы", "--requester-type", "investigator",
		"--letter", "3-17/1024", "--received", today, "--fields", "full_name,iin,phone")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	id := lines[len(lines)-1]
	if r.code != 0 || !strings.HasPrefix(id, "RQ-") || strings.Contains(id, " ") {
		t.Fatalf("new: %+v", r)
	}
	r = cli(t, officer, "requests", "show", "--db", db, id)
	if r.code != 0 || !strings.Contains(r.stdout, "\ndue: 20") || !strings.Contains(r.stdout, "LC-777777") {
		t.Fatalf("show: %+v", r)
	}
	if r := cli(t, officer, "requests", "new", "--db", db, "--kind", "disclosure", "--account", "LC-000001", "--ground", "9.9"); r.code != exitUsage || !strings.Contains(r.stderr, "ground") {
		t.Fatalf("bad ground: %+v", r)
	}
	for _, s := range []string{"verifying", "under_review"} {
		if r := cli(t, officer, "requests", "transition", "--db", db, id, s, "--reason", "checked"); r.code != 0 {
			t.Fatalf("%s: %+v", s, r)
		}
	}
	if r := cli(t, officer, "requests", "transition", "--db", db, id, "approved"); r.code != exitUsage {
		t.Fatalf("no reason: %+v", r)
	}
	r = cli(t, officer, "requests", "transition", "--db", db, id, "approved", "--reason", "ok")
	if r.code != exitRuleRefused || !strings.Contains(r.stderr, "second staff member") {
		t.Fatalf("preparer approving: %+v", r)
	}
	r = cli(t, adminEnv(), "requests", "transition", "--db", db, id, "partially_approved", "--reason", "name and phone only", "--fields", "full_name,phone")
	if r.code != 0 {
		t.Fatalf("approve: %+v", r)
	}
	if r := cli(t, officer, "requests", "assign", "--db", db, id, "--to", "admin"); r.code != 0 {
		t.Fatalf("assign: %+v", r)
	}
	out := filepath.Join(dir, "pkg")
	if r := cli(t, officer, "requests", "package", "--db", db, id, "--out", out); r.code != 0 {
		t.Fatalf("package: %+v", r)
	}
	if _, _, err := requestpack.Verify(out); err != nil {
		t.Fatal(err)
	}
	if r := cli(t, officer, "requests", "list", "--db", db, "--state", "fulfilled"); !strings.Contains(r.stdout, id) {
		t.Fatalf("list: %+v", r)
	}
	reg := filepath.Join(dir, "reg.csv")
	if r := cli(t, officer, "register", "disclosures", "--db", db, "--out", reg); r.code != 0 || !strings.Contains(r.stdout, "1 disclosures") {
		t.Fatalf("register: %+v", r)
	}
	b, _ := os.ReadFile(reg)
	if !strings.Contains(string(b), id+",LC-000001,") || !strings.Contains(string(b), "full_name phone") {
		t.Fatalf("register CSV %s", b)
	}
	pdf, csv := filepath.Join(dir, "t.pdf"), filepath.Join(dir, "t.csv")
	r = cli(t, officer, "report", "transparency", "--db", db, "--from", "2020-01-01", "--to", "2030-12-31", "--out", pdf, "--csv", csv)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "1 requests") {
		t.Fatalf("transparency: %+v", r)
	}
	b, _ = os.ReadFile(csv)
	if !strings.Contains(string(b), "requester_type,investigator,1,0,1,0,0,2") {
		t.Fatalf("transparency CSV %s", b)
	}
	if r := cli(t, officer, "requests", "deadline", "--db", db, "--kind", "access", "--days", "5", "--reason", "x"); r.code == 0 {
		t.Fatalf("officer changed a deadline: %+v", r)
	}
	if r := cli(t, adminEnv(), "requests", "deadline", "--db", db, "--kind", "access", "--days", "5", "--reason", "legal team"); r.code != 0 || !strings.Contains(r.stdout, "access         5 working days") {
		t.Fatalf("deadline: %+v", r)
	}
	// A destruction request runs the destruction under the request.
	r = cli(t, officer, "requests", "new", "--db", db, "--kind", "destruction", "--account", "LC-000002")
	lines = strings.Split(strings.TrimSpace(r.stdout), "\n")
	d := lines[len(lines)-1]
	for _, s := range []string{"verifying", "under_review", "approved", "fulfilled"} {
		if r = cli(t, officer, "requests", "transition", "--db", db, d, s, "--reason", "subject asked"); r.code != 0 {
			t.Fatalf("%s: %+v", s, r)
		}
	}
	if !strings.Contains(r.stdout, "destroyed under act DA-") {
		t.Fatalf("fulfil destruction: %+v", r)
	}
	r = cli(t, officer, "audit", "log", "--db", db, "--object", "user:LC-000002")
	if !strings.Contains(r.stdout, d) {
		t.Fatalf("audit of the destruction does not name %s: %s", d, r.stdout)
	}
}
