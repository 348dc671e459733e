package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"legco.kz/compliance/reports/auditpack"
	"legco.kz/compliance/reports/auditpack/verify"
	// The pack's consents, requests, disclosures and transparency parts:
	// registered by the package's init for the command line and the app
	// alike (one binary, one registry).
	_ "legco.kz/compliance/reports/packparts"
	"legco.kz/compliance/store"
	"legco.kz/compliance/store/keyslot"
)

func init() {
	registerSub("audit", "pack", "audit pack --db FILE --out DIR [--from DATE --to DATE] [--zip] [--with-personal-data]: offline audit pack", cmdAuditPack)
	registerSub("audit", "verify-pack", "audit verify-pack DIR|ZIP [--previous DIR|ZIP]: check a pack without the workspace", cmdAuditVerifyPack)
}

// programVersion names this build for manifests: the module version, or
// the VCS revision the binary was built from.
func programVersion() string {
	v := "legco-compliance"
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return v + " " + bi.Main.Version
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return v + " " + s.Value[:12]
		}
	}
	return v + " (devel)"
}

func cmdAuditPack(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "audit pack", "audit pack --db FILE --out DIR [--from YYYY-MM-DD --to YYYY-MM-DD] [--zip] [--with-personal-data]")
	out := f.String("out", "", "`DIR` to create (with --zip: the zip FILE, .zip added if missing)")
	from := f.String("from", "", "first `DATE` of the period (YYYY-MM-DD, workspace time zone; default: the first entry)")
	to := f.String("to", "", "last `DATE` of the period, inclusive (default: now)")
	zip := f.Bool("zip", false, "write one zip file instead of a folder")
	personal := f.Bool("with-personal-data", false, "add users' names (the pack then holds personal data; its index says so)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *out == "" {
		return usageErr("audit pack: --out DIR is required")
	}
	fromDay, err := parseDay("from", *from, false)
	if err != nil {
		return err
	}
	toDay, err := parseDay("to", *to, false)
	if err != nil {
		return err
	}
	path := *out
	if *zip && !strings.HasSuffix(strings.ToLower(path), ".zip") {
		path += ".zip"
	}
	name, err := e.staffName(*f.as)
	if err != nil {
		return err
	}
	pass, err := e.secret("LEGCO_PASSPHRASE", "Passphrase for "+name+": ", false)
	if err != nil {
		return err
	}
	// A small page cache: the pack reads each table once, in order, and
	// the memory is better left to the PDF volumes.
	w, err := store.Open(ctx, *f.db, name, pass, store.Options{CacheKiB: 16384})
	keyslot.Wipe(pass)
	if err != nil {
		return err
	}
	defer w.Close()
	snap, err := w.PackSnapshot(ctx)
	if err != nil {
		return err
	}
	defer snap.Close()
	debug.SetMemoryLimit(auditpack.PackMemoryLimit)
	t0 := time.Now()
	res, err := auditpack.Build(ctx, snap, auditpack.Options{Out: path, Zip: *zip, From: fromDay, To: toDay,
		WithPersonalData: *personal, PackedBy: name, Program: programVersion()})
	if err != nil {
		return err
	}
	m := res.Manifest
	fmt.Fprintf(e.stdout, "audit pack %s: %d files, audit entries #%d–#%d (%d), chain head %s (%s)\n",
		res.Path, len(m.Files)+1, m.Audit.First, m.Audit.Last, m.Audit.Count, store.AuditHead{Seq: m.ChainHead.Seq, Hash: m.ChainHead.Hash}, time.Since(t0).Round(time.Millisecond))
	if *personal {
		fmt.Fprintln(e.stdout, "the pack holds personal data (users' names): keep it encrypted and destroy it after the audit")
	}
	for _, p := range m.Parts {
		switch p.Status {
		case verify.PartAbsent:
			fmt.Fprintf(e.stdout, "part %s: not available in this build (the index says so)\n", p.ID)
		case verify.PartNoData:
			fmt.Fprintf(e.stdout, "part %s: no data for the period\n", p.ID)
		default:
			fmt.Fprintf(e.stdout, "part %s: %d files\n", p.ID, len(p.Files))
		}
	}
	return nil
}

func cmdAuditVerifyPack(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("audit verify-pack", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	previous := fs.String("previous", "", "an earlier pack (`DIR|ZIP`) of the same workspace that this one must continue")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: legco-compliance audit verify-pack DIR|ZIP [--previous DIR|ZIP]\n\nNeeds neither the workspace nor a passphrase.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	// The pack may come before or after the flags.
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return err
			}
			return &exitError{code: exitUsage, err: err}
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != 1 {
		return usageErr("audit verify-pack: give one pack (a folder or a zip file)")
	}
	for _, p := range []string{pos[0], *previous} {
		if _, err := os.Stat(p); p != "" && err != nil {
			return fmt.Errorf("audit verify-pack: %w", err) // no pack to judge: a failure, not a broken pack
		}
	}
	rep, err := verify.Verify(ctx, pos[0], *previous, nil)
	if err != nil {
		// A pack without a readable manifest is a changed pack.
		return &exitError{code: exitAuditBroken, err: err}
	}
	if !rep.OK() {
		for i, p := range rep.Problems {
			if i == 20 {
				fmt.Fprintf(e.stderr, "… and %d more\n", len(rep.Problems)-20)
				break
			}
			fmt.Fprintf(e.stderr, "problem: %s\n", p)
		}
		return &exitError{code: exitAuditBroken, err: fmt.Errorf("audit pack %s does NOT verify: %s", pos[0], rep.First())}
	}
	m := rep.Manifest
	fmt.Fprintf(e.stdout, "audit pack intact: %d files match the manifest; audit entries #%d–#%d (%d) recompute from the entry before the period (#%d); workspace %s, chain head #%d %s\n",
		rep.Files, m.Audit.First, m.Audit.Last, rep.Entries, m.Audit.Before.Seq, m.WorkspaceID, m.ChainHead.Seq, m.ChainHead.Hash)
	if rep.Previous != nil {
		pm := rep.Previous.Manifest
		fmt.Fprintf(e.stdout, "continues the previous pack %s (chain head #%d packed %s): nothing was rewritten in between\n", *previous, pm.ChainHead.Seq, pm.PackedAt)
	}
	return nil
}
