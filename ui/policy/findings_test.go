package policy

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/policydoc"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/internal/uitest"
)

func findingAt(t *testing.T, p *ParityPanel, clause, code string) int {
	t.Helper()
	for k, pr := range p.Problems {
		if pr.Clause == clause && pr.Code == code {
			return k
		}
	}
	t.Fatalf("no %s finding on %s among %v", code, clause, p.Problems)
	return -1
}

// TestFindingsApplyAndAccept: the glossary and language findings in the
// panel; a suggestion applied with one action (stored and audited); a
// finding accepted with a reason (gone from the panel, kept in the store).
func TestFindingsApplyAndAccept(t *testing.T) {
	f := setup(t, i18n.Russian, "", "", draftSeed)
	ed := f.s.Editor
	p := ed.Parity
	f.s.Tabs.Select(f.s.TextTab)
	at := findingAt(t, p, "3.2.5", policydoc.CodeDoubledWord)
	p.List.Select(at)
	f.loop.Settle(t)
	if !p.actions.Visible() || !strings.Contains(p.Detail.Text, "«Пайдаланушы Пайдаланушы» → «(удалить)»") {
		t.Fatalf("detail %q", p.Detail.Text)
	}
	f.tap(t, p.ApplyButton)
	i := ed.CheckDocument().Find("3.2.5")
	if got := ed.Edition.Doc.Clauses[i].KK.Plain; strings.Contains(got, "Пайдаланушы Пайдаланушы") {
		t.Fatalf("not applied: %s", got)
	}
	if ed.Dirty() {
		t.Error("an applied suggestion should be stored at once")
	}
	es, _ := f.w.AuditEntries(context.Background(), store.AuditFilter{ObjectLike: "policy:1"})
	if es[0].Action != "policy.fix" {
		t.Errorf("last audit entry %s, want policy.fix", es[0].Action)
	}
	for _, pr := range p.Problems {
		if pr.Code == policydoc.CodeDoubledWord {
			t.Errorf("still reported: %s", pr)
		}
	}
	if ed.ParityButton.Text != "1 ошибка · 12 предупреждений" || p.actions.Visible() {
		t.Errorf("after the fix: badge %q, actions shown %v", ed.ParityButton.Text, p.actions.Visible())
	}
	// Accept 2.2.5 as intended wording.
	at = findingAt(t, p, "2.2.5", policydoc.CodeTermMismatch)
	p.List.Select(at)
	f.loop.Settle(t)
	f.tap(t, p.AcceptButton)
	test.Type(uitest.FindIn[*widget.Entry](f.dialog())[0], "маркетинговый термин согласован юристами")
	f.tapIn(t, "Принять")
	for _, pr := range p.Problems {
		if pr.Clause == "2.2.5" {
			t.Errorf("accepted finding still shown: %s", pr)
		}
	}
	marks, _ := f.w.AcceptedFindings(context.Background())
	if len(marks) != 1 {
		t.Fatalf("%d accepted marks", len(marks))
	}
	for _, m := range marks {
		if m.Clause != "2.2.5" || m.Reason != "маркетинговый термин согласован юристами" {
			t.Errorf("mark %+v", m)
		}
	}
	// The glossary editor lists the shipped terms.
	f.tap(t, p.GlossaryButton)
	if !uitest.HasText(f.win.Canvas(), "depersonalization") || !uitest.HasText(f.win.Canvas(), "Добавить термин…") {
		t.Errorf("glossary texts: %v", uitest.Texts(f.win.Canvas()))
	}
}

// TestNoticeDialog: the notice of a draft against the edition in force,
// edited and saved.
func TestNoticeDialog(t *testing.T) {
	f := setup(t, i18n.Kazakh, "", "", func(t *testing.T, w *store.Workspace) {
		publishedSeed(t, w)
		d, err := w.NewPolicyDraft(context.Background(), "corrections")
		if err != nil {
			t.Fatal(err)
		}
		i := d.Doc.Find("2.2.5")
		d.Doc.Clauses[i].KK = d.Doc.Clauses[i].KK.WithPlain("жарнамалық материалдарды таргеттеу;")
		if _, err := w.SavePolicyDraft(context.Background(), d.Number, d.Doc, "2.2.5"); err != nil {
			t.Fatal(err)
		}
	})
	s := f.s
	for k, e := range s.Editions {
		if e.Number == 2 {
			s.List.Select(k)
		}
	}
	f.loop.Settle(t)
	f.tap(t, s.NoticeButton)
	nd := s.NoticeDialog
	if nd == nil || len(nd.Notice.Items) != 1 {
		t.Fatalf("notice %+v", nd)
	}
	if !strings.Contains(nd.Preview.Text, "Бұрын: жарнамалық материалдарды шектеу;") || !strings.Contains(nd.Preview.Text, "Енді: жарнамалық материалдарды таргеттеу;") {
		t.Errorf("preview: %s", nd.Preview.Text)
	}
	nd.Texts["intro_kk"].SetText("Құрметті пайдаланушылар! Біз 2.2.5-тармақты нақтыладық.")
	f.tap(t, nd.Save)
	n, err := f.w.PolicyNotice(context.Background(), 1, 2)
	if err != nil || n.IntroKK != "Құрметті пайдаланушылар! Біз 2.2.5-тармақты нақтыладық." {
		t.Fatalf("stored notice: %v %+v", err, n)
	}
	nd.Consent.SetChecked(true)
	f.loop.Settle(t)
	e, _ := f.w.PolicyEdition(context.Background(), 2)
	if !e.NeedsReconsent {
		t.Error("the «needs renewed consent» flag was not stored")
	}
}
