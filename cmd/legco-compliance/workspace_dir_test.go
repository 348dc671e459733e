package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultWorkspacePathIsPerUser(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(t.TempDir(), "конфиг с пробелом"))
	t.Setenv("LOCALAPPDATA", filepath.Join(t.TempDir(), "Local App Data"))
	p := defaultWorkspacePath()
	if filepath.Base(p) != "workspace.db" {
		t.Fatalf("default workspace %q", p)
	}
	exe, _ := os.Executable()
	if exe != "" && strings.HasPrefix(p, filepath.Dir(exe)+string(filepath.Separator)) {
		t.Fatalf("default workspace %q is in the program's folder", p)
	}
	if !strings.Contains(p, "конфиг с пробелом") && !strings.Contains(p, "Local App Data") {
		t.Fatalf("default workspace %q ignores the per-user folder", p)
	}
}
