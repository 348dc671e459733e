//go:build !windows

package ownerfile

import "os"

// Restrict makes path readable and writable by its owner only: mode 0600
// (directories 0700).
func Restrict(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if st.IsDir() {
		return os.Chmod(path, 0o700)
	}
	return os.Chmod(path, 0o600)
}
