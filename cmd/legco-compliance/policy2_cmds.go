package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"legco.kz/compliance/reports/policynotice"
	"legco.kz/compliance/store"
	"legco.kz/compliance/store/policydoc"
)

// Subcommands of issue #13: the full check (structure, glossary, lints;
// replaces the built-in parity-only check), the glossary, the notice of
// changes and the «needs renewed consent» flag.
func init() {
	registerSub("policy", "check", "full check of an edition: parity, glossary terms, language lints", cmdPolicyCheck)
	registerSub("policy", "glossary", "glossary list|add|remove: the terminology the check uses", cmdPolicyGlossary)
	registerSub("policy", "notice", "bilingual notice of changes between two editions (PDF, text)", cmdPolicyNotice)
	registerSub("policy", "fix", "apply the check's suggested corrections to a draft (each audited)", cmdPolicyFix)
	registerSub("policy", "reconsent", "set whether a draft's changes need users' renewed consent", cmdPolicyReconsent)
}

var severityRank = map[policydoc.Severity]int{policydoc.SeverityWarning: 1, policydoc.SeverityError: 2}

// findingJSON is one line of `policy check --format json`.
type findingJSON struct {
	Severity  policydoc.Severity `json:"severity"`
	Clause    string             `json:"clause"`
	Lang      policydoc.Lang     `json:"lang,omitempty"`
	Kind      string             `json:"kind"`
	Message   string             `json:"message"`
	MessageRU string             `json:"message_ru"`
	MessageKK string             `json:"message_kk,omitempty"`
	Span      *policydoc.Span    `json:"span,omitempty"`
	Found     string             `json:"found,omitempty"`
	Fix       *policydoc.Fix     `json:"fix,omitempty"`
}

func findingLine(p policydoc.Problem) string {
	s := p.String()
	if p.Fix != nil {
		s += fmt.Sprintf(" → «%s»", p.Fix.Text)
	}
	return s
}

func cmdPolicyCheck(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "policy check", "policy check --db FILE --edition N [--format text|json] [--min-severity warning|error]")
	edition := f.Int("edition", 0, "edition `N`")
	format := f.String("format", "text", "text (one finding a line: severity clause [lang] kind: message) or json")
	minSev := f.String("min-severity", "warning", "report findings of this `severity` and above: warning or error")
	if err := f.parse(args); err != nil {
		return err
	}
	if *edition <= 0 {
		return usageErr("policy check: --edition N is required")
	}
	min, ok := severityRank[policydoc.Severity(*minSev)]
	if !ok {
		return usageErr("policy check: --min-severity %q: say warning or error", *minSev)
	}
	if *format != "text" && *format != "json" {
		return usageErr("policy check: --format %q: say text or json", *format)
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	ed, err := w.PolicyEdition(ctx, *edition)
	if err != nil {
		return err
	}
	open, accepted, err := w.PolicyFindings(ctx, ed.Doc)
	if err != nil {
		return err
	}
	var shown []policydoc.Problem
	for _, p := range open {
		if severityRank[p.Severity] >= min {
			shown = append(shown, p)
		}
	}
	if *format == "json" {
		out := make([]findingJSON, 0, len(shown))
		for _, p := range shown {
			out = append(out, findingJSON{p.Severity, p.Clause, p.Lang, p.Code, p.Message, p.MessageRU, p.MessageKK, p.Span, p.Found, p.Fix})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		for _, p := range shown {
			fmt.Fprintln(e.stdout, findingLine(p))
		}
	}
	if len(accepted) > 0 {
		fmt.Fprintf(e.stderr, "edition %d: %d findings accepted as wording are not shown\n", *edition, len(accepted))
	}
	if len(shown) > 0 {
		return &exitError{code: exitPolicyCheck, err: fmt.Errorf("edition %d: %d findings (structure, terminology, language)", *edition, len(shown))}
	}
	if *format == "text" {
		fmt.Fprintf(e.stdout, "edition %d: no findings: Russian and Kazakh texts match clause for clause and use the glossary's terms\n", *edition)
	}
	return nil
}

func cmdPolicyGlossary(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usageErr("policy glossary: say list, add or remove")
	}
	sub, args := args[0], args[1:]
	f := newFlags(e, "policy glossary "+sub, "policy glossary list|add|remove --db FILE …")
	id := f.String("id", "", "entry `ID` (e.g. depersonalization)")
	kind := f.String("kind", "policy", "law, policy, doctype or vocab")
	ru := f.String("ru", "", "Russian forms, separated by `|` (e.g. «обезличивание|обезличенные»)")
	kk := f.String("kk", "", "accepted Kazakh forms, separated by `|`")
	source := f.String("source", "", "where the term comes from (e.g. 94-V art. 1)")
	oneway := f.Bool("oneway", false, "check Russian → Kazakh only (the Kazakh word has other senses)")
	reason := f.String("reason", "", "why; kept in the audit log")
	if err := f.parse(args); err != nil {
		return err
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	switch sub {
	case "list":
		g, err := w.PolicyGlossary(ctx)
		if err != nil {
			return err
		}
		es := append([]policydoc.GlossaryEntry(nil), g.Entries...)
		policydoc.SortEntries(es)
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tKIND\tRUSSIAN\tKAZAKH\tSOURCE")
		for _, en := range es {
			k := string(en.Kind)
			if en.OneWay {
				k += " (ru→kk)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", en.ID, k, strings.Join(en.RU, " | "), strings.Join(en.KK, " | "), en.Source)
		}
		return tw.Flush()
	case "add":
		if *id == "" || *ru == "" || *kk == "" {
			return usageErr("policy glossary add: --id, --ru and --kk are required")
		}
		en := policydoc.GlossaryEntry{ID: *id, Kind: policydoc.GlossaryKind(*kind), RU: strings.Split(*ru, "|"), KK: strings.Split(*kk, "|"), Source: *source, OneWay: *oneway}
		if err := w.PutGlossaryEntry(ctx, en, *reason); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "glossary entry %s saved\n", *id)
		return nil
	case "remove":
		if *id == "" {
			return usageErr("policy glossary remove: --id is required")
		}
		if err := w.RemoveGlossaryEntry(ctx, *id, *reason); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "glossary entry %s removed\n", *id)
		return nil
	}
	return usageErr("policy glossary: unknown subcommand %q (list, add, remove)", sub)
}

func cmdPolicyNotice(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "policy notice", "policy notice --db FILE --from A --to B --lang ru|kk|ru+kk --out FILE.pdf [--text FILE.txt]")
	from := f.Int("from", 0, "edition in force `A`")
	to := f.Int("to", 0, "new edition `B`")
	lang := f.String("lang", "ru+kk", "ru, kk or ru+kk")
	out := f.String("out", "", "PDF `FILE`")
	text := f.String("text", "", "also write the plain text (website, e-mail) to `FILE`")
	if err := f.parse(args); err != nil {
		return err
	}
	if *from <= 0 || *to <= 0 {
		return usageErr("policy notice: --from A and --to B are required")
	}
	if *out == "" && *text == "" {
		return usageErr("policy notice: --out FILE.pdf (or --text FILE.txt) is required")
	}
	layout, err := policynotice.ParseLayout(*lang)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	n, err := w.PolicyNotice(ctx, *from, *to)
	if err != nil {
		return err
	}
	ed, err := w.PolicyEdition(ctx, *to)
	if err != nil {
		return err
	}
	opt := policynotice.Options{Draft: ed.Status == store.EditionDraft, Date: ed.UpdatedOn}
	if *out != "" {
		if err := writeAtomically(*out, func(fl *os.File) error { return policynotice.Render(fl, n, layout, opt) }); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "wrote %s (notice of changes %d → %d, %s, %d clauses)\n", *out, *from, *to, *lang, len(n.Items))
	}
	if *text != "" {
		langs := []policydoc.Lang{policydoc.RU, policydoc.KK}
		switch *lang {
		case "ru":
			langs = langs[:1]
		case "kk":
			langs = langs[1:]
		}
		if err := writeAtomically(*text, func(fl *os.File) error {
			_, err := fl.WriteString(n.PlainText(langs...))
			return err
		}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "wrote %s\n", *text)
	}
	return nil
}

func cmdPolicyReconsent(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "policy reconsent", "policy reconsent --db FILE --edition N --needed yes|no --reason TEXT")
	edition := f.Int("edition", 0, "draft edition `N`")
	needed := f.String("needed", "", "yes or no")
	reason := f.String("reason", "", "why; kept in the audit log")
	if err := f.parse(args); err != nil {
		return err
	}
	if *edition <= 0 || (*needed != "yes" && *needed != "no") {
		return usageErr("policy reconsent: --edition N and --needed yes|no are required")
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.SetPolicyReconsent(ctx, *edition, *needed == "yes", *reason); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "edition %d: needs renewed consent: %s (recorded when published)\n", *edition, *needed)
	return nil
}

func cmdPolicyFix(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "policy fix", "policy fix --db FILE --edition N [--kind CODE,…] [--clause KEY]")
	edition := f.Int("edition", 0, "draft edition `N`")
	kinds := f.String("kind", "", "only findings of these kinds (comma-separated, e.g. layout-hyphen,kazakh-letter)")
	clause := f.String("clause", "", "only findings on this clause (e.g. 2.2.5)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *edition <= 0 {
		return usageErr("policy fix: --edition N is required")
	}
	want := map[string]bool{}
	for _, k := range strings.Split(*kinds, ",") {
		if k = strings.TrimSpace(k); k != "" {
			want[k] = true
		}
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	applied := 0
	// One at a time, checking again after each: a fix moves the spans of
	// later findings in the same clause.
	for range 1000 {
		ed, err := w.PolicyEdition(ctx, *edition)
		if err != nil {
			return err
		}
		open, _, err := w.PolicyFindings(ctx, ed.Doc)
		if err != nil {
			return err
		}
		var next *policydoc.Problem
		for _, p := range open {
			if p.Fix != nil && (len(want) == 0 || want[p.Code]) && (*clause == "" || p.Clause == *clause) {
				next = &p
				break
			}
		}
		if next == nil {
			break
		}
		if _, err := w.ApplyPolicyFix(ctx, *edition, *next); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "fixed %s [%s] %s: «%s» → «%s»\n", next.Clause, next.Lang, next.Code, next.Found, next.Fix.Text)
		applied++
	}
	fmt.Fprintf(e.stdout, "edition %d: %d corrections applied\n", *edition, applied)
	return nil
}
