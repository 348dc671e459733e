package policy

import (
	"context"
	"strings"

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

var glossaryColumns = &shell.Columns{Widths: []float32{150, 90, 260, 260}}

// GlossaryEditor lists the terminology glossary the check uses; the legal
// team adds, changes and removes entries (each change audited).
type GlossaryEditor struct {
	widget.BaseWidget
	env     *shell.Env
	Entries []policydoc.GlossaryEntry
	List    *widget.List
	// AddButton, EditButton, RemoveButton are nil for roles that may not
	// edit.
	AddButton, EditButton, RemoveButton *widget.Button
	selected                            int
	onChange                            func()
	content                             fyne.CanvasObject
}

func kindText(k policydoc.GlossaryKind) string {
	switch k {
	case policydoc.GlossaryLaw:
		return lang.L("Law 94-V")
	case policydoc.GlossaryPolicy:
		return lang.L("Policy")
	case policydoc.GlossaryDocType:
		return lang.L("Document kind")
	case policydoc.GlossaryVocab:
		return lang.L("Vocabulary")
	}
	return string(k)
}

// NewGlossaryEditor builds the editor; onChange runs after a stored change.
func NewGlossaryEditor(env *shell.Env, onChange func()) *GlossaryEditor {
	g := &GlossaryEditor{env: env, selected: -1, onChange: onChange}
	g.ExtendBaseWidget(g)
	g.List = widget.NewList(func() int { return len(g.Entries) },
		func() fyne.CanvasObject {
			id := shell.CellLabel("")
			id.TextStyle = fyne.TextStyle{Bold: true}
			return container.New(glossaryColumns, id, shell.CellLabel(""), shell.CellLabel(""), shell.CellLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(g.Entries) {
				return
			}
			e := g.Entries[i]
			c := o.(*fyne.Container).Objects
			c[0].(*widget.Label).SetText(e.ID)
			c[1].(*widget.Label).SetText(kindText(e.Kind))
			c[2].(*widget.Label).SetText(strings.Join(e.RU, " | "))
			kk := strings.Join(e.KK, " | ")
			if e.OneWay {
				kk += " (RU→KK)"
			}
			c[3].(*widget.Label).SetText(kk)
		})
	g.List.OnSelected = func(i widget.ListItemID) { g.selected = i; g.buttons() }
	g.List.OnUnselected = func(widget.ListItemID) { g.selected = -1; g.buttons() }
	mk := func(s string) *widget.Label {
		l := shell.CellLabel(s)
		l.TextStyle = fyne.TextStyle{Bold: true}
		return l
	}
	header := container.New(glossaryColumns, mk(lang.L("Term")), mk(lang.L("Kind")), mk(lang.L("Russian forms")), mk(lang.L("Accepted Kazakh forms")))
	intro := widget.NewLabel(lang.L("A clause whose Russian text uses a term and whose Kazakh text has none of its accepted forms gets a warning, and the other way round. Forms match by stem: inflected forms count."))
	intro.Wrapping = fyne.TextWrapWord
	intro.Importance = widget.LowImportance
	var bar []fyne.CanvasObject
	if env.Can(store.PermPolicyEdit) {
		g.AddButton = widget.NewButtonWithIcon(lang.L("Add term…"), theme.ContentAddIcon(), func() { g.edit(nil) })
		g.AddButton.Importance = widget.HighImportance
		g.EditButton = widget.NewButtonWithIcon(lang.L("Change…"), theme.DocumentCreateIcon(), func() {
			if g.selected >= 0 && g.selected < len(g.Entries) {
				e := g.Entries[g.selected]
				g.edit(&e)
			}
		})
		g.RemoveButton = widget.NewButtonWithIcon(lang.L("Remove…"), theme.DeleteIcon(), g.remove)
		g.RemoveButton.Importance = widget.DangerImportance
		bar = append(bar, g.AddButton, g.EditButton, g.RemoveButton)
	} else {
		bar = append(bar, note(lang.L("Your role can read the glossary but not change it.")))
	}
	g.content = container.NewBorder(container.NewVBox(intro, container.NewHBox(bar...), header), nil, nil, nil, g.List)
	g.buttons()
	g.Reload()
	return g
}

func (g *GlossaryEditor) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(g.content)
}

func (g *GlossaryEditor) buttons() {
	if g.EditButton == nil {
		return
	}
	on := g.selected >= 0 && g.selected < len(g.Entries)
	setButton(g.EditButton, on)
	setButton(g.RemoveButton, on)
}

// Reload reads the glossary in force off the UI goroutine.
func (g *GlossaryEditor) Reload() {
	var gl *policydoc.Glossary
	g.env.Run(func(ctx context.Context) error {
		var err error
		gl, err = g.env.WS.PolicyGlossary(ctx)
		return err
	}, func(err error) {
		if err != nil {
			g.env.ShowError(err)
			return
		}
		es := append([]policydoc.GlossaryEntry(nil), gl.Entries...)
		policydoc.SortEntries(es)
		g.Entries = es
		g.List.UnselectAll()
		g.selected = -1
		g.List.Refresh()
		g.buttons()
	})
}

func splitForms(s string) []string {
	var out []string
	for _, f := range strings.Split(s, "|") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// edit opens the form for a new entry (e nil) or a change.
func (g *GlossaryEditor) edit(e *policydoc.GlossaryEntry) {
	id := widget.NewEntry()
	id.SetPlaceHolder("depersonalization")
	id.Validator = required(lang.L("Term"))
	kinds := []policydoc.GlossaryKind{policydoc.GlossaryLaw, policydoc.GlossaryPolicy, policydoc.GlossaryDocType, policydoc.GlossaryVocab}
	var names []string
	for _, k := range kinds {
		names = append(names, kindText(k))
	}
	kind := widget.NewSelect(names, nil)
	kind.SetSelectedIndex(1)
	ru := widget.NewEntry()
	ru.SetPlaceHolder("обезличивание | обезличенные")
	ru.Validator = required(lang.L("Russian forms"))
	kk := widget.NewEntry()
	kk.SetPlaceHolder("иесіздендіру | иесіздендірілген")
	kk.Validator = required(lang.L("Accepted Kazakh forms"))
	source := widget.NewEntry()
	oneway := widget.NewCheck(lang.L("Check Russian → Kazakh only (the Kazakh word has other senses)"), nil)
	reason := widget.NewEntry()
	reason.Validator = required(lang.L("Reason"))
	title := lang.L("Add term")
	if e != nil {
		title = lang.L("Change term «{{.ID}}»", map[string]any{"ID": e.ID})
		id.SetText(e.ID)
		id.Disable()
		for i, k := range kinds {
			if k == e.Kind {
				kind.SetSelectedIndex(i)
			}
		}
		ru.SetText(strings.Join(e.RU, " | "))
		kk.SetText(strings.Join(e.KK, " | "))
		source.SetText(e.Source)
		oneway.SetChecked(e.OneWay)
	}
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Term"), id),
		widget.NewFormItem(lang.L("Kind"), kind),
		widget.NewFormItem(lang.L("Russian forms"), ru),
		widget.NewFormItem(lang.L("Accepted Kazakh forms"), kk),
		widget.NewFormItem(lang.L("Source"), source),
		widget.NewFormItem("", oneway),
		widget.NewFormItem(lang.L("Reason"), reason),
		widget.NewFormItem("", container.NewVBox(note(lang.L("Separate forms with «|». Give base forms; inflected forms match by stem.")), shell.MinWidth(520))),
	}
	dialog.ShowForm(title, lang.L("Save"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		ne := policydoc.GlossaryEntry{ID: strings.TrimSpace(id.Text), Kind: kinds[max(kind.SelectedIndex(), 0)],
			RU: splitForms(ru.Text), KK: splitForms(kk.Text), Source: strings.TrimSpace(source.Text), OneWay: oneway.Checked}
		why := strings.TrimSpace(reason.Text)
		g.env.Run(func(ctx context.Context) error {
			return g.env.WS.PutGlossaryEntry(ctx, ne, why)
		}, func(err error) {
			if err != nil {
				g.env.ShowError(translateStoreError(err))
				return
			}
			g.env.Notify(lang.L("Glossary entry «{{.ID}}» saved.", map[string]any{"ID": ne.ID}))
			g.Reload()
			if g.onChange != nil {
				g.onChange()
			}
		})
	}, g.env.Window)
}

func (g *GlossaryEditor) remove() {
	if g.selected < 0 || g.selected >= len(g.Entries) {
		return
	}
	e := g.Entries[g.selected]
	reason := widget.NewEntry()
	reason.Validator = required(lang.L("Reason"))
	items := []*widget.FormItem{widget.NewFormItem(lang.L("Reason"), reason)}
	dialog.ShowForm(lang.L("Remove term «{{.ID}}»", map[string]any{"ID": e.ID}), lang.L("Remove"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		why := strings.TrimSpace(reason.Text)
		g.env.Run(func(ctx context.Context) error {
			return g.env.WS.RemoveGlossaryEntry(ctx, e.ID, why)
		}, func(err error) {
			if err != nil {
				g.env.ShowError(translateStoreError(err))
				return
			}
			g.Reload()
			if g.onChange != nil {
				g.onChange()
			}
		})
	}, g.env.Window)
}

// ShowGlossary opens the glossary in a window-sized dialog; a change
// re-runs the check.
func (ed *Editor) ShowGlossary() {
	g := NewGlossaryEditor(ed.env, ed.loadLexicon)
	d := dialog.NewCustom(lang.L("Terminology glossary"), lang.L("Close"), g, ed.env.Window)
	sz := ed.env.Window.Canvas().Size()
	d.Resize(fyne.NewSize(min(sz.Width-40, 900), min(sz.Height-40, 620)))
	d.Show()
}
