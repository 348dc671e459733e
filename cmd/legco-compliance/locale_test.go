package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// No CLI command prints Fyne's locale noise, whatever the locale
// (issue #9: "Fyne error: Error parsing user locale C" under C.UTF-8).
// The test binary runs as the real CLI (TestMain).
func TestCLIQuietUnderEveryLocale(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ws.db")
	runCLI := func(lc string, args ...string) (string, string, error) {
		cmd := exec.Command(os.Args[0], args...)
		var env []string
		for _, kv := range os.Environ() {
			if k, _, _ := strings.Cut(kv, "="); k == "LANG" || k == "LC_ALL" || k == "LC_MESSAGES" || k == "LANGUAGE" || k == "LEGCO_PASSPHRASE" {
				continue
			}
			env = append(env, kv)
		}
		env = append(env, "LEGCO_TEST_AS_CLI=1", "LEGCO_PASSPHRASE="+pass, "LEGCO_STAFF=admin")
		if lc != "unset" {
			env = append(env, "LANG="+lc)
		}
		cmd.Env = env
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		return out.String(), errb.String(), err
	}
	// Made in-process: its slot has the cheap test parameters.
	if r := cli(t, adminEnv(), "init", "--db", db, "--admin", "admin"); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	for _, lc := range []string{"unset", "C", "C.UTF-8", "POSIX", "ru_RU.UTF-8", "kk_KZ.UTF-8"} {
		// Fyne's noise comes at start-up, so commands that fail early show
		// it as well as ones that work (those cost an Argon2id unlock each).
		cmds := [][]string{{"help"}, {"audit", "verify"}, {"staff", "list", "--db", filepath.Join(dir, "missing.db")}}
		if lc == "C.UTF-8" || lc == "kk_KZ.UTF-8" {
			cmds = append(cmds, []string{"audit", "verify", "--quick", "--db", db})
		}
		for _, args := range cmds {
			_, stderr, _ := runCLI(lc, args...)
			if strings.Contains(stderr, "Fyne") || strings.Contains(stderr, "locale") {
				t.Errorf("LANG=%s %v: stderr has Fyne noise:\n%s", lc, args, stderr)
			}
		}
	}
	// LC_ALL=C.UTF-8 is hidden from Fyne too.
	cmd := exec.Command(os.Args[0], "help")
	cmd.Env = append(os.Environ(), "LEGCO_TEST_AS_CLI=1", "LC_ALL=C.UTF-8")
	// stderr only: the usage on stdout names "Fyne" in the version line.
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Run()
	if strings.Contains(stderr.String(), "Fyne") || strings.Contains(stderr.String(), "locale") {
		t.Errorf("LC_ALL=C.UTF-8: %s", stderr.String())
	}
}
