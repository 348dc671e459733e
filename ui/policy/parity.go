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
	onSelect func(policydoc.Problem)
	content  fyne.CanvasObject
}

// NewParityPanel builds the panel; onSelect runs when a problem is
// clicked.
func NewParityPanel(onSelect func(policydoc.Problem)) *ParityPanel {
	p := &ParityPanel{onSelect: onSelect}
	p.ExtendBaseWidget(p)
	title := widget.NewLabel(lang.L("Parity check: Russian and Kazakh"))
	title.TextStyle = fyne.TextStyle{Bold: true}
	p.Summary = widget.NewLabel("")
	p.Summary.Importance = widget.LowImportance
	p.Summary.Truncation = fyne.TextTruncateEllipsis
	p.List = widget.NewList(func() int { return len(p.Problems) },
		func() fyne.CanvasObject {
			msg := shell.CellLabel("")
			clause := shell.CellLabel("")
			clause.TextStyle = fyne.TextStyle{Bold: true}
			return container.New(parityColumns, widget.NewIcon(theme.ErrorIcon()), clause, shell.CellLabel(""), msg)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(p.Problems) {
				return
			}
			pr := p.Problems[id]
			cells := o.(*fyne.Container).Objects
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
		if id < len(p.Problems) && p.onSelect != nil {
			p.onSelect(p.Problems[id])
		}
	}
	top := container.NewBorder(nil, nil, title, nil, p.Summary)
	p.content = container.NewBorder(top, nil, nil, nil, p.List)
	return p
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
		p.Summary.SetText(lang.L("Both languages have the same clauses, lists, links, numbers, names and underlines."))
	} else {
		p.Summary.SetText(lang.L("Errors should be fixed before publication; warnings are worth a look. Click a line to go to the clause."))
	}
	p.List.UnselectAll()
	p.List.Refresh()
}

func severityRank(s policydoc.Severity) int {
	if s == policydoc.SeverityError {
		return 0
	}
	return 1
}
