package policy

import (
	"cmp"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store/policydoc"
	"legco.kz/compliance/ui/shell"
)

var parityColumns = &shell.Columns{Widths: []float32{28, 92, 150, 400}}

// ParityPanel lists the parity problems of the shown text (policydoc.Check:
// a clause missing in one language, differing links, numbers, names,
// underlines or final punctuation). Selecting a problem scrolls the
// editor to its clause.
type ParityPanel struct {
	widget.BaseWidget
	Summary  *widget.Label
	List     *widget.List
	Problems []policydoc.Problem
	// Detail shows the selected finding in full with its suggestion;
	// ApplyButton applies the suggestion, AcceptButton marks the finding
	// as accepted wording, GlossaryButton opens the glossary.
	Detail         *widget.Label
	ApplyButton    *widget.Button
	AcceptButton   *widget.Button
	GlossaryButton *widget.Button
	// Selected is the finding chosen in the list (nil for none).
	Selected *policydoc.Problem
	onSelect func(policydoc.Problem)
	// selectedID is the list row of Selected.
	selectedID widget.ListItemID
	editor     *Editor
	actions    *fyne.Container
	content    fyne.CanvasObject
}

// NewParityPanel builds the panel; onSelect runs when a problem is
// clicked.
func NewParityPanel(onSelect func(policydoc.Problem)) *ParityPanel {
	p := &ParityPanel{onSelect: onSelect}
	p.ExtendBaseWidget(p)
	title := widget.NewLabel(lang.L("Check: parity, terms and language"))
	title.TextStyle = fyne.TextStyle{Bold: true}
	p.Summary = widget.NewLabel("")
	p.Summary.Importance = widget.LowImportance
	p.Summary.Truncation = fyne.TextTruncateEllipsis
	p.List = widget.NewList(func() int { return len(p.Problems) },
		func() fyne.CanvasObject {
			msg := shell.CellLabel("")
			clause := shell.CellLabel("")
			clause.TextStyle = fyne.TextStyle{Bold: true}
			return newParityRow(p, container.New(parityColumns, widget.NewIcon(theme.ErrorIcon()), clause, shell.CellLabel(""), msg))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(p.Problems) {
				return
			}
			pr := p.Problems[id]
			row := o.(*parityRow)
			row.id = id
			cells := row.cells.Objects
			var icon fyne.Resource = theme.NewWarningThemedResource(theme.WarningIcon())
			if pr.Severity == policydoc.SeverityError {
				icon = theme.NewErrorThemedResource(theme.ErrorIcon())
			}
			cells[0].(*widget.Icon).SetResource(icon)
			cells[1].(*widget.Label).SetText(clauseName(pr.Clause))
			cells[2].(*widget.Label).SetText(LangText(pr.Lang))
			cells[3].(*widget.Label).SetText(problemMessage(pr))
		})
	p.List.OnSelected = func(id widget.ListItemID) {
		if id < len(p.Problems) {
			p.selectedID = id
			p.selectFinding(&p.Problems[id])
			if p.onSelect != nil {
				p.onSelect(p.Problems[id])
			}
		}
	}
	p.List.OnUnselected = func(widget.ListItemID) { p.selectFinding(nil) }
	p.Detail = widget.NewLabel("")
	p.Detail.Wrapping = fyne.TextWrapWord
	p.ApplyButton = widget.NewButtonWithIcon(lang.L("Apply suggestion"), theme.ConfirmIcon(), func() {
		if p.Selected != nil && p.editor != nil {
			p.editor.ApplySuggestion(*p.Selected)
		}
	})
	p.ApplyButton.Importance = widget.HighImportance
	p.AcceptButton = widget.NewButtonWithIcon(lang.L("Accept wording…"), theme.VisibilityOffIcon(), func() {
		if p.Selected != nil && p.editor != nil {
			p.editor.AcceptFinding(*p.Selected)
		}
	})
	p.GlossaryButton = widget.NewButtonWithIcon(lang.L("Glossary…"), theme.ListIcon(), func() {
		if p.editor != nil {
			p.editor.ShowGlossary()
		}
	})
	p.actions = container.NewBorder(widget.NewSeparator(), nil, nil, container.NewVBox(container.NewHBox(p.ApplyButton, p.AcceptButton)), p.Detail)
	p.actions.Hide()
	top := container.NewBorder(nil, nil, title, p.GlossaryButton, p.Summary)
	p.content = container.NewBorder(top, p.actions, nil, nil, p.List)
	return p
}

// parityRow is one line of the panel. A tap selects it like a list row,
// and a tap on the line already selected jumps to its clause again (the
// list alone ignores it: after scrolling the editor away, clicking the
// selected 1.6 did nothing).
type parityRow struct {
	widget.BaseWidget
	p     *ParityPanel
	id    widget.ListItemID
	cells *fyne.Container
}

func newParityRow(p *ParityPanel, cells *fyne.Container) *parityRow {
	r := &parityRow{p: p, id: -1, cells: cells}
	r.ExtendBaseWidget(r)
	return r
}

func (r *parityRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.cells) }

// Tapped implements fyne.Tappable.
func (r *parityRow) Tapped(*fyne.PointEvent) {
	p := r.p
	if r.id < 0 || r.id >= len(p.Problems) {
		return
	}
	if p.Selected != nil && p.selectedID == r.id {
		if p.onSelect != nil {
			p.onSelect(p.Problems[r.id])
		}
		return
	}
	p.List.Select(r.id)
}

// setActions shows the buttons the editor's role and edition allow.
func (p *ParityPanel) setActions() {
	p.selectFinding(p.Selected)
}

// selectFinding shows a finding's detail and the actions it allows: a
// suggestion can be applied and a finding accepted only in a draft the
// role may edit.
func (p *ParityPanel) selectFinding(f *policydoc.Problem) {
	p.Selected = f
	if f == nil {
		if p.actions.Visible() {
			p.actions.Hide()
			p.Refresh() // the list takes the freed height
		}
		return
	}
	text := clauseName(f.Clause)
	if f.Lang != "" {
		text += " · " + LangText(f.Lang)
	}
	text += ": " + problemMessage(*f)
	if f.Fix != nil {
		sug := f.Fix.Text
		if sug == "" {
			sug = lang.L("(remove)")
		}
		text += "\n" + lang.L("Suggestion: «{{.Found}}» → «{{.Fix}}»", map[string]any{"Found": f.Found, "Fix": sug})
	}
	p.Detail.SetText(text)
	editable := p.editor != nil && p.editor.Edition != nil && !p.editor.ReadOnly
	setButton(p.ApplyButton, editable && f.Fix != nil)
	setButton(p.AcceptButton, editable && f.Severity != policydoc.SeverityError)
	if !p.actions.Visible() {
		p.actions.Show()
		p.Refresh()
	}
}

func (p *ParityPanel) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(p.content)
}

// SetProblems shows a new result of the check: errors first, then
// warnings, each in document order.
func (p *ParityPanel) SetProblems(ps []policydoc.Problem) {
	ps = slices.Clone(ps)
	slices.SortStableFunc(ps, func(a, b policydoc.Problem) int {
		return cmp.Compare(severityRank(a.Severity), severityRank(b.Severity))
	})
	p.Problems = ps
	errs := 0
	for _, pr := range ps {
		if pr.Severity == policydoc.SeverityError {
			errs++
		}
	}
	if len(ps) == 0 {
		p.Summary.SetText(lang.L("Both languages have the same clauses, lists, links, numbers, names and underlines, and use the glossary's terms."))
	} else {
		p.Summary.SetText(lang.L("Errors should be fixed before publication; warnings are worth a look. Click a line to go to the clause."))
	}
	p.List.UnselectAll()
	p.selectFinding(nil)
	p.List.Refresh()
}

func severityRank(s policydoc.Severity) int {
	if s == policydoc.SeverityError {
		return 0
	}
	return 1
}
