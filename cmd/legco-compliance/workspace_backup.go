package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/keyslot"
)

func init() {
	register(command{"workspace", "workspace backup|restore|reminder: back up and restore the whole workspace", cmdWorkspace})
}

func cmdWorkspace(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageErr("workspace: say backup, restore or reminder")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "backup":
		f := newFlags(e, "workspace backup", "workspace backup --db FILE --out DIR")
		out := f.String("out", "", "new or empty backup folder `DIR`")
		if err := f.parse(args); err != nil {
			return err
		}
		if *out == "" {
			return usageErr("workspace backup: --out DIR is required")
		}
		w, err := e.open(ctx, f)
		if err != nil {
			return err
		}
		defer w.Close()
		prog := newProgress(e)
		m, err := w.Backup(ctx, *out, func(done, total int64) {
			prog.showBytes(done, total)
		})
		prog.done()
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "backup %s written to %s: %s (%d bytes), its key slots and %s; audit head %s\n",
			m.ID, *out, m.Files[0].Name, m.Files[0].Size, store.BackupManifestName, m.Head())
		fmt.Fprintln(e.stdout, "it opens only with a staff member's passphrase; keep the whole folder, and a copy away from this computer")
		return nil
	case "restore":
		f := newFlags(e, "workspace restore", "workspace restore --from DIR --db FILE [--force]")
		from := f.String("from", "", "backup folder `DIR` (with manifest.json)")
		force := f.Bool("force", false, "replace a workspace whose audit log has entries the backup lacks (it is kept aside)")
		if err := f.parse(args); err != nil {
			return err
		}
		if *from == "" {
			return usageErr("workspace restore: --from DIR is required")
		}
		name, err := e.staffName(*f.as)
		if err != nil {
			return err
		}
		pass, err := e.secret("LEGCO_PASSPHRASE", "Passphrase for "+name+" (as in the backup): ", false)
		if err != nil {
			return err
		}
		defer keyslot.Wipe(pass)
		res, err := store.Restore(ctx, *from, *f.db, store.RestoreOptions{Staff: name, Passphrase: pass, Force: *force})
		var refused *store.RestoreRefusedError
		if errors.As(err, &refused) {
			return &exitError{code: exitFailure, err: err}
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "restored %s from backup %s of %s (audit head %s)\n", *f.db, res.Manifest.ID,
			res.Manifest.CreatedAt.Format("2006-01-02 15:04 UTC"), res.Manifest.Head())
		if res.Replaced != "" {
			fmt.Fprintf(e.stdout, "the workspace that was there is kept as %s (and .keys)\n", res.Replaced)
		}
		if len(res.Lost) > 0 {
			fmt.Fprintf(e.stdout, "lost by --force: %s\n", store.DescribeLost(res.Lost))
		}
		return nil
	case "reminder":
		f := newFlags(e, "workspace reminder", "workspace reminder --db FILE [--days N]")
		days := f.Int("days", 0, "remind admins after `N` days without a backup (1–365); 0 shows the setting")
		if err := f.parse(args); err != nil {
			return err
		}
		w, err := e.open(ctx, f)
		if err != nil {
			return err
		}
		defer w.Close()
		if *days != 0 {
			if err := w.SetBackupReminder(ctx, *days); err != nil {
				return err
			}
		}
		st, err := w.BackupStatus(ctx)
		if err != nil {
			return err
		}
		last := "never"
		if !st.Last.IsZero() {
			last = st.Last.Format("2006-01-02 15:04 UTC")
		}
		due := ""
		if st.Due {
			due = " — a backup is due"
		}
		fmt.Fprintf(e.stdout, "last backup: %s; reminder after %d days%s\n", last, st.ReminderDays, due)
		return nil
	}
	return usageErr("workspace: unknown subcommand %q (%s)", sub, strings.Join([]string{"backup", "restore", "reminder"}, ", "))
}

// showBytes reports a byte-counting task on a terminal.
func (p *progress) showBytes(done, total int64) {
	p.show(store.ImportProgress{Rows: int(done >> 20), Bytes: done, Size: total})
}
