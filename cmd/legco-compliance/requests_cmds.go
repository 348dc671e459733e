package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"legco.kz/compliance/reports/requestpack"
	"legco.kz/compliance/reports/transparency"
	"legco.kz/compliance/store"
)

// exitRuleRefused: a rule of the privacy policy or the law refused the
// request's step (consent missing or withdrawn, a blocked user outside
// 3.2.3, four eyes, a step out of the workflow). README documents it.
const exitRuleRefused = 7

func init() {
	register(command{"requests", "requests new|list|show|transition|assign|attach|package|calendar|deadline: disclosure and data-subject requests", cmdRequests})
	registerSub("register", "disclosures", "register disclosures --db FILE [--from DATE --to DATE] --out FILE.csv: the disclosure register", cmdRegisterDisclosures)
	registerSub("report", "transparency", "report transparency --db FILE --from DATE --to DATE --out FILE.pdf [--csv FILE.csv]", cmdReportTransparency)
}

// ruleErr gives refused rules their own exit code.
func ruleErr(err error) error {
	if errors.Is(err, store.ErrRuleRefused) {
		return &exitError{code: exitRuleRefused, err: err}
	}
	return err
}

// listFlag collects a repeatable flag (and comma-separated values).
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// parseMixed parses flags given before, between and after positional
// arguments ("requests transition --db F ID STATE --reason R") and
// returns the positionals.
func parseMixed(f flags, args []string) ([]string, error) {
	var pos []string
	for {
		if err := f.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &exitError{code: exitUsage, err: err}
		}
		if f.NArg() == 0 {
			break
		}
		pos = append(pos, f.Arg(0))
		args = f.Args()[1:]
	}
	if *f.db == "" {
		return nil, usageErr("%s: --db FILE is required", f.Name())
	}
	return pos, nil
}

func parseReqDay(flagName, s string) (time.Time, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return t, usageErr("--%s: %q is not a date written YYYY-MM-DD", flagName, s)
	}
	return t, nil
}

func cmdRequests(ctx context.Context, e *env, args []string) error {
	subs := []string{"new", "list", "show", "transition", "assign", "attach", "package", "calendar", "deadline"}
	if len(args) == 0 {
		return usageErr("requests: say %s", strings.Join(subs, ", "))
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "new":
		return requestsNew(ctx, e, args)
	case "list":
		return requestsList(ctx, e, args)
	case "show":
		return requestsShow(ctx, e, args)
	case "transition":
		return requestsTransition(ctx, e, args)
	case "assign":
		return requestsAssign(ctx, e, args)
	case "attach":
		return requestsAttach(ctx, e, args)
	case "package":
		return requestsPackage(ctx, e, args)
	case "calendar":
		return requestsCalendar(ctx, e, args)
	case "deadline":
		return requestsDeadline(ctx, e, args)
	}
	return usageErr("requests: unknown subcommand %q (%s)", sub, strings.Join(subs, ", "))
}

func requestsNew(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "requests new", "requests new --db FILE --kind disclosure|access|rectification|blocking|destruction|withdrawal|recipients --account ACCOUNT_ID [--account …] [--ground 3.2.1|3.2.2|3.2.3|3.2.4|3.2.5|1.6] [--requester TEXT] [--requester-type TYPE] [--letter TEXT] [--received YYYY-MM-DD] [--fields LIST]")
	kind := f.String("kind", "", "request `KIND`: disclosure, access, rectification, blocking, destruction, withdrawal, recipients")
	var accounts, fields listFlag
	f.Var(&accounts, "account", "subject `ACCOUNT_ID` (repeat, or separate with commas)")
	f.Var(&fields, "fields", "requested fields, comma-separated `LIST` (full_name, iin, phone, email, birth_date, address, entity_bin, entity_name, registered_at, access_log, public_data)")
	ground := f.String("ground", "", "legal `GROUND` of a disclosure: 3.2.1, 3.2.2, 3.2.3, 3.2.4, 3.2.5 or 1.6")
	requester := f.String("requester", "", "the requesting organisation (`TEXT`)")
	rtype := f.String("requester-type", "", "`TYPE`: court, investigator, prosecutor, state_body, counterparty, buyer, other")
	officer := f.String("officer", "", "the officer who signed the request (`TEXT`)")
	letter := f.String("letter", "", "the request letter's number (`TEXT`)")
	letterDate := f.String("letter-date", "", "the request letter's date `YYYY-MM-DD`")
	received := f.String("received", "", "date received `YYYY-MM-DD` (default today)")
	purpose := f.String("purpose", "", "consent `PURPOSE` checked for ground 3.2.1 (default policy)")
	details := f.String("details", "", "rectification: the corrections, `field=value; field=value`")
	assign := f.String("assign", "", "assign to staff `NAME`")
	if _, err := parseMixed(f, args); err != nil {
		return err
	}
	n := store.NewRequest{Kind: store.RequestKind(*kind), Accounts: accounts, Ground: store.Ground(*ground), Requester: *requester,
		RequesterType: store.RequesterType(*rtype), Officer: *officer, LetterNo: *letter, LetterDate: *letterDate, Fields: fields,
		Purpose: *purpose, Details: *details, Assignee: *assign}
	if *received != "" {
		t, err := parseReqDay("received", *received)
		if err != nil {
			return err
		}
		n.Received = t
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	num, err := w.CreateRequest(ctx, n)
	if err != nil {
		var ve *store.ValidationError
		if errors.As(err, &ve) {
			return &exitError{code: exitUsage, err: fmt.Errorf("requests new: --%s: %s", ve.Field, ve.Reason)}
		}
		return err
	}
	r, err := w.GetRequest(ctx, num)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "request %s recorded (%s), due %s\n", num, r.Kind, r.Due.Format("2006-01-02"))
	fmt.Fprintln(e.stdout, num)
	return nil
}

func requestsList(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "requests list", "requests list --db FILE [--overdue] [--state S] [--kind K] [--assignee NAME] [--account ID]")
	overdue := f.Bool("overdue", false, "only open requests past their due date")
	state := f.String("state", "", "only requests in `STATE`")
	kind := f.String("kind", "", "only requests of `KIND`")
	assignee := f.String("assignee", "", "only requests assigned to `NAME`")
	account := f.String("account", "", "only requests naming `ACCOUNT_ID`")
	if _, err := parseMixed(f, args); err != nil {
		return err
	}
	filter := store.RequestFilter{Overdue: *overdue, Assignee: *assignee, Account: *account}
	if *state != "" {
		s, err := store.ParseRequestState(*state)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		filter.State = s
	}
	if *kind != "" {
		k, err := store.ParseRequestKind(*kind)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		filter.Kind = k
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	rows, err := w.ListRequests(ctx, filter)
	if err != nil {
		return err
	}
	cal, err := w.Calendar(ctx)
	if err != nil {
		return err
	}
	today := w.Today()
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REQUEST\tKIND\tSTATE\tRECEIVED\tDUE\tDAYS LEFT\tASSIGNEE\tREQUESTER")
	for _, r := range rows {
		left := ""
		if r.State.Open() {
			due, _ := time.Parse("2006-01-02", r.Due)
			left = fmt.Sprint(cal.Between(today, due))
			if today.After(due) {
				left += " OVERDUE"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Number, r.Kind, r.State, r.Received, r.Due, left, r.Assignee, r.Requester)
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "%d requests\n", len(rows))
	return nil
}

func oneID(f flags, args []string, want int, usage string) ([]string, error) {
	pos, err := parseMixed(f, args)
	if err != nil {
		return nil, err
	}
	if len(pos) != want {
		return nil, usageErr("%s: give %s", f.Name(), usage)
	}
	return pos, nil
}

func requestsShow(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "requests show", "requests show --db FILE ID")
	pos, err := oneID(f, args, 1, "the request ID (RQ-YYYY-NNNNNN)")
	if err != nil {
		return err
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	r, err := w.GetRequest(ctx, pos[0])
	if err != nil {
		return err
	}
	p := func(k, v string) {
		if v != "" {
			fmt.Fprintf(e.stdout, "%s: %s\n", k, v)
		}
	}
	p("request", r.Number)
	p("kind", string(r.Kind))
	p("state", string(r.State))
	p("received", r.Received.Format("2006-01-02"))
	p("due", r.Due.Format("2006-01-02"))
	if r.State.Open() {
		left := fmt.Sprintf("%d working days", r.DaysLeft)
		if r.Overdue {
			left += " (OVERDUE)"
		}
		p("days left", left)
	}
	p("requester type", string(r.RequesterType))
	p("requester", r.Requester)
	p("officer", r.Officer)
	p("letter", strings.TrimSpace(r.LetterNo+" "+r.LetterDate))
	p("ground", string(r.Ground))
	p("consent purpose", r.Purpose)
	p("fields", strings.Join(r.Fields, ","))
	p("approved fields", strings.Join(r.ApprovedFields, ","))
	p("details", r.Details)
	p("assignee", r.Assignee)
	p("prepared by", r.PreparedBy)
	p("approved by", r.ApprovedBy)
	p("decision", r.DecisionReason)
	if !r.Answered.IsZero() {
		p("answered", r.Answered.Format("2006-01-02"))
	}
	p("package sha256", r.PackageSHA256)
	for _, a := range r.Accounts {
		s := a.AccountID
		if a.Outcome != "" {
			s += " — " + a.Outcome
		}
		if a.Act != "" {
			s += " (act " + a.Act + ")"
		}
		p("account", s)
	}
	tl, err := w.RequestTimeline(ctx, r.Number)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "timeline:")
	loc := w.Location()
	for _, ev := range tl {
		step := ev.Action
		if ev.To != "" {
			step = strings.TrimPrefix(string(ev.From)+" → ", " → ") + string(ev.To)
		}
		fmt.Fprintf(e.stdout, "  %s  %-12s %s: %s\n", ev.At.In(loc).Format("2006-01-02 15:04"), ev.Staff, step, ev.Reason)
	}
	as, err := w.RequestAttachments(ctx, r.Number)
	if err != nil {
		return err
	}
	for _, a := range as {
		fmt.Fprintf(e.stdout, "attachment: %s (%s, %d bytes, sha256 %s)\n", a.Name, a.MIME, a.Size, a.SHA256)
	}
	return nil
}

func requestsTransition(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "requests transition", "requests transition --db FILE ID STATE --reason TEXT [--fields LIST]")
	reason := f.String("reason", "", "why (`TEXT`, required; kept in the timeline and the audit log)")
	var fields listFlag
	f.Var(&fields, "fields", "approved fields (`LIST`), for approved / partially_approved")
	pos, err := oneID(f, args, 2, "the request ID and the new STATE")
	if err != nil {
		return err
	}
	to, err := store.ParseRequestState(pos[1])
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if strings.TrimSpace(*reason) == "" {
		return usageErr("requests transition: --reason TEXT is required")
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.TransitionRequest(ctx, pos[0], store.Decision{To: to, Reason: *reason, Fields: fields}); err != nil {
		return ruleErr(err)
	}
	r, err := w.GetRequest(ctx, pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %s\n", r.Number, r.State)
	for _, a := range r.Accounts {
		if a.Act != "" {
			fmt.Fprintf(e.stdout, "%s: destroyed under act %s\n", a.AccountID, a.Act)
		}
	}
	return nil
}

func requestsAssign(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "requests assign", "requests assign --db FILE ID --to NAME [--reason TEXT]")
	to := f.String("to", "", "staff `NAME`")
	reason := f.String("reason", "", "why (`TEXT`)")
	pos, err := oneID(f, args, 1, "the request ID")
	if err != nil {
		return err
	}
	if *to == "" {
		return usageErr("requests assign: --to NAME is required")
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.AssignRequest(ctx, pos[0], *to, *reason); err != nil {
		return ruleErr(err)
	}
	fmt.Fprintf(e.stdout, "%s: assigned to %s\n", pos[0], *to)
	return nil
}

func requestsAttach(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "requests attach", "requests attach --db FILE ID --file PATH")
	file := f.String("file", "", "scanned letter or ID (`PATH`: PDF, PNG, JPEG or TIFF, at most 10 MiB)")
	pos, err := oneID(f, args, 1, "the request ID")
	if err != nil {
		return err
	}
	st, err := os.Stat(*file)
	if err != nil {
		return usageErr("requests attach: --file: %v", err)
	}
	if st.Size() > store.MaxAttachmentSize {
		return fmt.Errorf("requests attach: %s is %d bytes; at most %d MiB", *file, st.Size(), store.MaxAttachmentSize>>20)
	}
	b, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.AddRequestAttachment(ctx, pos[0], *file, b); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %s attached (kept encrypted in the workspace)\n", pos[0], filepath.Base(*file))
	return nil
}

func requestsPackage(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "requests package", "requests package --db FILE ID --out DIR")
	out := f.String("out", "", "package folder `DIR` (created; must not hold a package)")
	pos, err := oneID(f, args, 1, "the request ID")
	if err != nil {
		return err
	}
	if *out == "" {
		return usageErr("requests package: --out DIR is required")
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	res, err := requestpack.Fulfil(ctx, w, pos[0], *out, nil)
	if err != nil {
		return ruleErr(err)
	}
	for _, file := range res.Manifest.Files {
		fmt.Fprintf(e.stdout, "%s  %s\n", file.SHA256, filepath.Join(res.Dir, file.Name))
	}
	fmt.Fprintf(e.stdout, "%s  %s\n%s fulfilled; the package holds personal data: send it and remove the folder\n",
		res.ManifestSHA256, filepath.Join(res.Dir, requestpack.ManifestName), pos[0])
	return nil
}

func requestsCalendar(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "requests calendar", "requests calendar --db FILE [--year Y] [--set FILE --reason TEXT]")
	year := f.Int("year", 0, "list the days off of `YEAR`")
	set := f.String("set", "", "replace the workspace's working-day calendar with `FILE` (admin)")
	reason := f.String("reason", "", "why (`TEXT`), with --set")
	if _, err := parseMixed(f, args); err != nil {
		return err
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	if *set != "" {
		b, err := os.ReadFile(*set)
		if err != nil {
			return usageErr("requests calendar: --set: %v", err)
		}
		if err := w.SetCalendar(ctx, string(b), *reason); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, "working-day calendar replaced")
		return nil
	}
	if *year == 0 {
		text, _, err := w.CalendarText(ctx)
		if err != nil {
			return err
		}
		fmt.Fprint(e.stdout, text)
		return nil
	}
	cal, err := w.Calendar(ctx)
	if err != nil {
		return err
	}
	for _, d := range cal.DaysOff(*year) {
		fmt.Fprintf(e.stdout, "%s %s  %-9s %s\n", d.Date.Format("2006-01-02"), d.Date.Weekday().String()[:3], d.Kind, d.Name)
	}
	if !cal.Covers(*year) {
		fmt.Fprintf(e.stdout, "note: %d is outside the years the calendar was checked for (%d–%d): decrees and Kurban Ait are missing\n", *year, cal.First, cal.Last)
	}
	return nil
}

func requestsDeadline(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "requests deadline", "requests deadline --db FILE [--kind K --days N --reason TEXT]")
	kind := f.String("kind", "", "request `KIND` whose term to change (admin)")
	days := f.Int("days", 0, "the term in working `DAYS`")
	reason := f.String("reason", "", "why (`TEXT`)")
	if _, err := parseMixed(f, args); err != nil {
		return err
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	if *kind != "" {
		k, err := store.ParseRequestKind(*kind)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		if err := w.SetRequestDeadline(ctx, k, *days, *reason); err != nil {
			return err
		}
	}
	dl, err := w.RequestDeadlines(ctx)
	if err != nil {
		return err
	}
	for _, k := range store.RequestKinds {
		fmt.Fprintf(e.stdout, "%-14s %d working days\n", k, dl.Days(k))
	}
	return nil
}

func cmdRegisterDisclosures(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "register disclosures", "register disclosures --db FILE [--from DATE --to DATE] --out FILE.csv")
	from := f.String("from", "", "first day `YYYY-MM-DD`")
	to := f.String("to", "", "last day `YYYY-MM-DD`")
	out := f.String("out", "", "CSV `FILE` to write")
	if _, err := parseMixed(f, args); err != nil {
		return err
	}
	if *out == "" {
		return usageErr("register disclosures: --out FILE.csv is required")
	}
	var a, b time.Time
	var err error
	if *from != "" {
		if a, err = parseReqDay("from", *from); err != nil {
			return err
		}
	}
	if *to != "" {
		if b, err = parseReqDay("to", *to); err != nil {
			return err
		}
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	ds, err := w.DisclosureRegister(ctx, a, b)
	if err != nil {
		return err
	}
	file, err := os.OpenFile(*out, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := transparency.WriteDisclosuresCSV(file, ds); err != nil {
		file.Close()
		return err
	}
	if err := file.Close(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d disclosures written to %s\n", len(ds), *out)
	return nil
}

func cmdReportTransparency(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "report transparency", "report transparency --db FILE --from DATE --to DATE --out FILE.pdf [--csv FILE.csv]")
	from := f.String("from", "", "first day `YYYY-MM-DD` (requests received from)")
	to := f.String("to", "", "last day `YYYY-MM-DD`")
	out := f.String("out", "", "PDF `FILE`")
	csvOut := f.String("csv", "", "also write the figures as CSV `FILE`")
	if _, err := parseMixed(f, args); err != nil {
		return err
	}
	if *from == "" || *to == "" || *out == "" {
		return usageErr("report transparency: --from, --to and --out are required")
	}
	a, err := parseReqDay("from", *from)
	if err != nil {
		return err
	}
	b, err := parseReqDay("to", *to)
	if err != nil {
		return err
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	t, err := w.TransparencyReport(ctx, a, b)
	if err != nil {
		return err
	}
	pdf, err := transparency.PDF(t)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, pdf, 0o600); err != nil {
		return err
	}
	if *csvOut != "" {
		file, err := os.OpenFile(*csvOut, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		if err := transparency.WriteCSV(file, t); err != nil {
			file.Close()
			return err
		}
		if err := file.Close(); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "%d requests (%d late); report %s\n", t.Total.Received, t.Total.Late, *out)
	return nil
}

func init() {
	registerDemoExtra("requests", func(ctx context.Context, e *env, w *store.Workspace, users int, seed int64) error {
		if users == 0 {
			return nil
		}
		return w.LoadDemoRequests(ctx, demoRequestCount, users, seed)
	})
}

// demoRequestCount: every workflow path five times over, some overdue.
const demoRequestCount = 45
