package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"legco.kz/compliance/store/keyslot"
	"legco.kz/compliance/store/policydoc"
)

func publishedSeed(t *testing.T, w *Workspace) *Edition {
	t.Helper()
	ctx := context.Background()
	if _, err := w.ImportBuiltinPolicy(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := w.PublishPolicy(ctx, 1, time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC), "first")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPolicyGlossaryEditsAudited(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	shipped, err := w.PolicyGlossary(ctx)
	if err != nil || len(shipped.Entries) < 19 {
		t.Fatalf("shipped glossary: %v, %d entries", err, len(shipped.Entries))
	}
	if err := w.PutGlossaryEntry(ctx, policydoc.GlossaryEntry{ID: "breach", Kind: policydoc.GlossaryLaw, RU: []string{"утечка"}, KK: []string{"таралып кету"}}, "new term"); err != nil {
		t.Fatal(err)
	}
	if err := w.PutGlossaryEntry(ctx, policydoc.GlossaryEntry{ID: "targeting", Kind: policydoc.GlossaryPolicy, RU: []string{"таргетирование"}, KK: []string{"таргеттеу", "нысаналау"}}, "add a form"); err != nil {
		t.Fatal(err)
	}
	if err := w.RemoveGlossaryEntry(ctx, "doc-rules", "not used"); err != nil {
		t.Fatal(err)
	}
	if err := w.RemoveGlossaryEntry(ctx, "nope", "x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("remove of an unknown entry: %v", err)
	}
	var verr *ValidationError
	if err := w.PutGlossaryEntry(ctx, policydoc.GlossaryEntry{ID: "x", RU: []string{"сбор"}}, "x"); !errors.As(err, &verr) || !strings.Contains(verr.Reason, "field kk") {
		t.Fatalf("entry without Kazakh forms: %v", err)
	}
	g, _ := w.PolicyGlossary(ctx)
	if len(g.Entries) != len(shipped.Entries) {
		t.Fatalf("entries %d, want %d (one added, one removed)", len(g.Entries), len(shipped.Entries))
	}
	if e, ok := g.Entry("targeting"); !ok || len(e.KK) != 2 {
		t.Fatalf("targeting = %+v", e)
	}
	es, _ := w.AuditEntries(ctx, AuditFilter{ObjectLike: "glossary:"})
	if len(es) != 3 {
		t.Fatalf("glossary audit entries = %d, want 3", len(es))
	}
	// Auditors change nothing.
	w.AddStaff(ctx, "aud", RoleAuditor, []byte("aud pass"), keyslot.TestParams)
	w.Close()
	a, err := Open(ctx, path, "aud", []byte("aud pass"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.RemoveGlossaryEntry(ctx, "breach", "x"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("auditor removed a glossary entry: %v", err)
	}
}

func codes(ps []policydoc.Problem, code string) []policydoc.Problem {
	var out []policydoc.Problem
	for _, p := range ps {
		if p.Code == code {
			out = append(out, p)
		}
	}
	return out
}

func TestPolicyFindingsFixAcceptNotice(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	seed := publishedSeed(t, w)
	d, err := w.NewPolicyDraft(ctx, "corrections")
	if err != nil {
		t.Fatal(err)
	}
	open, _, err := w.PolicyFindings(ctx, d.Doc)
	if err != nil {
		t.Fatal(err)
	}
	hy := codes(open, policydoc.CodeLayoutHyphen)
	if len(hy) != 3 {
		t.Fatalf("layout hyphens %d, want 3", len(hy))
	}
	// Apply one suggestion: audited as a change of the draft.
	d, err = w.ApplyPolicyFix(ctx, d.Number, hy[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Doc.Clauses[hy[0].Index].KK.Plain, hy[0].Fix.Text) {
		t.Fatalf("fix not applied: %s", d.Doc.Clauses[hy[0].Index].KK.Plain)
	}
	if _, err := w.ApplyPolicyFix(ctx, d.Number, hy[0]); !errors.Is(err, policydoc.ErrStaleFinding) {
		t.Fatalf("applying a stale finding: %v", err)
	}
	if _, err := w.ApplyPolicyFix(ctx, seed.Number, hy[1]); !errors.Is(err, ErrEditionPublished) {
		t.Fatalf("fix on a published edition: %v", err)
	}
	// Accept the doubled word as wording; it stays accepted in a later
	// draft with the same text.
	dbl := codes(open, policydoc.CodeDoubledWord)[0]
	if err := w.AcceptPolicyFinding(ctx, d.Number, dbl, ""); err == nil {
		t.Fatal("accepted without a reason")
	}
	if err := w.AcceptPolicyFinding(ctx, d.Number, dbl, "quoted from the agreement"); err != nil {
		t.Fatal(err)
	}
	open, accepted, _ := w.PolicyFindings(ctx, d.Doc)
	if len(codes(open, policydoc.CodeDoubledWord)) != 0 || len(accepted) != 1 {
		t.Fatalf("after accept: open %d doubled, accepted %d", len(codes(open, policydoc.CodeDoubledWord)), len(accepted))
	}
	if err := w.SetPolicyReconsent(ctx, d.Number, true, "terms of processing changed"); err != nil {
		t.Fatal(err)
	}
	// The notice: items from the diff, texts editable before publishing.
	n, err := w.PolicyNotice(ctx, seed.Number, d.Number)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Items) != 1 || n.Items[0].Clause != "2.2.6" && n.Items[0].Clause != "6.1" || !n.NeedsReconsent {
		t.Fatalf("notice items %+v reconsent %v", n.Items, n.NeedsReconsent)
	}
	n.IntroRU = "Уважаемые пользователи! Мы уточнили текст Политики."
	if err := w.SavePolicyNotice(ctx, n, "wording"); err != nil {
		t.Fatal(err)
	}
	pub, err := w.PublishPolicy(ctx, d.Number, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Time{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if pub.Supersedes != seed.Number || !pub.NeedsReconsent {
		t.Fatalf("published: supersedes %d, reconsent %v", pub.Supersedes, pub.NeedsReconsent)
	}
	frozen, _ := w.PolicyNotice(ctx, seed.Number, d.Number)
	if frozen.IntroRU != n.IntroRU || len(frozen.Items) != 1 {
		t.Fatalf("frozen notice: %+v", frozen)
	}
	if err := w.SavePolicyNotice(ctx, frozen, "late"); !errors.Is(err, ErrEditionPublished) {
		t.Fatalf("edit of a published notice: %v", err)
	}
	if _, err := w.db.Exec(`UPDATE policy_notices SET content = '{}' WHERE edition = ?`, d.Number); err == nil {
		t.Fatal("raw UPDATE of a frozen notice accepted")
	}
	if _, err := w.db.Exec(`UPDATE policy_editions SET needs_reconsent = 0 WHERE number = ?`, d.Number); err == nil {
		t.Fatal("raw UPDATE of a published edition's reconsent flag accepted")
	}
	// The next draft carries the accepted mark (same text of 3.2.5).
	d3, _ := w.NewPolicyDraft(ctx, "next")
	open, accepted, _ = w.PolicyFindings(ctx, d3.Doc)
	if len(codes(open, policydoc.CodeDoubledWord)) != 0 || len(accepted) != 1 {
		t.Fatalf("next draft: the accepted mark did not carry over")
	}
}
