package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Rejected values (an IIN, an e-mail) reach the terminal only with
// --show-values; the error report never holds them.
func TestImportHidesRejectedValues(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ws.db")
	if r := cli(t, adminEnv(), "init", "--db", db, "--admin", "admin"); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	csv := filepath.Join(dir, "users.csv")
	os.WriteFile(csv, []byte("account_id,full_name,iin,email\nLC-1,Әлия Нұрова,999999999999,aliya@example.kz\nLC-2,Бек Сейт,,not-an-email-секрет\n"), 0o600)
	for _, show := range []bool{false, true} {
		args := []string{"import", "users", "--db", db, "--file", csv, "--errors", filepath.Join(dir, "report.csv")}
		if show {
			args = append(args, "--show-values")
		}
		r := cli(t, adminEnv(), args...)
		if r.code != exitRejectedRow {
			t.Fatalf("import: %+v", r)
		}
		out := r.stdout + r.stderr
		for _, v := range []string{"999999999999", "not-an-email-секрет"} {
			if strings.Contains(out, v) != show {
				t.Errorf("show-values=%v: value %q printed=%v:\n%s", show, v, !show, out)
			}
		}
		if !strings.Contains(out, "line 2") || !strings.Contains(out, "line 3") {
			t.Errorf("lines not named:\n%s", out)
		}
		rep, _ := os.ReadFile(filepath.Join(dir, "report.csv"))
		if strings.Contains(string(rep), "999999999999") || strings.Contains(string(rep), "секрет") {
			t.Errorf("error report holds values:\n%s", rep)
		}
	}
}
