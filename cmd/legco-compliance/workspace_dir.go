package main

import (
	"os"
	"path/filepath"
)

// defaultWorkspacePath is where the app keeps its workspace when neither
// --db nor $LEGCO_DB says: a per-user data folder (workspaceDir, per OS),
// never the program's own folder, which on Windows is often shared or
// read-only (Program Files) and is replaced on upgrade.
func defaultWorkspacePath() string {
	dir, err := workspaceDir()
	if err != nil || dir == "" {
		home, herr := os.UserHomeDir()
		if herr != nil {
			home = os.TempDir()
		}
		dir = filepath.Join(home, "legco-compliance")
	}
	return filepath.Join(dir, "workspace.db")
}
