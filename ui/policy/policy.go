// Package policy is the Policy editions screen: the editions of the
// bilingual privacy policy («Политика конфиденциальности» / «Құпиялылық
// саясаты», clause 6.1), a side-by-side Russian | Kazakh editor for
// drafts, the parity check between the two languages, word-level
// comparison of any two editions, publication with the «last updated»
// and effective dates, and export as privacy.pdf.
//
// Register it in cmd (the lead's file) before ui.Start:
//
//	ui.Register(ui.Section{ID: ui.SectionPolicy, New: policy.New})
package policy

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

var editionColumns = &shell.Columns{Widths: []float32{56, 118, 104, 104, 140, 186, 150},
	// The number, the status and the dates keep their width; the author,
	// the creation time and the hash give way.
	Keep: []bool{true, true, true, true}}

// Screen is the Policy editions section.
type Screen struct {
	widget.BaseWidget
	env *shell.Env

	// Editions are the editions listed, newest first.
	Editions []store.Edition
	List     *widget.List

	// Actions; nil when the signed-in role may not use them.
	ImportButton   *widget.Button
	BuiltinButton  *widget.Button
	NewDraftButton *widget.Button
	DeleteButton   *widget.Button
	PublishButton  *widget.Button
	// ExportButton is there for every role.
	ExportButton *widget.Button
	// NoticeButton opens the notice of changes (every role; editing it
	// needs the right to edit drafts).
	NoticeButton *widget.Button
	// NoticeDialog is the notice dialog last opened (tests).
	NoticeDialog *NoticeDialog
	// Toolbar holds the edition actions; what does not fit goes into its "More" menu.
	Toolbar *shell.OverflowBar

	InForce *widget.Label
	Details *EditionDetails
	Editor  *Editor
	Diff    *DiffView
	Tabs    *container.AppTabs

	EditionsTab, TextTab, CompareTab *container.TabItem

	selected      int // number of the selected edition, 0 = none
	pendingSelect int
	suppress      bool
	empty         fyne.CanvasObject
	listArea      *fyne.Container
	content       fyne.CanvasObject
}

// New is the section's ScreenFactory.
func New(env *shell.Env) fyne.CanvasObject { return NewScreen(env) }

// NewScreen builds the screen and starts loading the editions.
func NewScreen(env *shell.Env) *Screen {
	s := &Screen{env: env}
	s.ExtendBaseWidget(s)
	canEdit, canPublish := env.Can(store.PermPolicyEdit), env.Can(store.PermPolicyPublish)

	var actions []fyne.CanvasObject
	if canEdit {
		s.NewDraftButton = widget.NewButtonWithIcon(lang.L("New draft…"), theme.ContentAddIcon(), s.newDraft)
		s.NewDraftButton.Importance = widget.HighImportance
		s.ImportButton = widget.NewButtonWithIcon(lang.L("Import edition from file…"), theme.FolderOpenIcon(), s.importFile)
		s.BuiltinButton = widget.NewButtonWithIcon(lang.L("Load the built-in edition"), theme.DocumentIcon(), s.importBuiltin)
		s.DeleteButton = widget.NewButtonWithIcon(lang.L("Delete draft…"), theme.DeleteIcon(), s.deleteDraft)
		s.DeleteButton.Importance = widget.DangerImportance
		actions = append(actions, s.NewDraftButton, s.ImportButton, s.DeleteButton)
	}
	if canPublish {
		s.PublishButton = widget.NewButtonWithIcon(lang.L("Publish…"), theme.UploadIcon(), s.publish)
		s.PublishButton.Importance = widget.SuccessImportance
		actions = append(actions, s.PublishButton)
	}
	s.ExportButton = widget.NewButtonWithIcon(lang.L("Export privacy.pdf…"), theme.DocumentPrintIcon(), s.exportPDF)
	s.NoticeButton = widget.NewButtonWithIcon(lang.L("Notice of changes…"), theme.MailComposeIcon(), s.showNotice)
	actions = append(actions, s.ExportButton) // the notice button sits in the edition's details
	s.InForce = widget.NewLabel("")
	s.InForce.Truncation = fyne.TextTruncateEllipsis
	s.InForce.TextStyle = fyne.TextStyle{Bold: true}
	inForce := container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), nil, s.InForce)
	// The bar moves what does not fit into a "More" menu (1024 px).
	s.Toolbar = shell.NewOverflowBar(actions...)
	toolbar := container.NewVBox(s.Toolbar, inForce)

	s.List = widget.NewList(func() int { return len(s.Editions) }, newEditionRow, s.updateEditionRow)
	s.List.OnSelected = s.onSelected
	s.empty = s.emptyState(canEdit)
	s.listArea = container.NewStack(s.listAreaContent())
	s.Details = newEditionDetails(s)
	editions := container.NewBorder(container.NewVBox(toolbar, widget.NewSeparator()), nil, nil, nil,
		container.NewVSplit(s.listArea, s.Details))
	editions.Objects[0].(*container.Split).Offset = 0.36

	s.Editor = NewEditor(env)
	s.Editor.OnChanged = s.editorChanged
	s.Diff = NewDiffView(s)

	s.EditionsTab = container.NewTabItemWithIcon(lang.L("Editions"), theme.ListIcon(), editions)
	s.TextTab = container.NewTabItemWithIcon(lang.L("Edition text"), theme.DocumentCreateIcon(), s.Editor)
	s.CompareTab = container.NewTabItemWithIcon(lang.L("Compare editions"), theme.ContentCopyIcon(), s.Diff)
	s.Tabs = container.NewAppTabs(s.EditionsTab, s.TextTab, s.CompareTab)
	s.Tabs.OnSelected = func(t *container.TabItem) {
		if t == s.CompareTab {
			s.Diff.Compute()
		}
	}
	s.content = s.Tabs

	env.OnChanged(s.Reload)
	s.updateButtons()
	s.Reload()
	return s
}

// CreateRenderer implements fyne.Widget.
func (s *Screen) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(s.content) }

// Shown reloads the editions when the section is opened again.
func (s *Screen) Shown() { s.Reload() }

// HasUnsavedChanges reports whether the editor holds unsaved changes.
func (s *Screen) HasUnsavedChanges() bool { return s.Editor.Dirty() }

// SaveBeforeLock keeps unsaved edits of a draft when the workspace locks.
func (s *Screen) SaveBeforeLock(ctx context.Context) error { return s.Editor.SaveBeforeLock(ctx) }

// ConfirmLeave runs proceed at once if nothing is unsaved; otherwise it
// offers to save the changes, discard them or stay (then proceed is not
// called). The main window may call it before it switches section or
// locks.
func (s *Screen) ConfirmLeave(proceed func()) {
	s.Editor.ConfirmDiscard(proceed, func() { s.Tabs.Select(s.TextTab) })
}

func (s *Screen) emptyState(canEdit bool) fyne.CanvasObject {
	title := widget.NewLabel(lang.L("No policy editions yet"))
	title.TextStyle = fyne.TextStyle{Bold: true}
	title.Alignment = fyne.TextAlignCenter
	text := widget.NewLabel(lang.L("The first edition is the policy as published on www.legco.kz before this workstation: load the copy built into the program, or import a file in the seed format (Russian and Kazakh separated by a tab)."))
	text.Wrapping = fyne.TextWrapWord
	text.Alignment = fyne.TextAlignCenter
	items := []fyne.CanvasObject{container.NewCenter(widget.NewIcon(theme.DocumentIcon())), title, text}
	if canEdit {
		items = append(items, container.NewCenter(container.NewHBox(s.BuiltinButton, widget.NewButtonWithIcon(lang.L("Import edition from file…"), theme.FolderOpenIcon(), s.importFile))))
	} else {
		note := widget.NewLabel(lang.L("A lawyer or an administrator adds the first edition."))
		note.Alignment = fyne.TextAlignCenter
		note.Importance = widget.LowImportance
		items = append(items, note)
	}
	return container.NewCenter(container.NewVBox(append(items, shell.MinWidth(560))...))
}

func newEditionRow() fyne.CanvasObject {
	num := shell.CellLabel("")
	num.TextStyle = fyne.TextStyle{Bold: true}
	sha := shell.CellLabel("")
	sha.TextStyle = fyne.TextStyle{Monospace: true}
	return container.New(editionColumns, num, container.NewHBox(newBadge("", theme.ColorNameDisabled)),
		shell.CellLabel(""), shell.CellLabel(""), shell.CellLabel(""), shell.CellLabel(""), sha)
}

func (s *Screen) updateEditionRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(s.Editions) {
		return
	}
	e := s.Editions[id]
	cells := o.(*fyne.Container).Objects
	cells[0].(*widget.Label).SetText(fmt.Sprintf("№ %d", e.Number))
	cells[1].(*fyne.Container).Objects[0].(*badge).Set(StatusText(e.Status), statusColor(e.Status))
	// The box laid the badge out for its old text (empty in a new row):
	// without a new layout «Действует» is cut to «ств».
	cells[1].(*fyne.Container).Refresh()
	cells[2].(*widget.Label).SetText(formatDate(e.UpdatedOn))
	cells[3].(*widget.Label).SetText(formatDate(e.EffectiveOn))
	cells[4].(*widget.Label).SetText(e.Author)
	cells[5].(*widget.Label).SetText(shell.FormatTime(s.env, e.CreatedAt))
	cells[6].(*widget.Label).SetText(shortHash(e.SHA256))
}

func shortHash(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}

// Reload reads the list of editions again.
func (s *Screen) Reload() {
	var eds []store.Edition
	s.env.Run(func(ctx context.Context) error {
		var err error
		eds, err = s.env.WS.PolicyEditions(ctx)
		return err
	}, func(err error) {
		if err != nil {
			s.env.ShowError(err)
			return
		}
		s.applyEditions(eds)
	})
}

func (s *Screen) indexOf(number int) int {
	for i, e := range s.Editions {
		if e.Number == number {
			return i
		}
	}
	return -1
}

// defaultEdition is opened when nothing is selected: the newest draft,
// else the edition in force, else the newest.
func defaultEdition(eds []store.Edition) int {
	for _, e := range eds {
		if e.Status == store.EditionDraft {
			return e.Number
		}
	}
	for _, e := range eds {
		if e.Status == store.EditionPublished {
			return e.Number
		}
	}
	if len(eds) > 0 {
		return eds[0].Number
	}
	return 0
}

func (s *Screen) applyEditions(eds []store.Edition) {
	s.Editions = eds
	if len(eds) == 0 {
		s.listArea.Objects = []fyne.CanvasObject{s.empty}
	} else if s.listArea.Objects[0] == s.empty {
		s.listArea.Objects = []fyne.CanvasObject{s.listAreaContent()}
	}
	s.listArea.Refresh()
	s.List.Refresh()
	s.Diff.SetEditions(eds)
	s.InForce.SetText(inForceText(eds))

	want := s.pendingSelect
	s.pendingSelect = 0
	if want == 0 {
		want = s.selected
	}
	if s.indexOf(want) < 0 {
		want = defaultEdition(eds)
	}
	if want == 0 {
		s.selected = 0
		s.List.UnselectAll()
		s.Editor.SetEdition(nil)
		s.TextTab.Text = lang.L("Edition text")
		s.Tabs.Refresh()
		s.Details.update()
		s.updateButtons()
		return
	}
	idx := s.indexOf(want)
	s.suppress = true
	s.List.Select(idx)
	s.suppress = false
	info := eds[idx]
	cur := s.Editor.Edition
	if cur == nil || cur.Number != want || ((cur.SHA256 != info.SHA256 || cur.Status != info.Status) && !s.Editor.Dirty()) {
		s.open(want)
		return
	}
	s.selected = want
	s.Details.update()
	s.updateButtons()
}

// listAreaContent is the header and list (the list area shows the empty
// state instead while there are no editions).
func (s *Screen) listAreaContent() fyne.CanvasObject {
	header := shell.HeaderRow(editionColumns, lang.L("No."), lang.L("Status"), lang.L("Edition updated"), lang.L("In effect from"),
		lang.L("Prepared by"), lang.L("Draft started"), "SHA-256")
	return container.NewBorder(header, nil, nil, nil, s.List)
}

func inForceText(eds []store.Edition) string {
	for _, e := range eds {
		if e.Status == store.EditionPublished {
			return lang.L("In force: edition № {{.N}}, last updated {{.Updated}}, in effect since {{.Effective}}",
				map[string]any{"N": e.Number, "Updated": formatDate(e.UpdatedOn), "Effective": formatDate(e.EffectiveOn)})
		}
	}
	if len(eds) > 0 {
		return lang.L("No edition is in force yet")
	}
	return ""
}

func (s *Screen) onSelected(id widget.ListItemID) {
	if s.suppress || id >= len(s.Editions) {
		return
	}
	n := s.Editions[id].Number
	if s.Editor.Edition != nil && s.Editor.Edition.Number == n {
		s.selected = n
		s.Details.update()
		s.updateButtons()
		return
	}
	s.Editor.ConfirmDiscard(func() { s.open(n) }, func() {
		if s.Editor.Edition != nil {
			if i := s.indexOf(s.Editor.Edition.Number); i >= 0 {
				s.suppress = true
				s.List.Select(i)
				s.suppress = false
			}
		}
	})
}

// Open selects edition n and loads it into the editor.
func (s *Screen) Open(n int) {
	if i := s.indexOf(n); i >= 0 {
		s.List.Select(i)
	}
}

// open loads edition n into the editor.
func (s *Screen) open(n int) {
	s.selected = n
	s.updateButtons()
	s.Details.update()
	var e *store.Edition
	s.env.Run(func(ctx context.Context) error {
		var err error
		e, err = s.env.WS.PolicyEdition(ctx, n)
		return err
	}, func(err error) {
		if err != nil {
			s.env.ShowError(err)
			return
		}
		if s.selected != n {
			return // another edition was chosen meanwhile
		}
		s.Editor.SetEdition(e)
		s.TextTab.Text = lang.L("Text · № {{.N}}", map[string]any{"N": n})
		s.Tabs.Refresh()
		s.Details.update()
		s.updateButtons()
	})
}

// Selected is the selected edition (list information, no content).
func (s *Screen) Selected() (store.Edition, bool) {
	if i := s.indexOf(s.selected); i >= 0 {
		return s.Editions[i], true
	}
	return store.Edition{}, false
}

func (s *Screen) updateButtons() {
	e, ok := s.Selected()
	draft := ok && e.Status == store.EditionDraft
	setButton(s.DeleteButton, draft)
	setButton(s.PublishButton, draft)
	setButton(s.ExportButton, ok)
	_, hasFrom := s.noticeFrom(e)
	setButton(s.NoticeButton, ok && hasFrom)
	setButton(s.NewDraftButton, len(s.Editions) > 0)
}

func (s *Screen) editorChanged() {
	s.Details.update()
}
