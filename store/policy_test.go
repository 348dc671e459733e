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

func TestPolicyEditionLifecycle(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	e1, err := w.ImportBuiltinPolicy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if e1.Number != 1 || e1.Status != EditionDraft || e1.Doc.Find("1.6") < 0 {
		t.Fatalf("imported edition = %d %s", e1.Number, e1.Status)
	}
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	if _, err := w.PublishPolicy(ctx, 1, time.Time{}, time.Time{}, ""); err == nil {
		t.Fatal("published without a «last updated» date")
	}
	p1, err := w.PublishPolicy(ctx, 1, day("2021-03-01"), day("2021-03-01"), "first edition")
	if err != nil {
		t.Fatal(err)
	}
	if p1.Status != EditionPublished || p1.UpdatedOn.Format("2006-01-02") != "2021-03-01" {
		t.Fatalf("published = %+v", p1)
	}
	// Published editions refuse changes, through the API and through SQL.
	doc := p1.Doc.Clone()
	doc.Clauses[0].RU.Plain += " (изм.)"
	if _, err := w.SavePolicyDraft(ctx, 1, doc, "edit"); !errors.Is(err, ErrEditionPublished) {
		t.Fatalf("edit of a published edition: %v", err)
	}
	if err := w.DeletePolicyDraft(ctx, 1, "x"); !errors.Is(err, ErrEditionPublished) {
		t.Fatalf("delete of a published edition: %v", err)
	}
	if _, err := w.db.Exec(`UPDATE policy_editions SET content = '{}' WHERE number = 1`); err == nil || !strings.Contains(err.Error(), "cannot be changed") {
		t.Fatalf("raw UPDATE: %v", err)
	}
	if _, err := w.db.Exec(`DELETE FROM policy_editions WHERE number = 1`); err == nil {
		t.Fatal("raw DELETE of a published edition accepted")
	}
	// A new draft starts as a copy, is edited, diffed and published.
	d2, err := w.NewPolicyDraft(ctx, "2026 update")
	if err != nil {
		t.Fatal(err)
	}
	if d2.Number != 2 || d2.BasedOn != 1 || d2.SHA256 != p1.SHA256 {
		t.Fatalf("draft = %d based on %d", d2.Number, d2.BasedOn)
	}
	i := d2.Doc.Find("1.6")
	d2.Doc.Clauses[i].KK = policydoc.Text{Plain: "Пайдаланушы контрагент іздеу барысында өзінің дербес деректерін басқа пайдаланушыларға ашуға келісім береді."}
	d2, err = w.SavePolicyDraft(ctx, 2, d2.Doc, "Kazakh text of 1.6")
	if err != nil {
		t.Fatal(err)
	}
	changes := policydoc.Diff(p1.Doc, d2.Doc)
	if len(changes) != 1 || !strings.Contains(policydoc.FormatDiff(changes), "1.6") {
		t.Fatalf("diff = %s", policydoc.FormatDiff(changes))
	}
	if _, err := w.PublishPolicy(ctx, 2, day("2026-11-20"), time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	eds, _ := w.PolicyEditions(ctx)
	if len(eds) != 2 || eds[0].Status != EditionPublished || eds[1].Status != EditionRetired {
		t.Fatalf("editions = %+v", eds)
	}
	// Legal staff may edit; compliance may not.
	w.AddStaff(ctx, "clerk", RoleCompliance, []byte("clerk pass"), keyslot.TestParams)
	w.Close()
	c, err := Open(ctx, path, "clerk", []byte("clerk pass"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.NewPolicyDraft(ctx, "x"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("compliance started a draft: %v", err)
	}
	es, _ := c.AuditEntries(ctx, AuditFilter{ObjectLike: "policy:"})
	if len(es) != 5 {
		t.Fatalf("policy audit entries = %d, want 5", len(es))
	}
}
