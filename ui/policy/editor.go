package policy

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/policydoc"
	"legco.kz/compliance/ui/shell"
)

// Editor is the side-by-side editor of one edition: a row per clause with
// its number, kind, Russian and Kazakh texts. Drafts are editable (for a
// role that may edit policy drafts); published and retired editions are
// shown read-only.
type Editor struct {
	widget.BaseWidget
	env *shell.Env

	// Edition is the edition shown (nil before one is opened).
	Edition  *store.Edition
	ReadOnly bool

	Title        *widget.Label
	Status       *badge
	Unsaved      *widget.Label
	ParityButton *widget.Button
	SaveButton   *widget.Button // nil unless the role may edit
	RevertButton *widget.Button // nil unless the role may edit
	Banner       fyne.CanvasObject
	BannerTitle  *widget.Label
	BannerText   *shell.TruncLabel
	Hint         fyne.CanvasObject
	HintButton   *widget.Button // shows and hides Hint
	List         *widget.List
	Parity       *ParityPanel

	model    *draft
	lex      *policydoc.Lexicon // glossary and word list; nil until loaded
	accepted map[string]bool    // accepted-wording marks (policydoc.AcceptKey)
	keys     []string
	problems []policydoc.Problem
	severity map[int]policydoc.Severity
	live     []*rowWidget
	checkSeq int
	wasDirty bool
	// active is the clause being edited (its entry has the focus, or it
	// was selected): its row shows the whole text; -1 for none.
	active   int
	hintOn   bool // the editing hint is open
	showSave bool // Save and Discard are offered
	bar      *shell.OverflowBar
	h        heights
	split    *container.Split
	body     *fyne.Container
	empty    fyne.CanvasObject
	content  fyne.CanvasObject
	// OnChanged runs after every edit (the unsaved state may have changed).
	OnChanged func()
	// OnSaved runs after the edition was saved.
	OnSaved func(e *store.Edition)
}

// NewEditor builds an empty editor.
func NewEditor(env *shell.Env) *Editor {
	ed := &Editor{env: env, model: newDraft(nil), severity: map[int]policydoc.Severity{}, active: -1}
	ed.ExtendBaseWidget(ed)

	ed.Title = widget.NewLabel("")
	ed.Title.TextStyle = fyne.TextStyle{Bold: true}
	ed.Status = newBadge("", theme.ColorNameDisabled)
	ed.Unsaved = widget.NewLabel("• " + lang.L("Unsaved changes"))
	ed.Unsaved.Importance = widget.WarningImportance
	ed.Unsaved.TextStyle = fyne.TextStyle{Bold: true}
	ed.Unsaved.Hide()
	ed.ParityButton = widget.NewButtonWithIcon("", theme.ConfirmIcon(), ed.toggleParity)
	ed.HintButton = widget.NewButtonWithIcon(lang.L("How to edit"), theme.HelpIcon(), ed.toggleHint)
	ed.HintButton.Importance = widget.LowImportance
	// Save comes first: the bar moves the last buttons into «…» when
	// the window is narrow, and Save is the one an editor needs.
	var right []fyne.CanvasObject
	if env.Can(store.PermPolicyEdit) {
		ed.RevertButton = widget.NewButtonWithIcon(lang.L("Discard changes"), theme.ContentUndoIcon(), ed.revert)
		ed.SaveButton = widget.NewButtonWithIcon(lang.L("Save edition…"), theme.DocumentSaveIcon(), func() { ed.Save(nil) })
		ed.SaveButton.Importance = widget.HighImportance
		right = append(right, ed.SaveButton, ed.ParityButton, ed.RevertButton)
	} else {
		right = append(right, ed.ParityButton)
	}
	right = append(right, ed.HintButton)
	ed.bar = shell.NewOverflowBar(right...)
	ed.showSave = ed.SaveButton != nil // created visible; changed() hides them
	// The buttons take what the title leaves and move into «…» rather
	// than clip («Сохранить редакцию…» at 1024 px in Russian).
	toolbar := container.NewBorder(nil, nil,
		container.NewHBox(ed.Title, container.NewCenter(ed.Status), ed.Unsaved), nil, ed.bar)

	ed.BannerTitle = widget.NewLabel("")
	ed.BannerText = shell.NewTruncLabel("")
	ed.Banner = lineBanner(theme.WarningIcon(), theme.ColorNameWarning, ed.BannerTitle, ed.BannerText)
	hint := widget.NewLabel(lang.L("Underline: <u>…</u>, e.g. <u>www.legco.kz</u>. A clause is one paragraph: line breaks become spaces. On the left: the number (empty for the title, terms, list items and paragraphs) and the kind; + adds a clause below, the arrows move it, the bin removes it."))
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	ed.Hint = container.NewBorder(nil, nil, container.NewCenter(widget.NewIcon(theme.InfoIcon())), nil, hint)

	ed.List = widget.NewList(
		func() int { return len(ed.model.rows) },
		func() fyne.CanvasObject {
			r := newRowWidget(ed)
			ed.live = append(ed.live, r)
			return r
		},
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*rowWidget).bind(id) })
	ed.List.HideSeparators = false
	// A selected clause (a click beside its texts, a parity row, Reveal)
	// grows to show its whole text, like a focused one.
	ed.List.OnSelected = func(id widget.ListItemID) { ed.setActive(id) }
	header := columnHeader()
	listArea := container.New(&shell.WidthWatch{OnWidth: ed.widthChanged}, ed.List)
	editor := container.NewBorder(container.NewVBox(toolbar, container.NewStack(ed.Banner, ed.Hint), header), nil, nil, nil, listArea)

	ed.Parity = NewParityPanel(ed.revealProblem)
	ed.Parity.editor = ed
	ed.Parity.setActions()
	ed.split = container.NewVSplit(editor, ed.Parity)
	// The clauses get four fifths: six of them at 1024×700 (the findings
	// list keeps three lines and scrolls).
	ed.split.Offset = 0.8

	emptyText := widget.NewLabel(lang.L("Select an edition on the Editions tab to see its text here."))
	emptyText.Alignment = fyne.TextAlignCenter
	emptyText.Importance = widget.LowImportance
	ed.empty = container.NewCenter(container.NewVBox(container.NewCenter(widget.NewIcon(theme.DocumentIcon())), emptyText))
	ed.body = container.NewStack(ed.empty)
	ed.content = ed.body
	ed.Banner.Hide()
	return ed
}

func (ed *Editor) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(ed.content) }

// columnHeader is the bold header above the clause rows, laid out like
// them.
func columnHeader() fyne.CanvasObject {
	mk := func(s string) *widget.Label {
		l := shell.CellLabel(s)
		l.TextStyle = fyne.TextStyle{Bold: true}
		return l
	}
	return container.NewStack(
		canvasRect(theme.ColorNameHeaderBackground),
		container.New(rowLayout{}, canvasRect(""), canvasRect(""),
			mk(lang.L("Clause: number and kind")), mk(lang.L("Russian text")+" · RU"), mk(lang.L("Kazakh text")+" · KK")))
}

// SetEdition shows e (with its content). readOnly is forced for
// published and retired editions and for roles that may not edit.
func (ed *Editor) SetEdition(e *store.Edition) {
	same := ed.Edition != nil && e != nil && ed.Edition.Number == e.Number
	ed.Edition = e
	if e == nil {
		ed.model = newDraft(nil)
		ed.body.Objects = []fyne.CanvasObject{ed.empty}
		ed.body.Refresh()
		ed.changed(true)
		return
	}
	ed.ReadOnly = e.Status != store.EditionDraft || !ed.env.Can(store.PermPolicyEdit)
	ed.model = newDraft(e.Doc)
	ed.Title.SetText(lang.L("Edition № {{.N}}", map[string]any{"N": e.Number}))
	ed.Status.Set(StatusText(e.Status), statusColor(e.Status))
	// A read-only edition has its one-line banner above the clauses, and
	// its findings cannot be acted on here: the clauses take a little
	// more of the height, so six of them still show at 1024×700.
	if ed.ReadOnly {
		ed.split.SetOffset(0.87)
	} else {
		ed.split.SetOffset(0.8)
	}
	switch {
	case e.Status != store.EditionDraft:
		ed.BannerTitle.SetText(lang.L("The published edition does not change"))
		ed.BannerText.SetText(lang.L("Edition № {{.N}} was published on {{.Date}} and can no longer be changed: this is the text users agreed to. To change the policy, start a new draft on the Editions tab.",
			map[string]any{"N": e.Number, "Date": shell.FormatDate(ed.env, e.PublishedAt)}))
		ed.Hint.Hide()
		ed.Banner.Show()
	case ed.ReadOnly:
		ed.BannerTitle.SetText(lang.L("Read only"))
		ed.BannerText.SetText(lang.L("Your role can read policy drafts but not change them."))
		ed.Hint.Hide()
		ed.Banner.Show()
	default:
		ed.Banner.Hide()
		if ed.hintOn {
			ed.Hint.Show()
		} else {
			ed.Hint.Hide()
		}
	}
	ed.bar.SetVisible(ed.HintButton, e.Status == store.EditionDraft && !ed.ReadOnly)
	if !same {
		ed.active = -1
	}
	if ed.active >= len(ed.model.rows) {
		ed.active = -1
	}
	if ed.body.Objects[0] != ed.split {
		ed.body.Objects = []fyne.CanvasObject{ed.split}
		ed.body.Refresh()
	}
	ed.h.width = 0 // recompute every height
	ed.recomputeHeights()
	ed.List.UnselectAll()
	if !same {
		ed.List.ScrollToTop()
	}
	ed.List.Refresh()
	ed.changed(true)
	ed.loadLexicon()
}

// Dirty reports unsaved changes.
func (ed *Editor) Dirty() bool { return ed.Edition != nil && !ed.ReadOnly && ed.model.dirty() }

// Document is the edited document (nil and an error if a row cannot be
// saved).
func (ed *Editor) Document() (*policydoc.Document, error) { return ed.model.document() }

// CheckDocument is the document the parity check runs on: the edited
// text, unsaved changes included.
func (ed *Editor) CheckDocument() *policydoc.Document { return ed.model.checkDoc() }

// Problems are the parity problems of the shown text.
func (ed *Editor) Problems() []policydoc.Problem { return ed.problems }

// Rows is the number of clause rows.
func (ed *Editor) Rows() int { return len(ed.model.rows) }

// rowAt returns the live row showing clause i, scrolling to it first
// (tests and Reveal).
func (ed *Editor) rowAt(i int) *rowWidget {
	ed.List.ScrollTo(i)
	for _, r := range ed.live {
		if r.id == i {
			return r
		}
	}
	return nil
}

func (ed *Editor) keyOf(i int) string {
	if i < len(ed.keys) {
		return ed.keys[i]
	}
	return ""
}

// changed follows every edit: it updates the unsaved indicator and the
// buttons at once and re-runs the parity check (policydoc.Check takes a
// few milliseconds on the whole policy) off the UI goroutine once typing
// pauses. immediate runs the check now (a new edition, a change of
// structure).
func (ed *Editor) changed(immediate ...bool) {
	doc := ed.model.checkDoc()
	if keys := doc.Keys(); !slices.Equal(keys, ed.keys) {
		ed.keys = keys
		for _, r := range ed.live {
			if r.id >= 0 && r.id < len(ed.model.rows) {
				r.updating = true
				r.Number.SetPlaceHolder(ed.keyOf(r.id))
				r.Key.SetText(clauseName(ed.keyOf(r.id)))
				r.updating = false
			}
		}
	}
	ed.checkSeq++
	seq := ed.checkSeq
	switch {
	case ed.Edition == nil:
		ed.applyProblems(nil)
	case len(immediate) > 0 && immediate[0]:
		ed.applyProblems(ed.check(doc))
	default:
		ed.env.Go(func(ctx context.Context) {
			select {
			case <-time.After(checkDelay):
			case <-ctx.Done():
				return
			}
			shell.Do(func() {
				if seq != ed.checkSeq {
					return // edited again meanwhile
				}
				ed.applyProblems(ed.check(doc))
			})
		})
	}
	dirty := ed.Dirty()
	if dirty != ed.Unsaved.Visible() {
		if dirty {
			ed.Unsaved.Show()
		} else {
			ed.Unsaved.Hide()
		}
	}
	if ed.SaveButton != nil {
		setButton(ed.SaveButton, dirty)
		setButton(ed.RevertButton, dirty)
		show := !ed.ReadOnly && ed.Edition != nil
		if show != ed.showSave {
			ed.showSave = show
			ed.bar.SetVisible(ed.SaveButton, show)
			ed.bar.SetVisible(ed.RevertButton, show)
		}
	}
	if dirty != ed.wasDirty || len(immediate) > 0 {
		ed.wasDirty = dirty
		if ed.OnChanged != nil {
			ed.OnChanged()
		}
	}
}

// checkDelay is how long typing must pause before the parity check runs.
const checkDelay = 250 * time.Millisecond

// applyProblems shows a result of the parity check: the badge, the panel
// and the rows' stripes.
func (ed *Editor) applyProblems(ps []policydoc.Problem) {
	if slices.EqualFunc(ps, ed.problems, func(a, b policydoc.Problem) bool { return a == b }) && ps != nil {
		return
	}
	ed.problems = ps
	ed.severity = map[int]policydoc.Severity{}
	errs, warns := 0, 0
	for _, p := range ps {
		if p.Severity == policydoc.SeverityError {
			errs++
			ed.severity[p.Index] = policydoc.SeverityError
		} else {
			warns++
			if ed.severity[p.Index] == "" {
				ed.severity[p.Index] = policydoc.SeverityWarning
			}
		}
	}
	switch {
	case errs > 0:
		ed.ParityButton.Icon = theme.ErrorIcon()
		ed.ParityButton.Importance = widget.DangerImportance
	case warns > 0:
		ed.ParityButton.Icon = theme.WarningIcon()
		ed.ParityButton.Importance = widget.WarningImportance
	default:
		ed.ParityButton.Icon = theme.ConfirmIcon()
		ed.ParityButton.Importance = widget.SuccessImportance
	}
	ed.ParityButton.SetText(ParitySummary(errs, warns))
	ed.Parity.SetProblems(ps)
	for _, r := range ed.live {
		r.mark()
	}
	if ed.OnChanged != nil {
		ed.OnChanged()
	}
}

// ParitySummary is the parity badge's text.
func ParitySummary(errs, warns int) string {
	switch {
	case errs == 0 && warns == 0:
		return lang.L("Parity: no problems")
	case warns == 0:
		return lang.N("{{.Count}} parity error", errs, map[string]any{"Count": errs})
	case errs == 0:
		return lang.N("{{.Count}} parity warning", warns, map[string]any{"Count": warns})
	}
	return lang.N("{{.Count}} parity error", errs, map[string]any{"Count": errs}) + " · " +
		lang.N("{{.Count}} parity warning", warns, map[string]any{"Count": warns})
}

// toggleHint opens or closes the editing hint (closed at first: three
// lines of help above the clauses cost a clause and a half at 700 px).
func (ed *Editor) toggleHint() {
	ed.hintOn = !ed.hintOn
	if ed.hintOn && !ed.ReadOnly && ed.Edition != nil {
		ed.Hint.Show()
	} else {
		ed.Hint.Hide()
	}
}

// setActive makes clause i the one being edited: its row grows to its
// whole text and shows its buttons; the row active before goes back to
// two lines.
func (ed *Editor) setActive(i int) {
	if i == ed.active || i >= len(ed.model.rows) {
		return
	}
	old := ed.active
	ed.active = i
	for _, r := range ed.live {
		if r.id >= 0 {
			r.showActions(!ed.ReadOnly && r.id == i)
		}
	}
	if ed.h.width <= 0 {
		return
	}
	for _, j := range []int{old, i} {
		if j >= 0 && j < len(ed.model.rows) {
			ed.List.SetItemHeight(j, ed.h.row(ed.model.rows[j], ed.h.width, j == ed.active))
		}
	}
}

// Active is the clause being edited (-1 for none).
func (ed *Editor) Active() int { return ed.active }

func (ed *Editor) toggleParity() {
	if ed.Parity.Visible() {
		ed.Parity.Hide()
	} else {
		ed.Parity.Show()
	}
	ed.split.Refresh()
}

// revealProblem follows a click on a finding: the editor selects its
// clause, scrolls to it and, in a draft that may be edited, puts the
// cursor in the text of the finding's language (Russian when it concerns
// both) so that the officer can fix it at once.
func (ed *Editor) revealProblem(p policydoc.Problem) {
	ed.Reveal(p.Index)
	if ed.ReadOnly || p.Index < 0 || p.Index >= len(ed.model.rows) {
		return
	}
	r := ed.rowAt(p.Index)
	if r == nil {
		return
	}
	e := r.Texts[ru]
	if p.Lang == policydoc.KK {
		e = r.Texts[kk]
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil {
		c.Focus(e)
	}
}

// Reveal scrolls to clause i and selects it.
func (ed *Editor) Reveal(i int) {
	if i < 0 || i >= len(ed.model.rows) {
		return
	}
	ed.setActive(i)
	ed.List.ScrollTo(i)
	ed.List.Select(i)
}

// --- edits ---

func (ed *Editor) textChanged(i, l int, s string) {
	if ed.ReadOnly {
		return
	}
	ed.model.setText(i, l, s)
	if h := ed.h.row(ed.model.rows[i], ed.h.width, i == ed.active); ed.h.width > 0 {
		ed.List.SetItemHeight(i, h)
	}
	ed.changed()
}

func (ed *Editor) numberChanged(i int, s string) {
	if ed.ReadOnly {
		return
	}
	if ed.model.setNumber(i, s) {
		ed.changed()
	}
}

func (ed *Editor) kindChanged(i int, k policydoc.Kind) {
	if ed.ReadOnly {
		return
	}
	if ed.model.setKind(i, k) {
		ed.List.SetItemHeight(i, ed.h.row(ed.model.rows[i], ed.h.width, i == ed.active))
		ed.List.RefreshItem(i)
		ed.changed(true)
	}
}

func (ed *Editor) insertAfter(i int) {
	if ed.ReadOnly {
		return
	}
	at := ed.model.insertAfter(i)
	ed.structureChanged()
	ed.Reveal(at)
	if r := ed.rowAt(at); r != nil {
		if c := fyne.CurrentApp().Driver().CanvasForObject(r.Texts[ru]); c != nil {
			c.Focus(r.Texts[ru])
		}
	}
}

func (ed *Editor) move(i, delta int) {
	if ed.ReadOnly {
		return
	}
	j := ed.model.move(i, delta)
	ed.structureChanged()
	ed.Reveal(j)
}

func (ed *Editor) remove(i int) {
	if ed.ReadOnly || i < 0 || i >= len(ed.model.rows) {
		return
	}
	do := func() {
		ed.model.remove(i)
		ed.List.UnselectAll()
		ed.structureChanged()
	}
	r := ed.model.rows[i]
	if strings.TrimSpace(r.Src[ru]) == "" && strings.TrimSpace(r.Src[kk]) == "" {
		do()
		return
	}
	name := clauseName(ed.keyOf(i))
	dialog.ShowConfirm(lang.L("Remove clause {{.Clause}}", map[string]any{"Clause": name}),
		lang.L("Remove clause {{.Clause}} in both languages? Nothing is stored until you save; “Discard changes” brings it back.", map[string]any{"Clause": name}),
		func(ok bool) {
			if ok {
				do()
			}
		}, ed.env.Window)
}

// structureChanged follows an insertion, removal or move: every row may
// now show another clause.
func (ed *Editor) structureChanged() {
	ed.active = -1 // the caller reveals the clause that moved or was added
	ed.h.width = 0
	ed.recomputeHeights()
	ed.List.Refresh()
	ed.changed(true)
}

// widthChanged recomputes the row heights when the list's width changes.
func (ed *Editor) widthChanged(w float32) {
	if w != ed.h.width {
		ed.h.width = 0
		ed.recomputeHeights(w)
	}
}

func (ed *Editor) recomputeHeights(width ...float32) {
	w := ed.List.Size().Width
	if len(width) > 0 {
		w = width[0]
	}
	if w <= 0 {
		return
	}
	if ed.h.line == 0 {
		ed.h.init(newRowWidget(ed))
	}
	ed.h.width = w
	for i, r := range ed.model.rows {
		ed.List.SetItemHeight(i, ed.h.row(r, w, i == ed.active))
	}
}

// --- saving ---

// AutoSaveReason is the audit reason of a save made because the workspace
// locked with unsaved edits.
const AutoSaveReason = "saved automatically: the workspace locked with unsaved edits"

// SaveBeforeLock stores unsaved edits of the draft without asking, because
// the workspace is about to lock (auto-lock cannot wait for a dialog).
// Edits that do not parse (a bad clause number or markup) cannot be
// stored; the error says so and the edits are lost with the lock.
func (ed *Editor) SaveBeforeLock(ctx context.Context) error {
	if !ed.Dirty() {
		return nil
	}
	doc, err := ed.model.document()
	if err != nil {
		return err
	}
	_, err = ed.env.WS.SavePolicyDraft(ctx, ed.Edition.Number, doc, AutoSaveReason)
	return err
}

// Save asks for a reason and saves the draft; then (if not nil) runs
// then.
func (ed *Editor) Save(then func()) {
	if ed.Edition == nil || ed.ReadOnly {
		return
	}
	doc, err := ed.model.document()
	if err != nil {
		var re *rowError
		if errors.As(err, &re) {
			ed.Reveal(re.Index)
			name := clauseName(ed.keyOf(re.Index))
			msg := lang.L("Clause {{.Clause}}: the number is not valid. Write it like 1, 1.2 or 1.2.3, or leave it empty.", map[string]any{"Clause": name})
			if re.Lang >= 0 {
				msg = lang.L("Clause {{.Clause}} ({{.Lang}}): {{.Detail}}", map[string]any{"Clause": name, "Lang": LangText(policydoc.Langs[re.Lang]), "Detail": markupErrorText(re.Detail)})
			}
			ed.env.ShowError(shell.UserError(msg))
			return
		}
		ed.env.ShowError(err)
		return
	}
	reason := widget.NewEntry()
	reason.SetPlaceHolder(lang.L("e.g. Kazakh text of clause 1.6 added"))
	reason.Validator = required(lang.L("Reason"))
	n := ed.Edition.Number
	changes := len(policydoc.Diff(ed.model.orig, doc))
	note := widget.NewLabel(lang.N("{{.Count}} clause changed since the last save. The reason is recorded in the audit log with the new SHA-256 of the edition.", changes, map[string]any{"Count": changes}))
	note.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem("", container.NewVBox(note, shell.MinWidth(460))),
		widget.NewFormItem(lang.L("Reason"), reason),
	}
	dialog.ShowForm(lang.L("Save edition № {{.N}}", map[string]any{"N": n}), lang.L("Save"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		why := strings.TrimSpace(reason.Text)
		var saved *store.Edition
		ed.env.Run(func(ctx context.Context) error {
			var err error
			saved, err = ed.env.WS.SavePolicyDraft(ctx, n, doc, why)
			return err
		}, func(err error) {
			if err != nil {
				ed.env.ShowError(translateStoreError(err))
				return
			}
			if ed.Edition != nil && ed.Edition.Number == n {
				ed.SetEdition(saved)
			}
			ed.env.Notify(lang.L("Edition № {{.N}} saved.", map[string]any{"N": n}))
			ed.env.Changed()
			if ed.OnSaved != nil {
				ed.OnSaved(saved)
			}
			if then != nil {
				then()
			}
		})
	}, ed.env.Window)
}

func (ed *Editor) revert() {
	if !ed.Dirty() {
		return
	}
	dialog.ShowConfirm(lang.L("Discard changes"),
		lang.L("Discard every unsaved change to edition № {{.N}} and go back to the last saved text?", map[string]any{"N": ed.Edition.Number}),
		func(ok bool) {
			if ok {
				ed.SetEdition(ed.Edition)
			}
		}, ed.env.Window)
}

// ConfirmDiscard runs proceed at once when there are no unsaved changes;
// otherwise it asks whether to save them, discard them, or stay.
func (ed *Editor) ConfirmDiscard(proceed, stay func()) {
	if !ed.Dirty() {
		proceed()
		return
	}
	n := ed.Edition.Number
	msg := widget.NewLabel(lang.L("Edition № {{.N}} has unsaved changes. Save them before you go on?", map[string]any{"N": n}))
	msg.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	save := widget.NewButtonWithIcon(lang.L("Save edition…"), theme.DocumentSaveIcon(), func() { d.Hide(); ed.Save(proceed) })
	save.Importance = widget.HighImportance
	discard := widget.NewButtonWithIcon(lang.L("Discard changes"), theme.DeleteIcon(), func() {
		d.Hide()
		ed.SetEdition(ed.Edition)
		proceed()
	})
	discard.Importance = widget.DangerImportance
	cancel := widget.NewButton(lang.L("Cancel"), func() {
		d.Hide()
		if stay != nil {
			stay()
		}
	})
	body := container.NewVBox(msg, shell.MinWidth(440), container.NewHBox(layoutSpacer(), cancel, discard, save))
	d = dialog.NewCustomWithoutButtons(lang.L("Unsaved changes"), body, ed.env.Window)
	d.Show()
}
