package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
)

func init() {
	register(command{"settings", "settings show|operator|timezone: workspace settings (operator details, time zone)", cmdSettings})
	registerSub("staff", "edit", "set a member's full name and position", cmdStaffEdit)
}

func cmdSettings(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageErr("settings: say show, operator or timezone")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "show":
		f := newFlags(e, "settings show", "settings show --db FILE")
		if err := f.parse(args); err != nil {
			return err
		}
		w, err := e.open(ctx, f)
		if err != nil {
			return err
		}
		defer w.Close()
		o, err := w.Operator(ctx)
		if err != nil {
			return err
		}
		st, err := w.Settings(ctx)
		if err != nil {
			return err
		}
		tz, err := w.TimeZone(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		for _, kv := range [][2]string{
			{"operator name (ru)", o.NameRU}, {"operator name (kk)", o.NameKK}, {"BIN", o.BIN},
			{"address (ru)", o.AddressRU}, {"address (kk)", o.AddressKK}, {"contact", o.Contact},
			{"time zone", tz}, {"auto-lock", st.AutoLock.String()},
		} {
			v := kv[1]
			if v == "" {
				v = "— (not set)"
			}
			fmt.Fprintf(tw, "%s:\t%s\n", kv[0], v)
		}
		tw.Flush()
		if !o.Complete() {
			fmt.Fprintln(e.stderr, "note: the operator's BIN and addresses are not all set; acts and reports print «—» for them. An admin sets them with `settings operator`.")
		}
		return nil
	case "operator":
		f := newFlags(e, "settings operator", "settings operator --db FILE [--name-ru TEXT] [--name-kk TEXT] [--bin BIN] [--address-ru TEXT] [--address-kk TEXT] [--contact TEXT] [--reason TEXT]")
		nameRU := f.String("name-ru", "", "operator's name in Russian")
		nameKK := f.String("name-kk", "", "operator's name in Kazakh")
		bin := f.String("bin", "", "operator's `BIN` (12 digits, valid check digit)")
		addrRU := f.String("address-ru", "", "address in Russian")
		addrKK := f.String("address-kk", "", "address in Kazakh")
		contact := f.String("contact", "", "contact for data subjects (e-mail or phone)")
		reason := f.String("reason", "", "why; kept in the audit log")
		if err := f.parse(args); err != nil {
			return err
		}
		w, err := e.open(ctx, f)
		if err != nil {
			return err
		}
		defer w.Close()
		o, err := w.Operator(ctx)
		if err != nil {
			return err
		}
		set := map[string]bool{}
		f.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
		// Only the flags given change; the others keep their values.
		for _, fv := range []struct {
			flag     string
			dst, val *string
		}{{"name-ru", &o.NameRU, nameRU}, {"name-kk", &o.NameKK, nameKK}, {"bin", &o.BIN, bin},
			{"address-ru", &o.AddressRU, addrRU}, {"address-kk", &o.AddressKK, addrKK}, {"contact", &o.Contact, contact}} {
			if set[fv.flag] {
				*fv.dst = *fv.val
			}
		}
		if err := w.SetOperator(ctx, o, *reason); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "operator details saved")
		return nil
	case "timezone":
		f := newFlags(e, "settings timezone", "settings timezone --db FILE ZONE (e.g. Asia/Almaty)")
		if err := f.parse(args); err != nil {
			return err
		}
		if f.NArg() != 1 {
			return usageErr("settings timezone: give one zone name, e.g. Asia/Almaty")
		}
		w, err := e.open(ctx, f)
		if err != nil {
			return err
		}
		defer w.Close()
		if err := w.SetTimeZone(ctx, f.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "time zone set to %s\n", f.Arg(0))
		return nil
	}
	return usageErr("settings: unknown subcommand %q (show, operator, timezone)", sub)
}

func cmdStaffEdit(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "staff edit", "staff edit --db FILE --name NAME [--full-name TEXT] [--position TEXT]")
	name := f.String("name", "", "member's login `NAME` (default: yourself)")
	fullName := f.String("full-name", "", "full name printed on acts and reports")
	position := f.String("position", "", "position printed on acts and reports")
	if err := f.parse(args); err != nil {
		return err
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	who := *name
	if who == "" {
		who = w.Me().Name
	}
	cur, err := w.StaffMember(ctx, who)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	f.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	fn, pos := cur.FullName, cur.Position
	if set["full-name"] {
		fn = *fullName
	}
	if set["position"] {
		pos = *position
	}
	if err := w.SetStaffProfile(ctx, who, fn, pos); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "profile of %q saved: %s, %s\n", who, fn, pos)
	return nil
}
