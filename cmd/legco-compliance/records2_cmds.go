package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"legco.kz/compliance/reports/destructionact"
	"legco.kz/compliance/store"
)

// printSearch prints one line per match (with how it matched), then how
// many matched; a destroyed account id answers with its act.
func printSearch(ctx context.Context, e *env, w *store.Workspace, q string, opts store.SearchOptions) error {
	res, err := w.Search(ctx, q, opts)
	if err != nil {
		return err
	}
	if res.Destroyed != nil {
		fmt.Fprintln(e.stdout, destroyedLine(w, q, res.Destroyed))
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, u := range res.Hits {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.AccountID, u.FullName, u.IIN, u.Phone, u.Email, flags2(u.UserSummary), u.Match)
	}
	tw.Flush()
	switch {
	case len(res.Hits) == 0:
		fmt.Fprintln(e.stderr, "no matches")
	case res.TotalAtLeast:
		fmt.Fprintf(e.stderr, "%d of more than %d matches; narrow the search, or --limit N / --all for more\n", len(res.Hits), res.Total)
	case res.More:
		fmt.Fprintf(e.stderr, "%d of %d matches; --limit N or --all for more\n", len(res.Hits), res.Total)
	default:
		fmt.Fprintf(e.stderr, "%d matches\n", res.Total)
	}
	return nil
}

// destroyedLine is what remains of a destroyed account: its act.
func destroyedLine(w *store.Workspace, accountID string, a *store.DestructionAct) string {
	by := a.StaffDisplayName()
	if a.StaffPosition != "" {
		by += ", " + a.StaffPosition
	}
	return fmt.Sprintf("%s: personal data destroyed on %s under act %s, by %s (export the act again: users act --db FILE %s --out FILE.pdf)",
		accountID, a.At.In(w.Location()).Format("02.01.2006 15:04 MST"), a.Number, by, a.Number)
}

func init() {
	registerSub("users", "act", "users act --db FILE ACT_NO|ACCOUNT_ID --out FILE: export a destruction act again (byte-identical)", cmdUsersAct)
	registerSub("register", "destructions", "register destructions --db FILE --out FILE.csv: the register of destruction acts", cmdRegisterDestructions)
}

// exportAct writes an act's PDF (destructionact.Export) atomically.
func exportAct(ctx context.Context, w *store.Workspace, act *store.DestructionAct, out string) (sum string, again bool, err error) {
	err = writeAtomically(out, func(f *os.File) error {
		sum, again, err = destructionact.Export(ctx, w, act, f)
		return err
	})
	return sum, again, err
}

func cmdUsersAct(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "users act", "users act --db FILE ACT_NO|ACCOUNT_ID --out FILE")
	out := f.String("out", "", "write the act PDF to `FILE`")
	if err := f.parse(reorder(args)); err != nil {
		return err
	}
	if f.NArg() != 1 || *out == "" {
		return usageErr("users act: give one ACT_NO (DA-…) or ACCOUNT_ID and --out FILE")
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	act, err := w.DestructionActFor(ctx, f.Arg(0))
	if err != nil {
		return fmt.Errorf("users act %s: %w", f.Arg(0), err)
	}
	sum, again, err := exportAct(ctx, w, act, *out)
	if err != nil {
		return err
	}
	note := "first export"
	if again {
		note = "identical to the first export"
	}
	fmt.Fprintf(e.stdout, "act %s written to %s (SHA-256 %s, %s)\n", act.Number, *out, sum, note)
	return nil
}

func cmdRegisterDestructions(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "register destructions", "register destructions --db FILE --out FILE.csv")
	out := f.String("out", "", "write the register to `FILE.csv`")
	if err := f.parse(reorder(args)); err != nil {
		return err
	}
	if *out == "" {
		return usageErr("register destructions: give --out FILE.csv")
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	acts, err := w.DestructionActs(ctx)
	if err != nil {
		return err
	}
	if err := writeAtomically(*out, func(file *os.File) error { return writeDestructionRegister(file, w.Location(), acts) }); err != nil {
		return fmt.Errorf("register destructions: %w", err)
	}
	fmt.Fprintf(e.stdout, "%d destruction acts written to %s\n", len(acts), *out)
	return nil
}

// writeDestructionRegister writes the register as CSV (UTF-8, comma):
// one row per act, no account ids.
func writeDestructionRegister(out io.Writer, loc *time.Location, acts []store.DestructionAct) error {
	cw := csv.NewWriter(out)
	cw.Write([]string{"act_number", "destroyed_at", "staff", "staff_full_name", "staff_position", "reason", "request",
		"registration_fields", "extra_fields", "access_log_rows", "public_data_rows", "audit_payloads", "audit_seq", "pdf_sha256"})
	for _, a := range acts {
		c := a.Counts
		seq := ""
		if a.AuditSeq > 0 {
			seq = strconv.FormatInt(a.AuditSeq, 10)
		}
		cw.Write([]string{a.Number, a.At.In(loc).Format(time.RFC3339), a.Staff, a.StaffFullName, a.StaffPosition, a.Reason, a.RequestID,
			strconv.Itoa(c.RegistrationFields), strconv.Itoa(c.ExtraFields), strconv.Itoa(c.AccessLogRows), strconv.Itoa(c.PublicDataRows),
			strconv.FormatInt(c.AuditPayloads, 10), seq, a.PDFSHA256})
	}
	cw.Flush()
	return cw.Error()
}

// Exit codes of this file's operations (README, docs/readme/i08-records.md).
const (
	// exitWipePending: a destruction or depersonalization is committed but
	// another program reading the workspace kept its old pages from being
	// wiped; the wipe finishes at the next open.
	exitWipePending = 9
	// exitWorkspaceBusy: another program (an import) held the workspace
	// longer than a command waits.
	exitWorkspaceBusy = 10
)

// wipeProgress tells on stderr that a wipe waits for another reader.
func wipeProgress(ctx context.Context, e *env) context.Context {
	last := time.Duration(-1)
	return store.WithWipeProgress(ctx, func(waited, most time.Duration) {
		if s := waited.Truncate(5 * time.Second); s != last {
			last = s
			fmt.Fprintf(e.stderr, "waiting for another program reading the workspace to let the old pages be wiped (%.0f s of at most %.0f s)…\n",
				waited.Seconds(), most.Seconds())
		}
	})
}

// wipeExit gives a pending wipe its own exit code.
func wipeExit(err error) error {
	var wp *store.WipePendingError
	if errors.As(err, &wp) {
		return &exitError{code: exitWipePending, err: err}
	}
	return err
}

// depersonalizedSummary says what a depersonalized record keeps.
func depersonalizedSummary() string {
	return "Depersonalized: kept — " + strings.Join(store.DepersonalizationKeeps, "; ") +
		". Removed — " + strings.Join(store.DepersonalizationRemoves, "; ") + "."
}
