// Package backup is Workspace → Back up… and the backup reminder in the
// app: a consistent encrypted copy of the workspace while it stays open
// (store.Workspace.Backup), with progress and Cancel, into a new folder
// inside the folder the admin picks.
package backup

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui"
	"legco.kz/compliance/ui/shell"
)

// Register adds the Workspace menu items and the reminder; call before
// ui.Start.
func Register() {
	admin := func(env *shell.Env) bool { return env.Can(store.PermSettings) }
	ui.RegisterWorkspaceMenuItem(ui.MenuItem{Label: func() string { return lang.L("Back up…") }, Allowed: admin, Run: Choose})
	ui.RegisterWorkspaceMenuItem(ui.MenuItem{Label: func() string { return lang.L("Backup reminder…") }, Allowed: admin, Run: EditReminder})
	ui.RegisterOnUnlocked(Remind)
}

// FolderName is the new folder a backup goes to inside the chosen one:
// the workspace's name and the local time, so backups sort by date.
func FolderName(dbPath string, t time.Time) string {
	base := strings.TrimSuffix(filepath.Base(dbPath), filepath.Ext(dbPath))
	return fmt.Sprintf("%s-backup-%s", base, t.Format("2006-01-02-150405"))
}

// Choose asks for a folder, then backs up into a new folder inside it.
func Choose(env *shell.Env) {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			env.ShowError(err)
			return
		}
		if dir == nil {
			return
		}
		Run(env, filepath.Join(dir.Path(), FolderName(env.WS.Path(), time.Now())), nil)
	}, env.Window)
	d.Resize(fyne.NewSize(900, 600))
	shell.ShowFileDialog(d, shell.ChooseFolder, env.Window)
}

// Run backs up into dir behind a progress dialog; done (may be nil) gets
// the result on the UI goroutine after the message is shown.
func Run(env *shell.Env, dir string, done func(*store.BackupManifest, error)) {
	var m *store.BackupManifest
	env.RunWithProgress(shell.Task{
		Title:       lang.L("Back up"),
		Message:     lang.L("Copying the encrypted workspace to {{.Dir}}. You can keep working.", map[string]any{"Dir": dir}),
		Cancellable: true,
		Work: func(ctx context.Context, p shell.Progress) error {
			var err error
			m, err = env.WS.Backup(ctx, dir, func(done, total int64) { p(done, total) })
			return err
		},
		Done: func(err error) {
			switch {
			case err == context.Canceled:
				env.Notify(lang.L("Backup cancelled; nothing was kept"))
			case err != nil:
				env.ShowError(err)
			default:
				env.RefreshStatus()
				env.ShowInfo(lang.L("Backup complete"), lang.L("The backup is in {{.Dir}}: the encrypted workspace, its key file and a manifest with their SHA-256 (audit head {{.Head}}). It opens only with a staff member's passphrase. Keep a copy away from this computer.",
					map[string]any{"Dir": dir, "Head": m.Head().Short()}))
			}
			if done != nil {
				done(m, err)
			}
		},
	})
}

// Remind tells an admin, after unlocking, when the last backup is older
// than the reminder period (or there is none).
func Remind(env *shell.Env) {
	if !env.Can(store.PermSettings) {
		return
	}
	var st store.BackupStatus
	env.Run(func(ctx context.Context) error {
		var err error
		st, err = env.WS.BackupStatus(ctx)
		return err
	}, func(err error) {
		if err != nil || !st.Due {
			return
		}
		msg := lang.L("No backup of this workspace has been made yet.")
		if !st.Last.IsZero() {
			days := int(time.Since(st.Last).Hours() / 24)
			msg = lang.L("The last backup is {{.Days}} days old (reminder after {{.Limit}} days).", map[string]any{"Days": days, "Limit": st.ReminderDays})
		}
		dialog.ShowConfirm(lang.L("Backup due"), msg+"\n"+lang.L("Back up now?"), func(ok bool) {
			if ok {
				Choose(env)
			}
		}, env.Window)
	})
}

// EditReminder changes after how many days the reminder appears.
func EditReminder(env *shell.Env) {
	var st store.BackupStatus
	env.Run(func(ctx context.Context) error {
		var err error
		st, err = env.WS.BackupStatus(ctx)
		return err
	}, func(err error) {
		if err != nil {
			env.ShowError(err)
			return
		}
		days := widget.NewEntry()
		days.SetText(strconv.Itoa(st.ReminderDays))
		last := lang.L("never")
		if !st.Last.IsZero() {
			last = shell.FormatTime(env, st.Last)
		}
		items := []*widget.FormItem{
			widget.NewFormItem(lang.L("Last backup"), widget.NewLabel(last)),
			widget.NewFormItem(lang.L("Remind after (days)"), days),
		}
		dialog.ShowForm(lang.L("Backup reminder"), lang.L("Save"), lang.L("Cancel"), items, func(ok bool) {
			if !ok {
				return
			}
			n, err := strconv.Atoi(strings.TrimSpace(days.Text))
			if err != nil {
				env.ShowError(&store.ValidationError{Field: lang.L("Remind after (days)"), Reason: lang.L("must be a whole number of days")})
				return
			}
			env.Run(func(ctx context.Context) error { return env.WS.SetBackupReminder(ctx, n) }, func(err error) {
				if err != nil {
					env.ShowError(err)
					return
				}
				env.RefreshStatus()
				env.Notify(lang.L("Backup reminder set to {{.Days}} days", map[string]any{"Days": n}))
			})
		}, env.Window)
	})
}
