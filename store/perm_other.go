//go:build !windows

package store

import "os"

// RestrictToOwner makes path readable and writable by its owner only:
// mode 0600 (README, "Files and permissions").
func RestrictToOwner(path string) error { return os.Chmod(path, 0o600) }
