package uitest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/keyslot"
)

// NewWorkspaceAt is NewWorkspace whose clock stands at at: the workspace's
// creation, its admin's enrolment and its first audit entry happen then,
// and so does every change made while it is open through Open.
func NewWorkspaceAt(t testing.TB, at time.Time) Workspace {
	t.Helper()
	now := func() time.Time { return at }
	ws := Workspace{
		Path:       filepath.Join(t.TempDir(), "workspace.db"),
		Admin:      "Админ",
		Passphrase: "correct horse",
		Options:    store.Options{KDF: keyslot.TestParams, Now: now},
	}
	w, err := store.Create(context.Background(), ws.Path, ws.Admin, []byte(ws.Passphrase), ws.Options)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return ws
}
