//go:build windows

package main

import (
	"errors"
	"os"
	"path/filepath"
)

// workspaceDir: %LOCALAPPDATA%\LegCo Compliance. Local, not Roaming
// AppData: a roaming profile would copy a multi-gigabyte database to the
// domain server at every logoff. Not Documents either, which is often
// synchronised to a cloud drive.
func workspaceDir() (string, error) {
	d := os.Getenv("LOCALAPPDATA")
	if d == "" {
		return "", errors.New("LOCALAPPDATA is not set")
	}
	return filepath.Join(d, "LegCo Compliance"), nil
}
