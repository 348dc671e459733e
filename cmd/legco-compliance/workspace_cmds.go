package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/keyslot"
)

func init() {
	register(command{"init", "create an empty encrypted workspace with its first admin", cmdInit})
	register(command{"staff", "staff add|remove|list|passphrase|rekey: manage who can open the workspace", cmdStaff})
	register(command{"audit", "audit verify|log: check or read the hash-chained audit log", cmdAudit})
	register(command{"gui", "open the desktop app (the default)", func(ctx context.Context, e *env, args []string) error { return runGUI(ctx, e, args) }})
}

// flags is a FlagSet with the flags most commands share.
type flags struct {
	*flag.FlagSet
	db *string
	as *string
}

func newFlags(e *env, name, usage string) flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	f := flags{FlagSet: fs, db: fs.String("db", "", "workspace database `FILE` (its key slots are FILE.keys)")}
	f.as = fs.String("as", "", "your staff `NAME` (default $LEGCO_STAFF)")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: legco-compliance %s\n\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	return f
}

func (f flags) parse(args []string) error {
	if err := f.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: exitUsage, err: err}
	}
	if *f.db == "" {
		return usageErr("%s: --db FILE is required", f.Name())
	}
	return nil
}

// open unlocks the workspace named by --db as --as.
func (e *env) open(ctx context.Context, f flags) (*store.Workspace, error) {
	name, err := e.staffName(*f.as)
	if err != nil {
		return nil, err
	}
	pass, err := e.secret("LEGCO_PASSPHRASE", "Passphrase for "+name+": ", false)
	if err != nil {
		return nil, err
	}
	defer keyslot.Wipe(pass)
	w, err := store.Open(ctx, *f.db, name, pass, store.Options{HeadMemoryDir: e.headMemoryDir()})
	if err != nil {
		return nil, err
	}
	for _, warn := range w.Warnings() {
		fmt.Fprintf(e.stderr, "WARNING: %s\n", warn)
	}
	return w, nil
}

func cmdInit(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "init", "init --db FILE --admin NAME")
	admin := f.String("admin", "", "`NAME` of the first admin (passphrase from $LEGCO_PASSPHRASE or a prompt)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *admin == "" {
		return usageErr("init: --admin NAME is required")
	}
	pass, err := e.secret("LEGCO_PASSPHRASE", "New passphrase for "+*admin+": ", true)
	if err != nil {
		return err
	}
	defer keyslot.Wipe(pass)
	w, err := store.Create(ctx, *f.db, *admin, pass, store.Options{HeadMemoryDir: e.headMemoryDir()})
	if err != nil {
		return err
	}
	defer w.Close()
	h, _ := w.AuditHead(ctx)
	fmt.Fprintf(e.stdout, "created %s (key slots in %s) with admin %q\naudit head %s\n", *f.db, keyslot.Path(*f.db), *admin, h)
	return nil
}

func cmdStaff(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageErr("staff: say add, remove, list, passphrase or rekey")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "add":
		f := newFlags(e, "staff add", "staff add --db FILE --name NAME --role admin|compliance|legal|auditor [--full-name TEXT] [--position TEXT]")
		name := f.String("name", "", "new member's `NAME`")
		role := f.String("role", "", "`ROLE`: admin, compliance, legal or auditor")
		fullName := f.String("full-name", "", "full name printed on acts and reports")
		position := f.String("position", "", "position printed on acts and reports")
		if err := f.parse(args); err != nil {
			return err
		}
		if *name == "" {
			return usageErr("staff add: --name NAME is required")
		}
		r, err := store.ParseRole(*role)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		w, err := e.open(ctx, f)
		if err != nil {
			return err
		}
		defer w.Close()
		if !w.Me().Role.Can(store.PermStaffManage) {
			return &store.ForbiddenError{Staff: w.Me().Name, Role: w.Me().Role, Action: store.PermStaffManage}
		}
		np, err := e.secret("LEGCO_NEW_PASSPHRASE", "Passphrase for "+*name+": ", true)
		if err != nil {
			return err
		}
		defer keyslot.Wipe(np)
		if err := w.AddStaff(ctx, *name, r, np, keyslot.Params{}); err != nil {
			return err
		}
		if *fullName != "" || *position != "" {
			if err := w.SetStaffProfile(ctx, *name, *fullName, *position); err != nil {
				return err
			}
		}
		fmt.Fprintf(e.stdout, "enrolled %q as %s\n", *name, r)
		return nil
	case "remove":
		f := newFlags(e, "staff remove", "staff remove --db FILE --name NAME --reason TEXT [--no-rekey]")
		name := f.String("name", "", "member's `NAME`")
		reason := f.String("reason", "", "why (kept in the audit log)")
		noRekey := f.Bool("no-rekey", false, "keep the workspace key (weaker: a copy of the .keys file the member kept still opens the workspace)")
		if err := f.parse(args); err != nil {
			return err
		}
		if *name == "" || *reason == "" {
			return usageErr("staff remove: --name NAME and --reason TEXT are required")
		}
		w, err := e.open(ctx, f)
		if err != nil {
			return err
		}
		defer w.Close()
		if *noRekey {
			if err := w.RemoveStaff(ctx, *name, *reason); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "removed %q; their key slot is gone\n", *name)
			fmt.Fprintln(e.stderr, "warning: --no-rekey: the workspace key did not change, so a copy of the .keys file (or a backup) made while "+
				"the member was enrolled still opens this workspace with their passphrase; run `staff rekey` to close that")
			return nil
		}
		pass, err := e.secret("LEGCO_PASSPHRASE", "Your passphrase (to re-seal the new key): ", false)
		if err != nil {
			return err
		}
		defer keyslot.Wipe(pass)
		fmt.Fprintln(e.stderr, "removing the member, then re-encrypting every page under a new workspace key…")
		if err := w.RemoveStaffAndRekey(ctx, *name, *reason, pass); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "removed %q and rotated the workspace key: old copies of the .keys file no longer open this workspace\n", *name)
		fmt.Fprintln(e.stdout, "every other member must be re-enrolled with `staff add` (same name and role)")
		return nil
	case "list":
		f := newFlags(e, "staff list", "staff list --db FILE [--all]")
		all := f.Bool("all", false, "include removed staff")
		if err := f.parse(args); err != nil {
			return err
		}
		w, err := e.open(ctx, f)
		if err != nil {
			return err
		}
		defer w.Close()
		list, err := w.ListStaff(ctx, *all)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tSINCE\tBY\tSTATE")
		for _, s := range list {
			state := "active"
			switch {
			case s.Removed:
				state = "removed"
			case !s.HasSlot:
				state = "needs re-enrolment"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Name, s.Role, s.CreatedAt.Format("2006-01-02"), s.CreatedBy, state)
		}
		return tw.Flush()
	case "passphrase":
		f := newFlags(e, "staff passphrase", "staff passphrase --db FILE (old from $LEGCO_PASSPHRASE, new from $LEGCO_NEW_PASSPHRASE)")
		if err := f.parse(args); err != nil {
			return err
		}
		w, err := e.open(ctx, f)
		if err != nil {
			return err
		}
		defer w.Close()
		old, _ := e.secret("LEGCO_PASSPHRASE", "Current passphrase: ", false)
		np, err := e.secret("LEGCO_NEW_PASSPHRASE", "New passphrase: ", true)
		if err != nil {
			return err
		}
		if err := w.ChangePassphrase(ctx, old, np, keyslot.Params{}); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "passphrase changed")
		return nil
	case "rekey":
		f := newFlags(e, "staff rekey", "staff rekey --db FILE --reason TEXT")
		reason := f.String("reason", "", "why (kept in the audit log)")
		if err := f.parse(args); err != nil {
			return err
		}
		if *reason == "" {
			return usageErr("staff rekey: --reason TEXT is required")
		}
		w, err := e.open(ctx, f)
		if err != nil {
			return err
		}
		defer w.Close()
		pass, _ := e.secret("LEGCO_PASSPHRASE", "Your passphrase: ", false)
		if err := w.RotateKey(ctx, pass, *reason); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "workspace key rotated; every other member must be re-enrolled with `staff add` (same name)")
		return nil
	}
	return runSub(ctx, e, "staff", []string{"add", "remove", "list", "passphrase", "rekey"}, append([]string{sub}, args...))
}

func cmdAudit(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageErr("audit: say verify or log")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "verify":
		return cmdAuditVerify(ctx, e, args)
	case "log":
		f := newFlags(e, "audit log", "audit log --db FILE [--object PREFIX] [--limit N]")
		object := f.String("object", "", "only objects starting with `PREFIX` (e.g. user:LC-000001)")
		limit := f.Int("limit", 50, "newest `N` entries")
		if err := f.parse(args); err != nil {
			return err
		}
		w, err := e.open(ctx, f)
		if err != nil {
			return err
		}
		defer w.Close()
		es, err := w.AuditEntries(ctx, store.AuditFilter{ObjectLike: *object, Limit: *limit})
		if err != nil {
			return err
		}
		printAudit(e.stdout, es)
		return nil
	}
	return runSub(ctx, e, "audit", []string{"verify", "log"}, append([]string{sub}, args...))
}

func printAudit(out io.Writer, es []store.AuditEntry) {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tTIME (UTC)\tSTAFF\tACTION\tOBJECT\tREASON")
	for _, a := range es {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", a.Seq, a.At.Format("2006-01-02 15:04:05"), a.Staff, a.Action, a.Object, a.Reason)
	}
	tw.Flush()
}
