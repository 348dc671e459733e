package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/exportfile"
)

func init() {
	register(command{"import", "import users|access-log: load a LegCo export file (CSV or JSON Lines)", cmdImport})
	register(command{"users", "users search|show|update|block|unblock|depersonalize|destroy: user records", cmdUsers})
}

func cmdImport(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || (args[0] != "users" && args[0] != "access-log") {
		return runSub(ctx, e, "import", []string{"users", "access-log"}, args)
	}
	kind, args := args[0], args[1:]
	f := newFlags(e, "import "+kind, "import "+kind+" --db FILE --file PATH [--format csv|jsonl] [--strict] [--errors REPORT.csv] [--show-values]")
	file := f.String("file", "", "export `PATH` to import")
	formatName := f.String("format", "", "csv or jsonl (default: from the file name and content)")
	strict := f.Bool("strict", false, "all or nothing: import nothing if any row is bad")
	report := f.String("errors", "", "write the error report to `FILE` (default: FILE.errors.csv next to the export, when there are errors)")
	showValues := f.Bool("show-values", false, "print rejected values (IINs, names, e-mails…) with the first errors; without it only line, column and reason are printed")
	if err := f.parse(args); err != nil {
		return err
	}
	run := (*store.Workspace).ImportUsers
	if kind == "access-log" {
		run = (*store.Workspace).ImportAccessLog
	}
	return runImport(ctx, e, f, importArgs{label: "import " + kind, file: *file, format: *formatName, report: *report,
		strict: *strict, showValues: *showValues, rows: "rows"}, run,
		func(res *store.ImportResult) string {
			return fmt.Sprintf("batch %d: %d new, %d updated, %d unchanged, %d rejected", res.BatchID, res.New, res.Updated, res.Same, res.Rejected)
		})
}

// importArgs are an import command's flags.
type importArgs struct {
	label, file, format, report string
	strict, showValues          bool
	rows                        string // what the file holds ("rows", "events"), for the cancel message
}

// runImport runs one import of a LegCo export for the import commands:
// the file opened (its format from the flag or its first bytes), the
// error report next to the export, progress on a terminal, the summary
// line, and exit 6 when rows were rejected.
func runImport(ctx context.Context, e *env, f flags, a importArgs,
	run func(*store.Workspace, context.Context, io.Reader, string, exportfile.Format, store.ImportOptions) (*store.ImportResult, error),
	summary func(*store.ImportResult) string) error {
	if a.file == "" {
		return usageErr("%s: --file PATH is required", a.label)
	}
	in, size, format, err := openExport(a.file, a.format, a.label)
	if err != nil {
		return err
	}
	defer in.Close()
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()

	// The error report names file, line, column and reason; it holds the
	// rejected value truncated, so it goes next to the export (which holds
	// the same data) rather than into a shared temp folder.
	reportPath := a.report
	if reportPath == "" {
		reportPath = a.file + ".errors.csv"
	}
	var rep *errorReport
	opts := store.ImportOptions{Strict: a.strict, Size: size, OnError: func(re *exportfile.RowError) {
		if rep == nil {
			rep, err = newErrorReport(reportPath)
			if err != nil {
				fmt.Fprintf(e.stderr, "cannot write the error report %s: %v\n", reportPath, err)
			}
		}
		rep.add(re)
	}}
	prog := newProgress(e)
	opts.Progress = func(p store.ImportProgress) { prog.show(p) }
	res, err := run(w, ctx, in, filepath.Base(a.file), format, opts)
	prog.done()
	if rep != nil {
		rep.close()
	}
	if res != nil {
		fmt.Fprintln(e.stdout, summary(res))
		printRejected(e, res.Errors, res.Rejected, a.showValues)
	}
	if err != nil {
		if res != nil && res.Cancelled {
			return fmt.Errorf("import cancelled; %s committed before the cancel stay (run the same import again to finish it: it is idempotent)", a.rows)
		}
		return err
	}
	if res.Rejected > 0 {
		return &exitError{code: exitRejectedRow, err: fmt.Errorf("%d rows rejected; error report: %s", res.Rejected, reportPath)}
	}
	return nil
}

type errorReport struct {
	f *os.File
	w *bufio.Writer
}

func newErrorReport(path string) (*errorReport, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	r := &errorReport{f: f, w: bufio.NewWriter(f)}
	r.w.WriteString("file,line,column,reason\n")
	return r, nil
}

func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\n\r") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

func (r *errorReport) add(e *exportfile.RowError) {
	if r == nil {
		return
	}
	fmt.Fprintf(r.w, "%s,%d,%s,%s\n", csvField(e.File), e.Line, csvField(e.Column), csvField(e.Reason))
}

func (r *errorReport) close() {
	r.w.Flush()
	r.f.Close()
}

// progress prints a progress line on a terminal, nothing elsewhere.
type progress struct {
	e     *env
	tty   bool
	last  time.Time
	start time.Time
	shown bool
}

func newProgress(e *env) *progress {
	f, ok := e.stderr.(*os.File)
	return &progress{e: e, tty: ok && term.IsTerminal(int(f.Fd())), start: time.Now()}
}

func (p *progress) show(ip store.ImportProgress) {
	if !p.tty || time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	pct := ""
	if ip.Size > 0 {
		pct = fmt.Sprintf("%3.0f%% ", 100*float64(ip.Bytes)/float64(ip.Size))
	}
	rate := float64(ip.Rows) / time.Since(p.start).Seconds()
	fmt.Fprintf(p.e.stderr, "\r%s%d rows (%d rejected), %.0f rows/s   ", pct, ip.Rows, ip.Rejected, rate)
	p.shown = true
}

func (p *progress) done() {
	if p.shown {
		fmt.Fprintln(p.e.stderr)
	}
}

func cmdUsers(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageErr("users: say search, show, update, block, unblock, depersonalize or destroy")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "search":
		f := newFlags(e, "users search", "users search --db FILE [--limit N | --all] QUERY")
		limit := f.Int("limit", 50, "at most `N` matches")
		all := f.Bool("all", false, "every match")
		if err := f.parse(reorder(args)); err != nil {
			return err
		}
		q := strings.Join(f.Args(), " ")
		if strings.TrimSpace(q) == "" {
			return usageErr("users search: give a QUERY (part of a name, IIN, phone, e-mail or account id)")
		}
		w, err := e.open(ctx, f)
		if err != nil {
			return err
		}
		defer w.Close()
		return printSearch(ctx, e, w, q, store.SearchOptions{Limit: *limit, All: *all})
	case "show":
		f := newFlags(e, "users show", "users show --db FILE ACCOUNT_ID")
		if err := f.parse(args); err != nil {
			return err
		}
		if f.NArg() != 1 {
			return usageErr("users show: give one ACCOUNT_ID")
		}
		w, err := e.open(ctx, f)
		if err != nil {
			return err
		}
		defer w.Close()
		u, err := w.GetUser(ctx, f.Arg(0))
		if err != nil {
			if act, aerr := w.DestructionActFor(ctx, f.Arg(0)); aerr == nil && act.AccountID == f.Arg(0) {
				return errors.New(destroyedLine(w, f.Arg(0), act))
			}
			return err
		}
		printUser(ctx, e.stdout, w, u)
		return nil
	case "update":
		f := newFlags(e, "users update", "users update --db FILE ACCOUNT_ID --field NAME --value TEXT --reason TEXT")
		field := f.String("field", "", "field `NAME` (full_name, iin, phone, email, birth_date, address, entity_bin, entity_name, or an extra field)")
		value := f.String("value", "", "new `TEXT` (empty clears an optional field)")
		reason := f.String("reason", "", "why (e.g. the user's request under clause 4.1); kept in the audit log")
		if err := f.parse(reorder(args)); err != nil {
			return err
		}
		if f.NArg() != 1 || *field == "" {
			return usageErr("users update: give ACCOUNT_ID and --field")
		}
		w, err := e.open(ctx, f)
		if err != nil {
			return err
		}
		defer w.Close()
		if err := w.UpdateUserField(ctx, f.Arg(0), *field, *value, *reason); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: %s updated\n", f.Arg(0), *field)
		return nil
	case "block", "unblock", "depersonalize", "destroy":
		f := newFlags(e, "users "+sub, "users "+sub+" --db FILE ACCOUNT_ID --reason TEXT")
		reason := f.String("reason", "", "why; kept in the audit log (required)")
		actOut := f.String("act", "", "with destroy: write the destruction act PDF to `FILE` (default destruction-act-NUMBER.pdf)")
		if err := f.parse(reorder(args)); err != nil {
			return err
		}
		if f.NArg() != 1 {
			return usageErr("users %s: give one ACCOUNT_ID", sub)
		}
		if strings.TrimSpace(*reason) == "" {
			return usageErr("users %s: --reason TEXT is required", sub)
		}
		w, err := e.open(ctx, f)
		if err != nil {
			return err
		}
		defer w.Close()
		id := f.Arg(0)
		switch sub {
		case "block":
			err = w.BlockUser(ctx, id, *reason)
		case "unblock":
			err = w.UnblockUser(ctx, id, *reason)
		case "depersonalize":
			err = w.DepersonalizeUser(wipeProgress(ctx, e), id, *reason)
		case "destroy":
			var act *store.DestructionAct
			act, err = w.DestroyUser(wipeProgress(ctx, e), id, *reason)
			if act != nil {
				out := *actOut
				if out == "" {
					out = "destruction-act-" + act.Number + ".pdf"
				}
				if _, _, perr := exportAct(ctx, w, act, out); perr != nil {
					return fmt.Errorf("data destroyed under act %s, but the act PDF could not be written: %w", act.Number, perr)
				}
				fmt.Fprintf(e.stdout, "%s: personal data destroyed under act %s; act written to %s\n", id, act.Number, out)
			}
		}
		if err != nil {
			return wipeExit(err)
		}
		if sub == "depersonalize" {
			fmt.Fprintf(e.stdout, "%s: depersonalized. %s\n", id, depersonalizedSummary())
		} else if sub != "destroy" {
			fmt.Fprintf(e.stdout, "%s: %s done\n", id, sub)
		}
		return nil
	}
	return runSub(ctx, e, "users", []string{"search", "show", "update", "block", "unblock", "depersonalize", "destroy"}, append([]string{sub}, args...))
}

// reorder moves flags before positional arguments, so that
// "users block LC-1 --reason x" works as well as "--reason x LC-1".
func reorder(args []string) []string {
	var fl, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			fl = append(fl, a)
			if !strings.Contains(a, "=") && i+1 < len(args) && a != "--strict" && a != "-strict" && a != "--all" && a != "-all" {
				fl = append(fl, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(fl, pos...)
}

func flags2(u store.UserSummary) string {
	var s []string
	if u.Blocked {
		s = append(s, "blocked")
	}
	if u.State == store.StateDepersonalized {
		s = append(s, "depersonalized")
	}
	if u.EntityName != "" {
		s = append(s, "rep. of "+u.EntityName)
	}
	return strings.Join(s, ", ")
}

func printUser(ctx context.Context, out io.Writer, w *store.Workspace, u *store.User) {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Account\t%s (%s)\n", u.AccountID, u.AccountStatus)
	if u.State == store.StateDepersonalized {
		tw.Flush()
		fmt.Fprintln(out, depersonalizedSummary())
	}
	fmt.Fprintf(tw, "State\t%s%s\n", u.State, map[bool]string{true: ", BLOCKED", false: ""}[u.Blocked])
	fmt.Fprintln(tw, "\n1.1.1 Provided at registration\t")
	for _, d := range store.FieldCatalog {
		mark := " "
		if d.Mandatory {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s %s\t%s\n", mark, d.EN, u.Value(d.Key))
	}
	for _, x := range u.Extra {
		fmt.Fprintf(tw, "  %s\t%s\n", x.Name, x.Value)
	}
	fmt.Fprintf(tw, "\n1.1.2 Sent automatically\t%d access-log entries\n", u.AccessCount)
	if log, err := w.AccessLog(ctx, u.ID, 0, 5); err == nil {
		for _, a := range log {
			at := a.At.In(w.Location()).Format("2006-01-02 15:04")
			if a.DateOnly {
				at = a.At.Format("2006-01-02")
			}
			fmt.Fprintf(tw, "  %s\t%s %s %s %s\n", at, a.IP, a.Page, a.CookieID, a.UserAgent)
		}
	}
	fmt.Fprintln(tw, "\n1.1.3 Other data\t")
	for _, p := range u.Public {
		fmt.Fprintf(tw, "  %s\t%s (source: %s; basis: %s)\n", p.Field, p.Value, p.Source, p.LegalBasis)
	}
	tw.Flush()
	if es, err := w.AuditEntries(ctx, store.AuditFilter{Object: "user:" + u.AccountID, Limit: 20}); err == nil && len(es) > 0 {
		fmt.Fprintln(out, "\nAudit history:")
		printAudit(out, es)
	}
}

// openExport opens a LegCo export file and works out its format: from
// formatName (csv, jsonl) or, when empty, from the name and first bytes.
func openExport(path, formatName, what string) (*os.File, int64, exportfile.Format, error) {
	var format exportfile.Format
	in, err := os.Open(path)
	if err != nil {
		return nil, 0, format, fmt.Errorf("%s: %w", what, err)
	}
	st, err := in.Stat()
	if err != nil {
		in.Close()
		return nil, 0, format, fmt.Errorf("%s: %w", what, err)
	}
	switch strings.ToLower(formatName) {
	case "csv":
		format = exportfile.CSV
	case "jsonl", "ndjson":
		format = exportfile.JSONL
	case "":
		head := make([]byte, 4096)
		n, _ := io.ReadFull(in, head)
		if format, err = exportfile.DetectFormat(path, head[:n]); err != nil {
			in.Close()
			return nil, 0, format, &exitError{code: exitUsage, err: err}
		}
		if _, err := in.Seek(0, io.SeekStart); err != nil {
			in.Close()
			return nil, 0, format, err
		}
	default:
		in.Close()
		return nil, 0, format, usageErr("%s: --format must be csv or jsonl, not %q", what, formatName)
	}
	return in, st.Size(), format, nil
}

// printRejected prints the first ten rejected rows of an import; the
// rejected values (IINs, names, e-mails) only when showValues is set.
func printRejected(e *env, errs []*exportfile.RowError, rejected int, showValues bool) {
	for i, re := range errs {
		if i == 10 {
			fmt.Fprintf(e.stdout, "  … %d more\n", rejected-10)
			return
		}
		if !showValues {
			re = re.WithoutValue()
		}
		fmt.Fprintf(e.stdout, "  %v\n", re)
	}
}
