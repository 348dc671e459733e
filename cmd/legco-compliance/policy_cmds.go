package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"legco.kz/compliance/reports/policypdf"
	"legco.kz/compliance/store"
	"legco.kz/compliance/store/policydoc"
)

func init() {
	register(command{"policy", "policy import|list|check|diff|new-draft|publish|pdf: privacy-policy editions", cmdPolicy})
}

func cmdPolicy(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usageErr("policy: say import, list, check, diff, new-draft, publish or pdf")
	}
	sub, args := args[0], args[1:]
	if s, ok := lookupSub("policy", sub); ok {
		return s.run(ctx, e, args)
	}
	f := newFlags(e, "policy "+sub, "policy "+sub+" --db FILE …")
	var (
		file      = f.String("file", "", "policy `PATH` in the seed format (Russian<TAB>Kazakh rows)")
		edition   = f.Int("edition", 0, "edition `N`")
		from      = f.Int("from", 0, "older edition `A`")
		to        = f.Int("to", 0, "newer edition `B`")
		updated   = f.String("updated", "", "«last updated» date `YYYY-MM-DD` (clause 6.1)")
		effective = f.String("effective", "", "date it takes effect, `YYYY-MM-DD` (default: publication day)")
		lang      = f.String("lang", "ru+kk", "ru, kk or ru+kk")
		out       = f.String("out", "", "output `FILE`")
		reason    = f.String("reason", "", "why; kept in the audit log")
	)
	if err := f.parse(args); err != nil {
		return err
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	need := func(v int, name string) error {
		if v <= 0 {
			return usageErr("policy %s: --%s N is required", sub, name)
		}
		return nil
	}
	switch sub {
	case "import":
		if *file == "" {
			return usageErr("policy import: --file PATH is required")
		}
		in, err := os.Open(*file)
		if err != nil {
			return err
		}
		defer in.Close()
		ed, err := w.ImportPolicy(ctx, in, *file)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, ed.Number)
		fmt.Fprintf(e.stderr, "imported %s as draft edition %d (%d clauses, sha256 %s)\n", *file, ed.Number, len(ed.Doc.Clauses), ed.SHA256)
		return nil
	case "list":
		eds, err := w.PolicyEditions(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "EDITION\tSTATUS\tUPDATED\tEFFECTIVE\tAUTHOR\tSHA-256")
		for _, ed := range eds {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", ed.Number, ed.Status, day(ed.UpdatedOn), day(ed.EffectiveOn), ed.Author, ed.SHA256[:16])
		}
		return tw.Flush()
	case "diff":
		if err := need(*from, "from"); err != nil {
			return err
		}
		if err := need(*to, "to"); err != nil {
			return err
		}
		a, err := w.PolicyEdition(ctx, *from)
		if err != nil {
			return err
		}
		b, err := w.PolicyEdition(ctx, *to)
		if err != nil {
			return err
		}
		ch := policydoc.Diff(a.Doc, b.Doc)
		if len(ch) == 0 {
			fmt.Fprintf(e.stdout, "editions %d and %d have the same text\n", *from, *to)
			return nil
		}
		fmt.Fprint(e.stdout, policydoc.FormatDiff(ch))
		return nil
	case "new-draft":
		ed, err := w.NewPolicyDraft(ctx, *reason)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, ed.Number)
		return nil
	case "publish":
		if err := need(*edition, "edition"); err != nil {
			return err
		}
		up, err := parseDay("updated", *updated, true)
		if err != nil {
			return err
		}
		eff, err := parseDay("effective", *effective, false)
		if err != nil {
			return err
		}
		ed, err := w.PublishPolicy(ctx, *edition, up, eff, *reason)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "edition %d published: last updated %s, in effect from %s, sha256 %s\n", ed.Number, day(ed.UpdatedOn), day(ed.EffectiveOn), ed.SHA256)
		return nil
	case "pdf":
		if err := need(*edition, "edition"); err != nil {
			return err
		}
		if *out == "" {
			return usageErr("policy pdf: --out FILE is required")
		}
		layout, err := policypdf.ParseLayout(*lang)
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		ed, err := w.PolicyEdition(ctx, *edition)
		if err != nil {
			return err
		}
		head, err := w.AuditHead(ctx) // printed on drafts only, see policypdf.FromStore
		if err != nil {
			return err
		}
		if err := writePolicyPDF(*out, ed, layout, head); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "wrote %s (edition %d, %s)\n", *out, ed.Number, *lang)
		return nil
	}
	return runSub(ctx, e, "policy", []string{"import", "list", "diff", "new-draft", "publish", "pdf"}, append([]string{sub}, args...))
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("2006-01-02")
}

func parseDay(name, s string, required bool) (time.Time, error) {
	if s == "" {
		if required {
			return time.Time{}, usageErr("--%s YYYY-MM-DD is required", name)
		}
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, usageErr("--%s: %q is not a date written YYYY-MM-DD", name, s)
	}
	return t, nil
}

// writePolicyPDF renders to a temporary file in the target folder and
// renames it, so a failed render never leaves half a privacy.pdf.
func writePolicyPDF(out string, ed *store.Edition, layout policypdf.Layout, head store.AuditHead) error {
	return writeAtomically(out, func(f *os.File) error {
		return policypdf.Render(f, policypdf.FromStore(ed, head), layout)
	})
}

func writeAtomically(out string, fill func(*os.File) error) error {
	tmp, err := os.CreateTemp(dirOf(out), ".legco-*.pdf")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := fill(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}

func dirOf(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[:i+1]
		}
	}
	return "."
}
