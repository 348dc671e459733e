package policy

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/assets"
	"legco.kz/compliance/store"
	"legco.kz/compliance/store/keyslot"
	"legco.kz/compliance/store/policydoc"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/internal/uitest"
	"legco.kz/compliance/ui/shell"
)

// clock is the workspace clock of the tests: 10 March 2025, 09:30 UTC.
func clock() time.Time { return time.Date(2025, 3, 10, 9, 30, 0, 0, time.UTC) }

var (
	seedUpdated   = time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	seedEffective = time.Date(2025, 2, 3, 0, 0, 0, 0, time.UTC)
)

const (
	complianceName = "Айгерім Сәрсенбаева"
	compliancePass = "compliance pass"
)

type fixture struct {
	s    *Screen
	loop *uitest.Loop
	win  fyne.Window
	ws   uitest.Workspace
	w    *store.Workspace
	env  *shell.Env
}

// publishedSeed imports the built-in edition and publishes it (edition 1).
func publishedSeed(t *testing.T, w *store.Workspace) {
	t.Helper()
	ctx := context.Background()
	if _, err := w.ImportBuiltinPolicy(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := w.PublishPolicy(ctx, 1, seedUpdated, seedEffective, "first edition"); err != nil {
		t.Fatal(err)
	}
}

func draftSeed(t *testing.T, w *store.Workspace) {
	t.Helper()
	if _, err := w.ImportBuiltinPolicy(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// setup opens a workspace (with a compliance officer) as staff (the
// admin when empty), lets prepare fill it as the admin, and builds the
// screen in a 1200×800 window with the given UI language.
func setup(t *testing.T, language, staff, pass string, prepare func(t *testing.T, w *store.Workspace)) *fixture {
	t.Helper()
	loop := uitest.Install(t)
	test.NewTempApp(t)
	if _, err := i18n.Load(language); err != nil {
		t.Fatal(err)
	}
	ws := uitest.NewWorkspace(t, false, func(w *store.Workspace) {
		if err := w.AddStaff(context.Background(), complianceName, store.RoleCompliance, []byte(compliancePass), keyslot.TestParams); err != nil {
			t.Fatal(err)
		}
	})
	ws.Options.Now = clock
	if prepare != nil {
		admin := ws.Open(t)
		prepare(t, admin)
		admin.Close()
	}
	if staff == "" {
		staff, pass = ws.Admin, ws.Passphrase
	}
	w := ws.OpenAs(t, staff, pass)
	win := test.NewWindow(nil)
	t.Cleanup(win.Close)
	env := shell.NewEnv(w, win, shell.Options{KDF: keyslot.TestParams})
	t.Cleanup(func() { env.Stop(); loop.Settle(t) })
	s := NewScreen(env)
	win.SetContent(s)
	win.Resize(fyne.NewSize(1200, 800))
	loop.Settle(t)
	return &fixture{s: s, loop: loop, win: win, ws: ws, w: w, env: env}
}

func (f *fixture) dialog() fyne.CanvasObject { return f.win.Canvas().Overlays().Top() }

func (f *fixture) tapIn(t *testing.T, text string) {
	t.Helper()
	b := uitest.ButtonIn(f.dialog(), text)
	if b == nil {
		t.Fatalf("no %q button in the dialog; texts: %v", text, uitest.Texts(f.win.Canvas()))
	}
	if b.Disabled() {
		t.Fatalf("%q is disabled", text)
	}
	test.Tap(b)
	f.loop.Settle(t)
}

func (f *fixture) tap(t *testing.T, b *widget.Button) {
	t.Helper()
	if b == nil || b.Disabled() {
		t.Fatalf("button missing or disabled: %v", b)
	}
	test.Tap(b)
	f.loop.Settle(t)
}

// row returns the live editor row of the clause numbered n.
func (f *fixture) row(t *testing.T, n string) (int, *rowWidget) {
	t.Helper()
	i := f.s.Editor.CheckDocument().Find(n)
	if i < 0 {
		t.Fatalf("no clause %s in the editor", n)
	}
	f.s.Tabs.Select(f.s.TextTab)
	r := f.s.Editor.rowAt(i)
	f.loop.Settle(t)
	if r == nil || r.id != i {
		t.Fatalf("clause %s (row %d) is not on screen", n, i)
	}
	return i, r
}

func hasProblem(ps []policydoc.Problem, clause string, lang policydoc.Lang, code string) bool {
	for _, p := range ps {
		if p.Clause == clause && p.Lang == lang && p.Code == code {
			return true
		}
	}
	return false
}

const kazakh16 = "Пайдаланушы мәміле шеңберінде өзінің дербес деректерін басқа пайдаланушыларға ашуға келісім береді."

func TestDraftEditDiffPublish(t *testing.T) {
	f := setup(t, i18n.Russian, "", "", publishedSeed)
	s, ed := f.s, f.s.Editor
	ctx := context.Background()

	// The edition in force opens read-only, with the banner.
	if len(s.Editions) != 1 || ed.Edition == nil || ed.Edition.Number != 1 || !ed.ReadOnly {
		t.Fatalf("editions %d, editor %+v read-only %v", len(s.Editions), ed.Edition, ed.ReadOnly)
	}
	s.Tabs.Select(s.TextTab)
	if !uitest.HasText(f.win.Canvas(), "Опубликованная редакция не изменяется") {
		t.Errorf("no read-only banner: %v", uitest.Texts(f.win.Canvas()))
	}
	_, r := f.row(t, "1.6")
	if !r.Texts[kk].Disabled() || !r.Texts[ru].Disabled() || !r.Number.Disabled() || r.edit.Visible() {
		t.Error("a published edition's rows are editable")
	}
	if ed.SaveButton.Visible() {
		t.Error("Save offered for a published edition")
	}

	// New draft: a copy of edition 1.
	s.Tabs.Select(s.EditionsTab)
	f.tap(t, s.NewDraftButton)
	test.Type(uitest.FindIn[*widget.Entry](f.dialog())[0], "казахский текст пункта 1.6")
	f.tapIn(t, "Создать проект")
	if len(s.Editions) != 2 || ed.Edition == nil || ed.Edition.Number != 2 || ed.ReadOnly {
		t.Fatalf("after New draft: %d editions, editor on %+v, read-only %v", len(s.Editions), ed.Edition, ed.ReadOnly)
	}
	if s.Tabs.Selected() != s.TextTab || !strings.Contains(s.TextTab.Text, "№ 2") {
		t.Errorf("the new draft is not shown: tab %q", s.TextTab.Text)
	}
	if !hasProblem(ed.Problems(), "1.6", policydoc.KK, policydoc.CodeMissingTranslation) {
		t.Fatalf("problems: %v", ed.Problems())
	}

	// Type the Kazakh text of 1.6 next to the Russian one.
	i, r := f.row(t, "1.6")
	if r.Texts[kk].Disabled() || r.Texts[kk].Text != "" || !strings.HasPrefix(r.Texts[ru].Text, "Пользователь дает согласие на раскрытие") {
		t.Fatalf("row 1.6: kk %q (disabled %v), ru %q", r.Texts[kk].Text, r.Texts[kk].Disabled(), r.Texts[ru].Text)
	}
	test.Type(r.Texts[kk], kazakh16)
	f.loop.Settle(t) // the parity check runs when typing pauses
	if !ed.Dirty() || !ed.Unsaved.Visible() || ed.SaveButton.Disabled() {
		t.Fatal("typing did not mark the edition unsaved")
	}
	if hasProblem(ed.Problems(), "1.6", policydoc.KK, policydoc.CodeMissingTranslation) {
		t.Error("the parity check still reports 1.6 missing in Kazakh")
	}

	// Save with a reason.
	f.tap(t, ed.SaveButton)
	if b := uitest.ButtonIn(f.dialog(), "Сохранить"); b == nil || !b.Disabled() {
		t.Fatal("Save must wait for a reason")
	}
	test.Type(uitest.FindIn[*widget.Entry](f.dialog())[0], "добавлен казахский текст пункта 1.6")
	f.tapIn(t, "Сохранить")
	if ed.Dirty() || ed.Unsaved.Visible() {
		t.Error("still unsaved after saving")
	}
	stored, err := f.w.PolicyEdition(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := stored.Doc.Clauses[i].KK.Plain; got != kazakh16 {
		t.Fatalf("stored 1.6 kk = %q", got)
	}
	entries, err := f.w.AuditEntries(ctx, store.AuditFilter{Action: "policy.edit"})
	if err != nil || len(entries) != 1 || entries[0].Reason != "добавлен казахский текст пункта 1.6" {
		t.Errorf("audit: %+v %v", entries, err)
	}

	// Compare: by default the draft against the edition in force.
	s.Tabs.Select(s.CompareTab)
	f.loop.Settle(t)
	d := s.Diff
	if d.From.Selected != "№ 1 · Действует" || d.To.Selected != "№ 2 · Проект" {
		t.Errorf("default comparison %q / %q", d.From.Selected, d.To.Selected)
	}
	if len(d.Changes) != 1 || d.Changes[0].NewKey != "1.6" || d.Changes[0].Kind != policydoc.Changed {
		t.Fatalf("changes: %s", policydoc.FormatDiff(d.Changes))
	}
	if got := d.Blocks[0].Plain(kk); got != "{+"+kazakh16+"+}" {
		t.Errorf("kk diff %q", got)
	}
	if !uitest.HasText(f.win.Canvas(), "Пункт 1.6") || !uitest.HasText(f.win.Canvas(), "различается 1 пункт") {
		t.Errorf("diff texts: %v", uitest.Texts(f.win.Canvas()))
	}

	// Publish edition 2.
	s.Tabs.Select(s.EditionsTab)
	if e, _ := s.Selected(); e.Number != 2 {
		t.Fatalf("selected %d", e.Number)
	}
	f.tap(t, s.PublishButton)
	// The workspace's today (Asia/Almaty), in the UI language's format.
	today := shell.FormatDay(s.env.WS.Today())
	e := uitest.FindIn[*widget.Entry](f.dialog())
	if len(e) < 2 || e[0].Text != today || e[1].Text != today {
		t.Fatalf("date defaults: %v", e)
	}
	e[1].SetText("01.01.2020")
	if b := uitest.ButtonIn(f.dialog(), "Опубликовать…"); b == nil || !b.Disabled() {
		t.Error("an effective date before the last-updated date must be refused")
	}
	if !uitest.HasText(f.win.Canvas(), "Редакция № 1, в силе") && !uitest.HasText(f.win.Canvas(), "утратит силу") {
		t.Errorf("publishing does not say the current edition is retired: %v", uitest.Texts(f.win.Canvas()))
	}
	e[1].SetText(today)
	checks := uitest.FindIn[*widget.Check](f.dialog())
	if len(checks) != 1 || checks[0].Checked {
		t.Fatalf("renewed-consent check box: %v", checks)
	}
	checks[0].SetChecked(true)
	f.tapIn(t, "Опубликовать…")
	f.tapIn(t, "Да")
	eds, err := f.w.PolicyEditions(ctx)
	if err != nil || eds[0].Status != store.EditionPublished || eds[1].Status != store.EditionRetired {
		t.Fatalf("after publishing: %+v %v", eds, err)
	}
	if !eds[0].NeedsReconsent || eds[0].Supersedes != 1 {
		t.Errorf("published edition: needs renewed consent %v, supersedes %d", eds[0].NeedsReconsent, eds[0].Supersedes)
	}
	if ed.Edition.Number != 2 || !ed.ReadOnly || !ed.Banner.Visible() {
		t.Fatalf("the published edition is still editable in the editor (read-only %v)", ed.ReadOnly)
	}
	_, r = f.row(t, "1.6")
	if !r.Texts[kk].Disabled() || r.Texts[kk].Text != kazakh16 {
		t.Errorf("row 1.6 after publishing: %q disabled %v", r.Texts[kk].Text, r.Texts[kk].Disabled())
	}
	if _, err := f.w.SavePolicyDraft(ctx, 2, stored.Doc, "late change"); !errors.Is(err, store.ErrEditionPublished) {
		t.Errorf("store accepted a change to a published edition: %v", err)
	}
	if !strings.Contains(s.InForce.Text, "№ 2") {
		t.Errorf("in force: %q", s.InForce.Text)
	}
}

func TestComplianceOfficerOnlyReads(t *testing.T) {
	f := setup(t, i18n.Russian, complianceName, compliancePass, func(t *testing.T, w *store.Workspace) {
		publishedSeed(t, w)
		if _, err := w.NewPolicyDraft(context.Background(), "review"); err != nil {
			t.Fatal(err)
		}
	})
	s := f.s
	if s.NewDraftButton != nil || s.ImportButton != nil || s.DeleteButton != nil || s.PublishButton != nil || s.BuiltinButton != nil {
		t.Fatal("edit or publish actions offered to a compliance officer")
	}
	if s.Editor.SaveButton != nil || s.Editor.RevertButton != nil {
		t.Fatal("Save offered to a compliance officer")
	}
	if s.ExportButton == nil || s.ExportButton.Disabled() {
		t.Error("export not offered")
	}
	// The draft opens, read-only, with the role explained.
	if s.Editor.Edition == nil || s.Editor.Edition.Number != 2 || !s.Editor.ReadOnly {
		t.Fatalf("editor: %+v read-only %v", s.Editor.Edition, s.Editor.ReadOnly)
	}
	_, r := f.row(t, "1.6")
	if !r.Texts[kk].Disabled() || r.edit.Visible() {
		t.Error("a compliance officer can edit the draft")
	}
	// The banner's text is one line, cut if need be (a tap shows it).
	if !s.Editor.Banner.Visible() || !strings.Contains(s.Editor.BannerText.Text, "Ваша роль позволяет читать проекты политики") {
		t.Errorf("banner shown %v: %q", s.Editor.Banner.Visible(), s.Editor.BannerText.Text)
	}
	for _, b := range uitest.Find[*widget.Button](f.win.Canvas()) {
		if b.Text == "Опубликовать…" || b.Text == "Сохранить…" || b.Text == "Новый проект…" {
			t.Errorf("button %q visible", b.Text)
		}
	}
}

func TestParityPanelOnTheSeed(t *testing.T) {
	f := setup(t, i18n.Russian, "", "", draftSeed)
	ed := f.s.Editor
	p := ed.Parity
	// The parity problems (1 error, 3 warnings) and, beside them, the
	// glossary and language findings (issue #13).
	if len(p.Problems) != 14 {
		t.Fatalf("problems: %v", p.Problems)
	}
	errs, warns := countProblems(p.Problems)
	if errs != 1 || warns != 13 {
		t.Errorf("%d errors, %d warnings", errs, warns)
	}
	if ed.ParityButton.Text != "1 ошибка · 13 предупреждений" {
		t.Errorf("badge %q", ed.ParityButton.Text)
	}
	f.s.Tabs.Select(f.s.TextTab)
	if !uitest.HasText(f.win.Canvas(), "есть только на русском языке: нет казахского текста") || !uitest.HasText(f.win.Canvas(), "1.6") {
		t.Errorf("panel texts: %v", uitest.Texts(f.win.Canvas()))
	}
	// Clicking the problem scrolls the editor to clause 1.6.
	var at int
	for k, pr := range p.Problems {
		if pr.Clause == "1.6" {
			at = k
		}
	}
	p.List.Select(at)
	f.loop.Settle(t)
	want := ed.CheckDocument().Find("1.6")
	r := ed.rowAt(want)
	if r == nil || r.stripe.FillColor == nil || r.Texts[ru].Text == "" {
		t.Fatalf("row 1.6 not shown")
	}
	if ed.List.Size().Height == 0 {
		t.Fatal("the editor list has no size")
	}

	// English UI: the English message.
	if _, err := i18n.Load(i18n.English); err != nil {
		t.Fatal(err)
	}
	p.SetProblems(p.Problems)
	if got := problemMessage(p.Problems[at]); got != "present in Russian only: the Kazakh text is missing" {
		t.Errorf("en message %q", got)
	}
}

func TestEditorStructure(t *testing.T) {
	f := setup(t, i18n.Kazakh, "", "", draftSeed)
	ed := f.s.Editor
	n := ed.Rows()
	i := ed.CheckDocument().Find("1.6")

	// Add a clause after 1.6: it gets 1.7.
	f.s.Tabs.Select(f.s.TextTab)
	_, r := f.row(t, "1.6")
	f.tap(t, r.Add)
	doc := ed.CheckDocument()
	if ed.Rows() != n+1 || doc.Clauses[i+1].Number != "1.7" || doc.Clauses[i+1].Kind != policydoc.KindClause || !ed.Dirty() {
		t.Fatalf("after add: %d rows, %+v", ed.Rows(), doc.Clauses[i+1])
	}
	// Without text it cannot be saved as is? It can; the parity check
	// reports the empty clause.
	if !hasProblem(ed.Problems(), "1.7", "", policydoc.CodeEmptyText) {
		t.Errorf("problems: %v", ed.Problems())
	}
	nr := ed.rowAt(i + 1)
	test.Type(nr.Texts[ru], "Новый <u>пункт</u>.")
	test.Type(nr.Texts[kk], "Жаңа <b>тармақ</b>.")
	if _, err := ed.Document(); err == nil {
		t.Error("unsupported markup accepted")
	}
	nr.Texts[kk].SetText("Жаңа <u>тармақ</u>.")
	doc, err := ed.Document()
	if err != nil {
		t.Fatal(err)
	}
	if c := doc.Clauses[i+1]; c.RU.Plain != "Новый пункт." || len(c.RU.Underline) != 1 || c.KK.Plain != "Жаңа тармақ." {
		t.Errorf("new clause %+v", c)
	}
	// Move it up: it swaps with 1.6 and is reported as out of order.
	f.tap(t, ed.rowAt(i+1).Up)
	doc = ed.CheckDocument()
	if doc.Clauses[i].Number != "1.7" || doc.Clauses[i+1].Number != "1.6" {
		t.Fatalf("after move: %s, %s", doc.Clauses[i].Number, doc.Clauses[i+1].Number)
	}
	if !hasProblem(ed.Problems(), "1.6", "", policydoc.CodeNumberingOrder) {
		t.Errorf("order not reported: %v", ed.Problems())
	}
	// Renumber and change the kind.
	ed.rowAt(i).Number.SetText("1.8")
	ed.rowAt(i).Kind.SetSelectedIndex(5) // paragraph
	if c := ed.CheckDocument().Clauses[i]; c.Number != "1.8" || c.Kind != policydoc.KindParagraph {
		t.Errorf("after renumbering: %+v", c)
	}
	ed.rowAt(i).Number.SetText("1.x")
	if _, err := ed.Document(); err == nil {
		t.Error("an invalid number was accepted")
	}
	// Remove it (with text: after a confirmation).
	f.tap(t, ed.rowAt(i).Remove)
	f.tapIn(t, "Иә")
	if ed.Rows() != n || ed.CheckDocument().Clauses[i].Number != "1.6" {
		t.Fatalf("after remove: %d rows", ed.Rows())
	}
	if ed.Dirty() {
		t.Error("back to the stored text but still unsaved")
	}
	// An item added after an item belongs to the same list.
	items := ed.CheckDocument().Items("1.4")
	f.s.Editor.insertAfter(items[len(items)-1])
	if c := ed.CheckDocument().Clauses[items[len(items)-1]+1]; c.Kind != policydoc.KindItem || c.Parent != "1.4" {
		t.Errorf("new item %+v", c)
	}
	// Discard brings the stored text back.
	f.tap(t, ed.RevertButton)
	f.tapIn(t, "Иә")
	if ed.Dirty() || ed.Rows() != n {
		t.Error("discard did not restore the edition")
	}
}

func TestUnsavedChangesGuard(t *testing.T) {
	f := setup(t, i18n.Russian, "", "", func(t *testing.T, w *store.Workspace) {
		publishedSeed(t, w)
		if _, err := w.NewPolicyDraft(context.Background(), "review"); err != nil {
			t.Fatal(err)
		}
	})
	s, ed := f.s, f.s.Editor
	_, r := f.row(t, "1.6")
	test.Type(r.Texts[kk], "мәтін")
	if !s.HasUnsavedChanges() {
		t.Fatal("not dirty")
	}
	// Choosing another edition asks first; Cancel stays.
	s.List.Select(1)
	f.loop.Settle(t)
	if !uitest.HasText(f.win.Canvas(), "В редакции № 2 есть несохранённые изменения") {
		t.Fatalf("no guard: %v", uitest.Texts(f.win.Canvas()))
	}
	f.tapIn(t, "Отмена")
	if ed.Edition.Number != 2 || !ed.Dirty() {
		t.Fatal("Cancel lost the changes")
	}
	if e, _ := s.Selected(); e.Number != 2 {
		t.Errorf("selection moved to %d", e.Number)
	}
	// Leaving the section is guarded too; Discard goes on.
	left := false
	s.ConfirmLeave(func() { left = true })
	f.tapIn(t, "Отменить изменения")
	if !left || ed.Dirty() {
		t.Error("discard did not proceed")
	}
	s.List.Select(1)
	f.loop.Settle(t)
	if ed.Edition.Number != 1 {
		t.Errorf("editor on %d", ed.Edition.Number)
	}
}

type sink struct {
	bytes.Buffer
	closed bool
}

func (s *sink) Close() error { s.closed = true; return nil }

func TestExportPDFAndImport(t *testing.T) {
	f := setup(t, i18n.Russian, "", "", publishedSeed)
	var out sink
	f.s.WritePDF(1, pdfLayouts[0], &out, "privacy.pdf")
	f.loop.Settle(t)
	if !out.closed || !bytes.HasPrefix(out.Bytes(), []byte("%PDF-")) || out.Len() < 20000 {
		t.Fatalf("pdf: %d bytes, closed %v", out.Len(), out.closed)
	}
	if got := PDFName(f.s.Editions[0], pdfLayouts[0]); got != "privacy.pdf" {
		t.Errorf("name %q", got)
	}

	b, err := assets.FS.ReadFile(assets.SeedPolicyPath)
	if err != nil {
		t.Fatal(err)
	}
	f.s.ImportFrom(io.NopCloser(bytes.NewReader(b)), "seed.txt")
	f.loop.Settle(t)
	if len(f.s.Editions) != 2 || f.s.Editor.Edition.Number != 2 || f.s.Editor.Edition.Source != "seed.txt" {
		t.Fatalf("import: %d editions", len(f.s.Editions))
	}
	if got := PDFName(f.s.Editions[0], pdfLayouts[1]); got != "privacy-edition-2-ru.pdf" {
		t.Errorf("draft name %q", got)
	}
	// Delete the imported draft.
	f.tap(t, f.s.DeleteButton)
	test.Type(uitest.FindIn[*widget.Entry](f.dialog())[0], "дубликат")
	f.tapIn(t, "Удалить проект")
	if len(f.s.Editions) != 1 || f.s.Editor.Edition == nil || f.s.Editor.Edition.Number != 1 {
		t.Fatalf("after delete: %d editions", len(f.s.Editions))
	}
}

func TestEmptyWorkspaceOffersTheBuiltinEdition(t *testing.T) {
	f := setup(t, i18n.English, "", "", nil)
	if !uitest.HasText(f.win.Canvas(), "No policy editions yet") {
		t.Fatalf("texts: %v", uitest.Texts(f.win.Canvas()))
	}
	f.tap(t, f.s.BuiltinButton)
	if len(f.s.Editions) != 1 || f.s.Editor.Edition == nil || f.s.Editor.Rows() < 50 {
		t.Fatalf("builtin: %d editions", len(f.s.Editions))
	}
}

func TestEditableMarkup(t *testing.T) {
	cases := []struct {
		text policydoc.Text
		want string
	}{
		{policydoc.NewText("ТОО «K&T Partners»"), "ТОО «K&T Partners»"},
		{policydoc.NewText("сайт www.legco.kz", policydoc.Span{Start: 5, End: 17}), "сайт <u>www.legco.kz</u>"},
		{policydoc.NewText("a < b, <b>"), "a < b, &lt;b>"},
		{policydoc.NewText("&amp; и &copy"), "&amp;amp; и &amp;copy"},
	}
	for _, c := range cases {
		got := Editable(c.text)
		if got != c.want {
			t.Errorf("Editable(%q) = %q, want %q", c.text.Plain, got, c.want)
		}
		back, err := ParseEditable(got)
		if err != nil || !back.Equal(c.text) {
			t.Errorf("%q does not parse back: %+v %v", got, back, err)
		}
	}
}

func TestDraftModel(t *testing.T) {
	b, _ := assets.FS.ReadFile(assets.SeedPolicyPath)
	doc, err := policydoc.Parse(bytes.NewReader(b), "seed")
	if err != nil {
		t.Fatal(err)
	}
	d := newDraft(doc)
	if d.dirty() {
		t.Fatal("a fresh draft is dirty")
	}
	got, err := d.document()
	if err != nil || len(policydoc.Diff(doc, got)) != 0 || policydoc.Hash(got) != policydoc.Hash(doc) {
		t.Fatalf("the unedited document changed: %v", err)
	}
	i := doc.Find("1.4")
	at := d.insertAfter(i)
	if d.rows[at].Kind != policydoc.KindClause || d.rows[at].Number != "1.5" {
		t.Errorf("after 1.4: %+v", d.rows[at])
	}
	// The list of 1.4 now follows the new clause: its items move with it.
	if d.rows[at+1].Kind != policydoc.KindItem || d.rows[at+1].Parent != "1.5" {
		t.Errorf("item after the new clause: %+v", d.rows[at+1])
	}
	d.remove(at)
	if d.dirty() {
		t.Error("insert then remove is still dirty")
	}
	if nextNumber("2.2.6") != "2.2.7" || nextNumber("") != "" {
		t.Error("nextNumber")
	}
}

func TestHeightsFitTheText(t *testing.T) {
	test.NewTempApp(t)
	var h heights
	h.init(widget.NewLabel("x"))
	short := h.lines("запись;", 300, false)
	long := h.lines(strings.Repeat("Администрация принимает необходимые меры ", 20), 300, false)
	if short != 1 || long < 10 {
		t.Errorf("lines: short %d, long %d", short, long)
	}
	if h.lines("a\nb\nc", 300, false) != 3 {
		t.Error("line breaks")
	}
}

func TestEditionsGolden(t *testing.T) {
	local := time.Local
	time.Local = time.UTC // the list shows local times
	defer func() { time.Local = local }()
	f := setup(t, i18n.Russian, "", "", func(t *testing.T, w *store.Workspace) {
		publishedSeed(t, w)
		if _, err := w.NewPolicyDraft(context.Background(), "review"); err != nil {
			t.Fatal(err)
		}
	})
	f.s.Tabs.Select(f.s.EditionsTab)
	test.AssertRendersToMarkup(t, "editions.xml", f.win.Canvas())
}

func TestDefaultPairAndDiffBlocks(t *testing.T) {
	test.NewTempApp(t)
	if _, err := i18n.Load(i18n.Russian); err != nil {
		t.Fatal(err)
	}
	ed := func(n int, s store.EditionStatus) store.Edition { return store.Edition{Number: n, Status: s} }
	cases := []struct {
		eds      []store.Edition
		from, to int
	}{
		{nil, -1, -1},
		{[]store.Edition{ed(1, store.EditionPublished)}, 0, 0},
		{[]store.Edition{ed(3, store.EditionDraft), ed(2, store.EditionPublished), ed(1, store.EditionRetired)}, 1, 0},
		{[]store.Edition{ed(2, store.EditionPublished), ed(1, store.EditionRetired)}, 1, 0},
		{[]store.Edition{ed(2, store.EditionDraft), ed(1, store.EditionDraft)}, 1, 0},
	}
	for _, c := range cases {
		if f, to := DefaultPair(c.eds); f != c.from || to != c.to {
			t.Errorf("DefaultPair(%v) = %d, %d; want %d, %d", c.eds, f, to, c.from, c.to)
		}
	}

	clause := func(n, ru, kk string) policydoc.Clause {
		return policydoc.Clause{Number: n, Kind: policydoc.KindClause, RU: policydoc.NewText(ru), KK: policydoc.NewText(kk)}
	}
	a := &policydoc.Document{Clauses: []policydoc.Clause{
		clause("1", "первый пункт о данных", "бірінші тармақ"),
		clause("2", "второй пункт удалят", "екінші тармақ"),
		clause("3", "третий пункт", "үшінші тармақ"),
	}}
	b := &policydoc.Document{Clauses: []policydoc.Clause{
		clause("1", "первый пункт о персональных данных", "бірінші тармақ"),
		clause("2", "третий пункт", "үшінші тармақ"),
		clause("3", "новый пункт", "жаңа тармақ"),
	}}
	kinds := map[policydoc.ChangeKind]string{}
	for _, c := range policydoc.Diff(a, b) {
		blk := newDiffBlock(c)
		kinds[c.Kind] += blk.Plain(ru) + " | " + blk.Plain(kk) + "; "
	}
	if got := kinds[policydoc.Changed]; !strings.Contains(got, "первый пункт о {+персональных+} данных") {
		t.Errorf("changed: %q", got)
	}
	if got := kinds[policydoc.Removed]; !strings.Contains(got, "[-второй пункт удалят-]") {
		t.Errorf("removed: %q", got)
	}
	if got := kinds[policydoc.Added]; !strings.Contains(got, "{+новый пункт+}") {
		t.Errorf("added: %q", got)
	}
	if got := kinds[policydoc.Moved]; !strings.Contains(got, "третий пункт") {
		t.Errorf("moved: %q (all %v)", got, kinds)
	}
}

func TestUnsavedDraftIsSavedBeforeLock(t *testing.T) {
	f := setup(t, i18n.Russian, "", "", draftSeed)
	s, ed := f.s, f.s.Editor
	ctx := context.Background()
	s.Open(1)
	f.loop.Settle(t)
	if ed.Edition == nil || ed.ReadOnly {
		t.Fatalf("draft 1 not open for editing: %+v", ed.Edition)
	}
	if err := s.SaveBeforeLock(ctx); err != nil {
		t.Fatalf("nothing to save: %v", err)
	}
	i, r := f.row(t, "1.6")
	test.Type(r.Texts[kk], kazakh16)
	f.loop.Settle(t)
	if !s.HasUnsavedChanges() {
		t.Fatal("typing did not mark the draft unsaved")
	}
	if err := s.SaveBeforeLock(ctx); err != nil {
		t.Fatal(err)
	}
	stored, err := f.w.PolicyEdition(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := stored.Doc.Clauses[i].KK.Plain; got != kazakh16 {
		t.Fatalf("stored 1.6 kk = %q", got)
	}
	entries, err := f.w.AuditEntries(ctx, store.AuditFilter{Action: "policy.edit"})
	if err != nil || len(entries) != 1 || entries[0].Reason != AutoSaveReason {
		t.Fatalf("audit: %+v %v", entries, err)
	}
}
