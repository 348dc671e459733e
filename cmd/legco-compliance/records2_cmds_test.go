package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A destroyed account stays provable: the search answers with the act,
// the act is exported again byte for byte (by number and by account id),
// it prints the operator's details and the member's name and position,
// and the register lists it.
func TestDestructionActAgainAndRegister(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ws.db")
	if r := cli(t, adminEnv(), "init", "--db", db, "--admin", "admin"); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	// A copy: the import writes its error report next to the file.
	users := filepath.Join(dir, "users.csv")
	if b, err := os.ReadFile("../../store/exportfile/testdata/users.csv"); err != nil || os.WriteFile(users, b, 0o600) != nil {
		t.Fatal(err)
	}
	steps := [][]string{
		{"settings", "operator", "--db", db, "--name-ru", "ТОО «K&T Partners»", "--name-kk", "«K&T Partners» ЖШС", "--bin", "190240012344",
			"--address-ru", "г. Алматы, пр. Абая, 1", "--address-kk", "Алматы қ., Абай даңғ., 1", "--contact", "privacy@legco.kz", "--reason", "setup"},
		{"staff", "edit", "--db", db, "--full-name", "Жұмабекова Зуһра Серікқызы", "--position", "специалист по комплаенсу"},
		{"import", "users", "--db", db, "--file", users},
	}
	for _, s := range steps {
		if r := cli(t, adminEnv(), s...); r.code != 0 && r.code != exitRejectedRow {
			t.Fatalf("%v: %+v", s, r)
		}
	}
	first := filepath.Join(dir, "first.pdf")
	r := cli(t, adminEnv(), "users", "destroy", "--db", db, "LC-000002", "--reason", "subject's request", "--act", first)
	if r.code != 0 {
		t.Fatalf("destroy: %+v", r)
	}
	r = cli(t, adminEnv(), "users", "search", "--db", db, "LC-000002")
	if r.code != 0 || !strings.Contains(r.stdout, "destroyed on ") || !strings.Contains(r.stdout, "under act DA-") ||
		!strings.Contains(r.stdout, "by Жұмабекова Зуһра Серікқызы, специалист по комплаенсу") {
		t.Fatalf("search of a destroyed id: %+v", r)
	}
	number := strings.Fields(r.stdout[strings.Index(r.stdout, "under act ")+len("under act "):])[0]
	number = strings.TrimSuffix(number, ",")
	want, _ := os.ReadFile(first)
	for _, key := range []string{number, "LC-000002"} {
		again := filepath.Join(dir, key+".pdf")
		r = cli(t, adminEnv(), "users", "act", "--db", db, key, "--out", again)
		if r.code != 0 || !strings.Contains(r.stdout, "identical to the first export") {
			t.Fatalf("users act %s: %+v", key, r)
		}
		got, _ := os.ReadFile(again)
		if !bytes.Equal(got, want) || len(got) == 0 {
			t.Fatalf("users act %s: %d bytes differ from the first export's %d", key, len(got), len(want))
		}
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.Command("pdftotext", "-layout", first, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(string(out)), " ")
		for _, s := range []string{"БИН: 190240012344", "Адрес: г. Алматы, пр. Абая, 1", "privacy@legco.kz",
			"Жұмабекова Зуһра Серікқызы", "специалист по комплаенсу", "LC-000002"} {
			if !strings.Contains(text, s) {
				t.Errorf("act lacks %q", s)
			}
		}
		if strings.Contains(text, "БИН: —") {
			t.Error("act prints «БИН: —» with the BIN set")
		}
	}
	reg := filepath.Join(dir, "register.csv")
	if r = cli(t, adminEnv(), "register", "destructions", "--db", db, "--out", reg); r.code != 0 {
		t.Fatalf("register: %+v", r)
	}
	b, _ := os.ReadFile(reg)
	if !strings.Contains(string(b), number+",") || strings.Contains(string(b), "LC-000002") || !strings.HasPrefix(string(b), "act_number,") {
		t.Fatalf("register:\n%s", b)
	}
	if r = cli(t, adminEnv(), "users", "act", "--db", db, "DA-1999-000001", "--out", filepath.Join(dir, "x.pdf")); r.code == 0 {
		t.Fatalf("unknown act exported: %+v", r)
	}
}

func TestUsersSearchCounts(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ws.db")
	if r := cli(t, adminEnv(), "init", "--db", db, "--admin", "admin"); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	var b strings.Builder
	b.WriteString("account_id;full_name\nX-0;Ауезов Айдос\n")
	for i := 1; i <= 60; i++ {
		b.WriteString("X-" + strings.Repeat("9", i%3+1) + "-" + string(rune('a'+i%26)) + strings.Repeat("z", i/26) + ";Әуезов Ерлан\n")
	}
	users := filepath.Join(dir, "u.csv")
	os.WriteFile(users, []byte(b.String()), 0o600)
	if r := cli(t, adminEnv(), "import", "users", "--db", db, "--file", users); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	r := cli(t, adminEnv(), "users", "search", "--db", db, "ауезов")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 50 || !strings.Contains(r.stderr, "50 of 61 matches") ||
		!strings.Contains(lines[0], "X-0") || !strings.HasSuffix(lines[0], "exact") || !strings.HasSuffix(lines[1], "folded") {
		t.Fatalf("search: %d lines, first %q, stderr %q", len(lines), lines[0], r.stderr)
	}
	r = cli(t, adminEnv(), "users", "search", "--db", db, "--all", "Auezov")
	if lines = strings.Split(strings.TrimSpace(r.stdout), "\n"); len(lines) != 61 || !strings.Contains(r.stderr, "61 matches") ||
		!strings.HasSuffix(lines[0], "transliterated") {
		t.Fatalf("search --all: %d lines, stderr %q", len(lines), r.stderr)
	}
}
