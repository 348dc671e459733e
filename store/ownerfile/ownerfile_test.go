package ownerfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRestrict(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Рабочая папка")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "рабочее пространство.db")
	if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Restrict(p); err != nil {
		t.Fatal(err)
	}
	checkOwnerOnly(t, p)
	if err := Restrict(filepath.Join(dir, "missing")); err == nil {
		t.Error("restricting a missing file succeeded")
	}
}
