//go:build !windows

package ownerfile

import (
	"os"
	"testing"
)

func checkOwnerOnly(t *testing.T, p string) {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", p, st.Mode().Perm())
	}
}
