//go:build !windows

package main

import (
	"os"
	"path/filepath"
)

// workspaceDir: ~/.config/legco-compliance on Linux (os.UserConfigDir,
// $XDG_CONFIG_HOME), ~/Library/Application Support/legco-compliance on macOS.
func workspaceDir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "legco-compliance"), nil
}
