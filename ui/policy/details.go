package policy

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/policydoc"
	"legco.kz/compliance/ui/shell"
)

// EditionDetails describes the selected edition below the list: where it
// comes from, its dates, size, parity and hash, with shortcuts to its
// text and to the comparison with the edition in force.
type EditionDetails struct {
	widget.BaseWidget
	s *Screen

	Card                             *widget.Card
	Status, BasedOn, Author, Created *widget.Label
	Published, Updated, Effective    *widget.Label
	Clauses, Parity, SHA             *widget.Label
	OpenButton, CompareButton        *widget.Button
	content                          fyne.CanvasObject
}

func newEditionDetails(s *Screen) *EditionDetails {
	d := &EditionDetails{s: s}
	d.ExtendBaseWidget(d)
	val := func() *widget.Label {
		l := widget.NewLabel("—")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	d.Status, d.BasedOn, d.Author, d.Created = val(), val(), val(), val()
	d.Published, d.Updated, d.Effective = val(), val(), val()
	d.Clauses, d.Parity = val(), val()
	d.SHA = widget.NewLabel("—")
	d.SHA.TextStyle = fyne.TextStyle{Monospace: true}
	d.SHA.Selectable = true
	d.SHA.Wrapping = fyne.TextWrapBreak
	left := widget.NewForm(
		widget.NewFormItem(lang.L("Status"), d.Status),
		widget.NewFormItem(lang.L("Based on"), d.BasedOn),
		widget.NewFormItem(lang.L("Prepared by"), d.Author),
		widget.NewFormItem(lang.L("Draft started"), d.Created),
		widget.NewFormItem(lang.L("Publication"), d.Published))
	right := widget.NewForm(
		widget.NewFormItem(lang.L("Last updated"), d.Updated),
		widget.NewFormItem(lang.L("Takes effect on"), d.Effective),
		widget.NewFormItem(lang.L("Number of clauses"), d.Clauses),
		widget.NewFormItem(lang.L("Parity check"), d.Parity))
	d.OpenButton = widget.NewButtonWithIcon(lang.L("Open the text"), theme.DocumentCreateIcon(), func() { s.Tabs.Select(s.TextTab) })
	d.CompareButton = widget.NewButtonWithIcon(lang.L("Compare with the edition in force"), theme.ContentCopyIcon(), d.compare)
	sha := widget.NewForm(widget.NewFormItem("SHA-256", d.SHA))
	body := container.NewVBox(container.NewGridWithColumns(2, left, right), sha,
		container.NewHBox(d.OpenButton, d.CompareButton, s.NoticeButton))
	d.Card = widget.NewCard("", "", body)
	d.content = container.NewVScroll(d.Card)
	return d
}

func (d *EditionDetails) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(d.content)
}

func (d *EditionDetails) compare() {
	e, ok := d.s.Selected()
	if !ok {
		return
	}
	from := 0
	for _, x := range d.s.Editions {
		if x.Status == store.EditionPublished {
			from = x.Number
		}
	}
	if from == 0 || from == e.Number {
		from, _ = prevEdition(d.s.Editions, e.Number)
	}
	d.s.Tabs.Select(d.s.CompareTab)
	if from > 0 {
		d.s.Diff.Select(from, e.Number)
	}
}

// prevEdition is the newest edition older than n.
func prevEdition(eds []store.Edition, n int) (int, bool) {
	for _, e := range eds {
		if e.Number < n {
			return e.Number, true
		}
	}
	return 0, false
}

// update shows the selected edition.
func (d *EditionDetails) update() {
	e, ok := d.s.Selected()
	if !ok {
		d.Card.SetTitle(lang.L("No edition selected"))
		d.Card.SetSubTitle("")
		for _, l := range []*widget.Label{d.Status, d.BasedOn, d.Author, d.Created, d.Published, d.Updated, d.Effective, d.Clauses, d.Parity, d.SHA} {
			l.SetText("—")
		}
		d.OpenButton.Disable()
		d.CompareButton.Disable()
		return
	}
	d.OpenButton.Enable()
	d.CompareButton.Enable()
	// Never offer to compare an edition with itself: the edition in
	// force (or with none in force) compares with the one before it.
	inForce := 0
	for _, x := range d.s.Editions {
		if x.Status == store.EditionPublished {
			inForce = x.Number
		}
	}
	if inForce == 0 || inForce == e.Number {
		d.CompareButton.SetText(lang.L("Compare with the previous edition"))
		if _, ok := prevEdition(d.s.Editions, e.Number); !ok {
			d.CompareButton.Disable()
		}
	} else {
		d.CompareButton.SetText(lang.L("Compare with the edition in force"))
	}
	d.Card.SetTitle(lang.L("Edition № {{.N}}", map[string]any{"N": e.Number}))
	switch e.Status {
	case store.EditionDraft:
		d.Card.SetSubTitle(lang.L("Draft: can be edited, deleted or published"))
	case store.EditionPublished:
		d.Card.SetSubTitle(lang.L("The policy in force: published editions never change"))
	default:
		d.Card.SetSubTitle(lang.L("Retired: replaced by a later edition, kept unchanged for the record"))
	}
	d.Status.SetText(StatusText(e.Status))
	switch {
	case e.BasedOn > 0:
		d.BasedOn.SetText(lang.L("a copy of edition № {{.N}}", map[string]any{"N": e.BasedOn}))
	case e.Source != "":
		d.BasedOn.SetText(lang.L("imported from {{.File}}", map[string]any{"File": e.Source}))
	default:
		d.BasedOn.SetText("—")
	}
	d.Author.SetText(e.Author)
	d.Created.SetText(shell.FormatTime(d.s.env, e.CreatedAt))
	if e.PublishedAt.IsZero() {
		d.Published.SetText("—")
	} else {
		d.Published.SetText(lang.L("{{.Date}} by {{.Name}}", map[string]any{"Date": shell.FormatTime(d.s.env, e.PublishedAt), "Name": e.PublishedBy}))
	}
	d.Updated.SetText(formatDate(e.UpdatedOn))
	d.Effective.SetText(formatDate(e.EffectiveOn))
	d.SHA.SetText(e.SHA256)
	ed := d.s.Editor
	if ed.Edition != nil && ed.Edition.Number == e.Number {
		d.Clauses.SetText(fmt.Sprint(ed.Rows()))
		errs, warns := countProblems(ed.Problems())
		text := ParitySummary(errs, warns)
		if ed.Dirty() {
			text += " · " + strings.ToLower(lang.L("Unsaved changes"))
		}
		d.Parity.SetText(text)
	} else {
		d.Clauses.SetText("…")
		d.Parity.SetText("…")
	}
}

func countProblems(ps []policydoc.Problem) (errs, warns int) {
	for _, p := range ps {
		if p.Severity == policydoc.SeverityError {
			errs++
		} else {
			warns++
		}
	}
	return
}
