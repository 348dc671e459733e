package backup

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/keyslot"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/internal/uitest"
	"legco.kz/compliance/ui/shell"
)

func setup(t *testing.T) (*shell.Env, *uitest.Loop, fyne.Window) {
	t.Helper()
	loop := uitest.Install(t)
	test.NewTempApp(t)
	if _, err := i18n.Load(i18n.Russian); err != nil {
		t.Fatal(err)
	}
	ws := uitest.NewWorkspace(t, false, nil)
	w := ws.Open(t)
	win := test.NewWindow(nil)
	t.Cleanup(win.Close)
	win.Resize(fyne.NewSize(1000, 700))
	env := shell.NewEnv(w, win, shell.Options{KDF: keyslot.TestParams})
	t.Cleanup(func() { env.Stop(); loop.Settle(t) })
	return env, loop, win
}

// The reminder appears for an admin with no backup; a backup run from
// the app writes the folder, says where, and stops the reminder.
func TestBackUpFromTheApp(t *testing.T) {
	env, loop, win := setup(t)
	Remind(env)
	loop.Until(t, 5*time.Second, "reminder", func() bool {
		return uitest.HasText(win.Canvas(), "Пора создать резервную копию")
	})

	dir := filepath.Join(t.TempDir(), FolderName(env.WS.Path(), time.Date(2026, 12, 5, 18, 0, 0, 0, time.UTC)))
	if filepath.Base(dir) != "workspace-backup-2026-12-05-180000" {
		t.Fatalf("folder name %q", filepath.Base(dir))
	}
	var got *store.BackupManifest
	var gotErr error
	finished := false
	Run(env, dir, func(m *store.BackupManifest, err error) { got, gotErr, finished = m, err, true })
	loop.Until(t, 20*time.Second, "backup finished", func() bool { return finished })
	if gotErr != nil {
		t.Fatal(gotErr)
	}
	if !uitest.HasText(win.Canvas(), "Резервная копия создана") {
		t.Errorf("no completion message; texts: %v", uitest.Texts(win.Canvas()))
	}
	if _, err := store.ReadBackupManifest(dir); err != nil || got == nil {
		t.Fatalf("manifest: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "workspace.db.keys")); err != nil {
		t.Fatal(err)
	}
	st, err := env.WS.BackupStatus(env.Context())
	if err != nil || st.Due {
		t.Fatalf("after a backup the reminder is still due: %+v %v", st, err)
	}
}
