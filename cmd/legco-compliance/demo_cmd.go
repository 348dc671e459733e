package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/keyslot"
)

func init() {
	register(command{"demo", "create a demo workspace of N synthetic LegCo users (and export files)", cmdDemo})
}

// demoStaff are enrolled in a demo workspace besides the admin, one per
// role, with the same public passphrase, so every role can be tried.
var demoStaff = []struct {
	name string
	role store.Role
}{
	{"compliance", store.RoleCompliance},
	{"legal", store.RoleLegal},
	{"auditor", store.RoleAuditor},
}

// demoExtra adds one feature's demo data (consents, requests, …) after the
// users are loaded, from that feature's own file.
type demoExtra struct {
	name string
	run  func(ctx context.Context, e *env, w *store.Workspace, users int, seed int64) error
}

// demoExtras run in registration order (file order within the package:
// name files so the order is right, or register from one init).
var demoExtras []demoExtra

func registerDemoExtra(name string, run func(ctx context.Context, e *env, w *store.Workspace, users int, seed int64) error) {
	demoExtras = append(demoExtras, demoExtra{name, run})
}

func cmdDemo(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "demo", "demo --db FILE --users N [--seed S] [--exports DIR] [--format csv|jsonl]")
	users := f.Int("users", 1000, "number of synthetic users `N`")
	seed := f.Int64("seed", 1, "random `SEED`: the same seed gives the same users")
	exports := f.String("exports", "", "also write matching LegCo export files (users, access log) to `DIR`")
	formatName := f.String("format", "csv", "format of the export files: csv or jsonl")
	if err := f.parse(args); err != nil {
		return err
	}
	if *users < 0 {
		return usageErr("demo: --users must be 0 or more")
	}
	format := exportfile.CSV
	if *formatName == "jsonl" {
		format = exportfile.JSONL
	} else if *formatName != "csv" {
		return usageErr("demo: --format must be csv or jsonl")
	}
	pass, err := e.secret("LEGCO_PASSPHRASE", "Passphrase for the demo workspace: ", true)
	if err != nil {
		return err
	}
	defer keyslot.Wipe(pass)
	if dir := filepath.Dir(*f.db); dir != "" {
		os.MkdirAll(dir, 0o700)
	}
	w, err := store.Create(ctx, *f.db, "admin", pass, store.Options{Demo: true, HeadMemoryDir: e.headMemoryDir()})
	if err != nil {
		return err
	}
	defer w.Close()
	for _, s := range demoStaff {
		if err := w.AddStaff(ctx, s.name, s.role, pass, keyslot.Params{}); err != nil {
			return err
		}
	}
	ed, err := w.ImportBuiltinPolicy(ctx)
	if err != nil {
		return err
	}
	// The demo's first edition gets a demo date; a real workspace's legal
	// team publishes it with the real one.
	updated := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	if _, err := w.PublishPolicy(ctx, ed.Number, updated, updated, "demo: the edition shipped with the program"); err != nil {
		return err
	}
	prog := newProgress(e)
	start := time.Now()
	res, err := w.LoadDemo(ctx, *users, *seed, func(done, total int) {
		prog.show(store.ImportProgress{Rows: done, Bytes: int64(done), Size: int64(total)})
	})
	prog.done()
	if err != nil {
		return fmt.Errorf("demo users: %w (the workspace keeps the %d users committed before)", err, res.New)
	}
	for _, x := range demoExtras {
		if err := x.run(ctx, e, w, *users, *seed); err != nil {
			return fmt.Errorf("demo %s: %w", x.name, err)
		}
	}
	h, _ := w.AuditHead(ctx)
	fmt.Fprintf(e.stdout, "demo workspace %s: %d users in %s; staff admin, compliance, legal, auditor (same passphrase); audit head %s\n",
		*f.db, res.New, time.Since(start).Round(time.Millisecond), h.Short())
	if *exports != "" {
		if err := os.MkdirAll(*exports, 0o700); err != nil {
			return err
		}
		up, ap, err := demo.New(*seed).WriteExports(*exports, *users, format, nil)
		if err != nil {
			return fmt.Errorf("demo exports: %w", err)
		}
		fmt.Fprintf(e.stdout, "export files: %s, %s (try: legco-compliance import users --db FILE --file %s)\n", up, ap, up)
	}
	return nil
}
