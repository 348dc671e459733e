// Package pdftest holds what the reports' tests share: running poppler and
// qpdf on a rendered PDF and comparing texts.
package pdftest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Need skips the test when a tool is missing on a developer's machine,
// and fails it under CI (CI=true), where `make test` has installed them:
// there a missing tool must not turn PDF checks into silent skips.
func Need(t *testing.T, tools ...string) {
	t.Helper()
	if len(tools) == 0 {
		tools = []string{"pdftotext", "qpdf", "pdfinfo"}
	}
	for _, b := range tools {
		if _, err := exec.LookPath(b); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s not installed (make test installs it via .ci/deps.sh)", b)
			}
			t.Skipf("%s not installed", b)
		}
	}
}

// Tool runs a command and returns its standard output; a failure fails
// the test with the command's output.
func Tool(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("%s %v: %v\n%s%s", name, args, err, out, msg)
	}
	return string(out)
}

// Save writes b to a file named name in a fresh temporary folder.
func Save(t *testing.T, b []byte, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// FirstDiff shows where two texts first differ, with context.
func FirstDiff(got, want string) string {
	ra, rb := []rune(got), []rune(want)
	for i := range min(len(ra), len(rb)) {
		if ra[i] != rb[i] {
			return fmt.Sprintf("at %d: pdf …%s… want …%s…", i, string(ra[max(0, i-40):min(len(ra), i+40)]), string(rb[max(0, i-40):min(len(rb), i+40)]))
		}
	}
	return fmt.Sprintf("lengths %d vs %d", len(ra), len(rb))
}
