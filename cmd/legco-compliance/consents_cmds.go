package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"legco.kz/compliance/reports/consentcert"
	"legco.kz/compliance/reports/consentreport"
	"legco.kz/compliance/store"
	"legco.kz/compliance/store/demo"
)

func init() {
	register(command{"consents", "consents show|record|backlog|receipt: the consent ledger (Art. 8 of Law No. 94-V)", cmdConsents})
	registerSub("import", "consents", "import consents --db FILE --file PATH [--format csv|jsonl] [--strict]: consent events", cmdImportConsents)
	registerSub("report", "consents", "report consents --db FILE --out FILE.pdf [--csv FILE.csv] [--edition N] [--from DATE --to DATE] [--lang ru|kk|en]", cmdReportConsents)
	registerSub("report", "certificate", "report certificate --db FILE --account ACCOUNT_ID --lang ru|kk --out FILE.pdf: a user's consent certificate", cmdReportCertificate)
	registerDemoExtra("consents", demoConsents)
}

func cmdConsents(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageErr("consents: say show, record, backlog or receipt")
	}
	sub, args := args[0], reorder(args[1:])
	switch sub {
	case "show":
		return consentsShow(ctx, e, args)
	case "record":
		return consentsRecord(ctx, e, args)
	case "backlog":
		return consentsBacklog(ctx, e, args)
	case "receipt":
		return consentsReceipt(ctx, e, args)
	}
	return usageErr("consents: unknown subcommand %q (show, record, backlog, receipt)", sub)
}

// endOfDay is the last instant of day d in loc: "state on 2026-02-01"
// includes everything recorded that day.
func endOfDay(d time.Time, loc *time.Location) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc).Add(-time.Nanosecond)
}

func stateText(s store.ConsentState, at time.Time) string {
	if s.State == "" {
		return "none"
	}
	return string(s.Effective(at))
}

func consentsShow(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "consents show", "consents show --db FILE ACCOUNT_ID [--at YYYY-MM-DD]")
	atDay := f.String("at", "", "the state at the end of `YYYY-MM-DD` (workspace time zone) instead of now")
	if err := f.parse(args); err != nil {
		return err
	}
	if f.NArg() != 1 {
		return usageErr("consents show: give one ACCOUNT_ID")
	}
	day, err := parseDay("at", *atDay, false)
	if err != nil {
		return err
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	loc := w.Location()
	acc := f.Arg(0)
	var at time.Time
	when := time.Now()
	if !day.IsZero() {
		at = endOfDay(day, loc)
		when = at
	}
	states, err := w.ConsentStates(ctx, acc, at)
	if err != nil {
		return err
	}
	u, err := w.GetUser(ctx, acc)
	if err != nil {
		return err
	}
	label := "now"
	if !at.IsZero() {
		label = "at the end of " + day.Format("2006-01-02")
	}
	fmt.Fprintf(e.stdout, "%s %s — consents %s\n", u.AccountID, u.FullName, label)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, s := range states {
		if s.State == "" {
			fmt.Fprintf(tw, "%s\tnone\t\t\t\n", s.Purpose)
			continue
		}
		exp := ""
		if t := s.ExpiresAt(); !t.IsZero() {
			exp = "until " + t.In(loc).Format("2006-01-02")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\tedition %d\t%s %s %s\n", s.Purpose, stateText(s, when), s.At.In(loc).Format("2006-01-02 15:04"), s.Edition, s.Channel, s.Language, exp)
	}
	tw.Flush()
	hist, err := w.ConsentHistory(ctx, acc)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "history (%d events):\n", len(hist))
	tw = tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, h := range hist {
		var ev []string
		for _, s := range []string{h.IP, h.UserAgent, h.DocumentRef, h.Reason} {
			if s != "" {
				ev = append(ev, strings.ReplaceAll(s, "\n", " "))
			}
		}
		fmt.Fprintf(tw, "#%d\t%s\t%s\t%s\tedition %d\t%s %s\taudit #%d\t%s\n", h.ID, h.At.In(loc).Format(time.RFC3339), h.Purpose, h.Event,
			h.Edition, h.Channel, h.Language, h.AuditSeq, strings.Join(ev, " | "))
	}
	return tw.Flush()
}

func consentsRecord(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "consents record", "consents record --db FILE ACCOUNT_ID --purpose P --event given|withdrawn --channel paper --document TEXT --reason TEXT [--edition N] [--language ru|kk] [--at RFC3339]")
	purpose := f.String("purpose", "", "catalog `CODE` (policy, sms_third_party, counterparty_disclosure, targeted_ads, …)")
	event := f.String("event", "", "given, withdrawn or expired")
	channel := f.String("channel", "paper", "web, ios, android, paper, egov or other")
	language := f.String("language", "ru", "the language of the document: ru or kk")
	doc := f.String("document", "", "reference of the signed document (number, date, where filed)")
	reason := f.String("reason", "", "why it is recorded")
	edition := f.Int("edition", 0, "policy edition `N` (default: the one in force)")
	atText := f.String("at", "", "when the user signed (RFC 3339, default now)")
	if err := f.parse(args); err != nil {
		return err
	}
	if f.NArg() != 1 {
		return usageErr("consents record: give one ACCOUNT_ID")
	}
	if *purpose == "" || *event == "" {
		return usageErr("consents record: --purpose and --event are required")
	}
	var at time.Time
	if *atText != "" {
		var err error
		if at, err = time.Parse(time.RFC3339, *atText); err != nil {
			return usageErr("consents record: --at %q is not an RFC 3339 time (e.g. 2026-02-01T10:00:00+05:00)", *atText)
		}
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	ev, err := w.RecordConsent(ctx, store.ConsentRecord{AccountID: f.Arg(0), Purpose: *purpose, Event: store.ConsentEventKind(*event),
		Edition: *edition, Channel: *channel, Language: *language, DocumentRef: *doc, Reason: *reason, At: at})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "event #%d: %s %s %s edition %d, audit #%d %s\n", ev.ID, ev.AccountID, ev.Purpose, ev.Event, ev.Edition, ev.AuditSeq, ev.AuditHash)
	return nil
}

func consentsBacklog(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "consents backlog", "consents backlog --db FILE [--edition N]")
	edition := f.Int("edition", 0, "also list the users whose latest accepted edition is `N`")
	if err := f.parse(args); err != nil {
		return err
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	b, err := w.ConsentBacklog(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "edition in force: %d (%d users accepted it)\n", b.Current, b.Accepted)
	for _, c := range b.ByEdition {
		fmt.Fprintf(e.stdout, "edition %d\t%d users\n", c.Edition, c.Users)
	}
	fmt.Fprintf(e.stdout, "backlog\t%d users\n", b.Total)
	if *edition == 0 {
		return nil
	}
	ids, err := w.ConsentBacklogIDs(ctx, *edition)
	if err != nil {
		return err
	}
	for len(ids) > 0 {
		n := min(len(ids), 1000)
		us, err := w.UsersByID(ctx, ids[:n])
		if err != nil {
			return err
		}
		for _, u := range us {
			fmt.Fprintf(e.stdout, "%s\t%s\n", u.AccountID, u.FullName)
		}
		ids = ids[n:]
	}
	return nil
}

func consentsReceipt(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "consents receipt", "consents receipt --db FILE EVENT_ID")
	if err := f.parse(args); err != nil {
		return err
	}
	if f.NArg() != 1 {
		return usageErr("consents receipt: give one EVENT_ID (the # of `consents show`)")
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(f.Arg(0), "#"), 10, 64)
	if err != nil {
		return usageErr("consents receipt: %q is not an event number", f.Arg(0))
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	r, err := w.ConsentReceipt(ctx, id)
	if err != nil {
		return err
	}
	b, err := r.JSON()
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(b)
	return err
}

func cmdImportConsents(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "import consents", "import consents --db FILE --file PATH [--format csv|jsonl] [--strict] [--errors REPORT.csv] [--show-values]")
	file := f.String("file", "", "export `PATH` to import")
	formatName := f.String("format", "", "csv or jsonl (default: from the file name and content)")
	strict := f.Bool("strict", false, "all or nothing: import nothing if any row is bad")
	report := f.String("errors", "", "write the error report to `FILE` (default: PATH.errors.csv when there are errors)")
	showValues := f.Bool("show-values", false, "print rejected values (account ids, IPs, user agents…) with the first errors; without it only line, column and reason are printed")
	if err := f.parse(args); err != nil {
		return err
	}
	return runImport(ctx, e, f, importArgs{label: "import consents", file: *file, format: *formatName, report: *report,
		strict: *strict, showValues: *showValues, rows: "events"}, (*store.Workspace).ImportConsents,
		func(res *store.ImportResult) string {
			return fmt.Sprintf("consent batch %d: %d new, %d unchanged, %d rejected", res.BatchID, res.New, res.Same, res.Rejected)
		})
}

// generatedAt is when a report says it was generated: now, or
// --generated-at to reproduce a report byte for byte.
func generatedAt(s string) (time.Time, error) {
	if s == "" {
		return time.Now().Truncate(time.Second), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, usageErr("--generated-at %q is not an RFC 3339 time", s)
	}
	return t, nil
}

func cmdReportConsents(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "report consents", "report consents --db FILE --out FILE.pdf [--csv FILE.csv] [--sep ,] [--edition N] [--purpose P] [--channel C] [--from DATE --to DATE] [--lang ru|kk|en]")
	out := f.String("out", "", "the report `FILE.pdf`")
	csvOut := f.String("csv", "", "also write the current states as `FILE.csv`")
	sep := f.String("sep", ";", "CSV separator: ; or ,")
	edition := f.Int("edition", 0, "only policy edition `N`")
	purpose := f.String("purpose", "", "only purpose `CODE`")
	channel := f.String("channel", "", "only channel `C`")
	from := f.String("from", "", "events from `YYYY-MM-DD`")
	to := f.String("to", "", "events up to `YYYY-MM-DD` (included)")
	langName := f.String("lang", "ru", "headings: ru, kk or en")
	gen := f.String("generated-at", "", "print this RFC 3339 time as the generation time (to reproduce a report)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *out == "" && *csvOut == "" {
		return usageErr("report consents: --out FILE.pdf (or --csv FILE.csv) is required")
	}
	lang, ok := consentreport.Lang(*langName)
	if !ok {
		return usageErr("report consents: --lang must be ru, kk or en")
	}
	if *sep != ";" && *sep != "," {
		return usageErr("report consents: --sep must be ; or ,")
	}
	flt := store.ConsentFilter{Edition: *edition, Purpose: *purpose, Channel: *channel}
	var err error
	if flt.From, err = parseDay("from", *from, false); err != nil {
		return err
	}
	if flt.To, err = parseDay("to", *to, false); err != nil {
		return err
	}
	at, err := generatedAt(*gen)
	if err != nil {
		return err
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	loc := w.Location()
	if *out != "" {
		d, err := w.ConsentReport(ctx, flt, at)
		if err != nil {
			return err
		}
		if err := writeAtomically(*out, func(fl *os.File) error {
			return consentreport.Render(fl, d, consentreport.Options{Lang: lang, Location: loc})
		}); err != nil {
			return fmt.Errorf("report consents: %w", err)
		}
		fmt.Fprintf(e.stdout, "%s: %d editions × purposes, backlog %d, audit head %s\n", *out, len(d.Rows), d.Backlog.Total, d.Head.Short())
	}
	if *csvOut != "" {
		var rows int
		if err := writeAtomically(*csvOut, func(fl *os.File) error {
			var err error
			rows, err = consentreport.WriteCSV(ctx, fl, w, flt, consentreport.CSVOptions{Sep: rune((*sep)[0]), GeneratedAt: at, Location: loc})
			return err
		}); err != nil {
			return fmt.Errorf("report consents CSV: %w", err)
		}
		fmt.Fprintf(e.stdout, "%s: %d current states\n", *csvOut, rows)
	}
	return nil
}

func cmdReportCertificate(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "report certificate", "report certificate --db FILE --account ACCOUNT_ID --lang ru|kk --out FILE.pdf")
	acc := f.String("account", "", "the user's `ACCOUNT_ID`")
	langName := f.String("lang", "ru", "ru or kk")
	out := f.String("out", "", "the certificate `FILE.pdf`")
	gen := f.String("generated-at", "", "print this RFC 3339 time as the generation time (to reproduce a certificate)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *acc == "" || *out == "" {
		return usageErr("report certificate: --account and --out are required")
	}
	if *langName != "ru" && *langName != "kk" {
		return usageErr("report certificate: --lang must be ru or kk")
	}
	at, err := generatedAt(*gen)
	if err != nil {
		return err
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	d, err := w.ConsentCertificate(ctx, *acc, at)
	if err != nil {
		return err
	}
	if err := writeAtomically(*out, func(fl *os.File) error {
		return consentcert.Render(fl, d, consentcert.Options{Lang: *langName, Location: w.Location()})
	}); err != nil {
		return fmt.Errorf("report certificate: %w", err)
	}
	fmt.Fprintf(e.stdout, "%s: %s, %d events\n", *out, d.AccountID, len(d.History))
	return nil
}

// demoConsents publishes editions 2 and 3 (the seed with small changes)
// and records the generated consent history of the demo users.
func demoConsents(ctx context.Context, e *env, w *store.Workspace, users int, seed int64) error {
	if err := w.PublishDemoEditions(ctx, demo.DemoEditions); err != nil {
		return err
	}
	prog := newProgress(e)
	res, err := w.LoadDemoConsents(ctx, users, seed, demo.DemoEditions, func(done, total int) {
		prog.show(store.ImportProgress{Rows: done, Bytes: int64(done), Size: int64(total)})
	})
	prog.done()
	if err != nil {
		return err
	}
	b, err := w.ConsentBacklog(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "demo consents: %d events across %d editions; re-consent backlog %d users\n", res.New, len(demo.DemoEditions), b.Total)
	return nil
}
