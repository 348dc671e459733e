package policy

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/policydoc"
)

// DiffView compares two editions clause by clause and word by word, in
// both languages: insertions green and underlined, deletions red and
// struck through; clauses added, removed or moved are marked.
type DiffView struct {
	widget.BaseWidget
	scr *Screen

	From, To *widget.Select
	Swap     *widget.Button
	Summary  *widget.Label
	// Changes is the last comparison.
	Changes []policydoc.ClauseChange
	// Blocks holds one block per change, in order (tests).
	Blocks []*DiffBlock

	editions []store.Edition
	box      *fyne.Container
	scroll   *container.Scroll
	content  fyne.CanvasObject
	updating bool
	// userChose: the user picked the editions (kept across reloads
	// until an edition is added or deleted).
	userChose bool
	seq       int
}

// NewDiffView builds the comparison tab of the screen.
func NewDiffView(scr *Screen) *DiffView {
	v := &DiffView{scr: scr}
	v.ExtendBaseWidget(v)
	v.From = widget.NewSelect(nil, func(string) { v.selectionChanged() })
	v.To = widget.NewSelect(nil, func(string) { v.selectionChanged() })
	v.Swap = widget.NewButton(lang.L("Swap"), func() {
		a, b := v.From.SelectedIndex(), v.To.SelectedIndex()
		v.updating = true
		v.From.SetSelectedIndex(b)
		v.To.SetSelectedIndex(a)
		v.updating = false
		v.userChose = true
		v.Compute()
	})
	v.Summary = widget.NewLabel("")
	v.Summary.Wrapping = fyne.TextWrapWord
	// The two choices share what the labels and Swap leave (two fixed
	// 210-px choices made the tab 850 px wide in Russian).
	pick := container.NewBorder(nil, nil, nil, v.Swap, container.NewGridWithColumns(2,
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("Compare edition")), nil, v.From),
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("with edition")), nil, v.To)))
	legend := container.NewHBox(
		legendText(underline(lang.L("inserted words")), theme.ColorNameSuccess, fyne.TextStyle{Bold: true}),
		legendText(strikeThrough(lang.L("deleted words")), theme.ColorNameError, fyne.TextStyle{}),
		legendText(lang.L("unchanged language"), theme.ColorNamePlaceHolder, fyne.TextStyle{}))
	header := container.NewStack(canvasRect(theme.ColorNameHeaderBackground), container.NewGridWithColumns(2,
		boldLabel(lang.L("Russian text")+" · RU"), boldLabel(lang.L("Kazakh text")+" · KK")))
	v.box = container.NewVBox()
	v.scroll = container.NewVScroll(v.box)
	// The summary has the whole width: beside the legend it wrapped into
	// a row one line high and was cut («…с редакцией № 2: тексты совп»).
	top := container.NewVBox(pick, v.Summary, legend, header)
	v.content = container.NewBorder(top, nil, nil, nil, v.scroll)
	return v
}

func (v *DiffView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(v.content) }

func boldLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.TextStyle = fyne.TextStyle{Bold: true}
	return l
}

func legendText(s string, c fyne.ThemeColorName, style fyne.TextStyle) fyne.CanvasObject {
	return widget.NewRichText(&widget.TextSegment{Text: s, Style: widget.RichTextStyle{ColorName: c, TextStyle: style, Inline: true}})
}

// editionOption names an edition in the selectors.
func editionOption(e store.Edition) string {
	return lang.L("№ {{.N}} · {{.Status}}", map[string]any{"N": e.Number, "Status": StatusText(e.Status)})
}

// SetEditions refreshes the selectors; the defaults are the newest draft
// against the edition in force (or the two newest editions).
func (v *DiffView) SetEditions(eds []store.Edition) {
	keepFrom, keepTo := v.selected(v.From), v.selected(v.To)
	if !sameNumbers(v.editions, eds) {
		v.userChose = false // a new or deleted edition: back to the defaults
	}
	v.editions = eds
	opts := make([]string, len(eds))
	for i, e := range eds {
		opts[i] = editionOption(e)
	}
	v.updating = true
	defer func() { v.updating = false }()
	v.From.SetOptions(opts)
	v.To.SetOptions(opts)
	from, to := v.index(keepFrom), v.index(keepTo)
	if from < 0 || to < 0 || !v.userChose {
		from, to = DefaultPair(eds)
	}
	v.From.ClearSelected()
	v.To.ClearSelected()
	if from >= 0 {
		v.From.SetSelectedIndex(from)
	}
	if to >= 0 {
		v.To.SetSelectedIndex(to)
	}
}

// DefaultPair picks the editions to compare by default (indexes into
// eds, newest first): the newest draft against the edition in force;
// without a draft, the edition in force against the one before it.
func DefaultPair(eds []store.Edition) (from, to int) {
	from, to = -1, -1
	for i, e := range eds {
		if e.Status == store.EditionDraft && to < 0 {
			to = i
		}
		if e.Status == store.EditionPublished && from < 0 {
			from = i
		}
	}
	switch {
	case len(eds) == 0:
		return -1, -1
	case to >= 0 && from >= 0:
		return from, to
	case to >= 0: // drafts only: the newest against the one before
		return min(to+1, len(eds)-1), to
	case from >= 0:
		return min(from+1, len(eds)-1), from
	}
	return min(1, len(eds)-1), 0
}

// Select sets the two editions by number and compares them.
func (v *DiffView) Select(from, to int) {
	v.updating = true
	if i := v.index(from); i >= 0 {
		v.From.SetSelectedIndex(i)
	}
	if i := v.index(to); i >= 0 {
		v.To.SetSelectedIndex(i)
	}
	v.updating = false
	v.userChose = true
	v.Compute()
}

func (v *DiffView) index(number int) int {
	for i, e := range v.editions {
		if e.Number == number {
			return i
		}
	}
	return -1
}

func (v *DiffView) selected(s *widget.Select) int {
	if i := s.SelectedIndex(); i >= 0 && i < len(v.editions) {
		return v.editions[i].Number
	}
	return 0
}

func (v *DiffView) selectionChanged() {
	if !v.updating {
		v.userChose = true
		v.Compute()
	}
}

func sameNumbers(a, b []store.Edition) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Number != b[i].Number {
			return false
		}
	}
	return true
}

// Compute loads the two selected editions and shows their differences.
// The edition open in the editor is compared with its unsaved changes.
func (v *DiffView) Compute() {
	a, b := v.selected(v.From), v.selected(v.To)
	if a == 0 || b == 0 {
		v.show(nil, nil, 0, 0, false)
		return
	}
	v.seq++
	seq := v.seq
	ed := v.scr.Editor
	var unsaved bool
	var local [2]*policydoc.Document
	for i, n := range []int{a, b} {
		if ed.Edition != nil && ed.Edition.Number == n {
			local[i] = ed.CheckDocument()
			unsaved = unsaved || ed.Dirty()
		}
	}
	var docs [2]*policydoc.Document
	env := v.scr.env
	env.Run(func(ctx context.Context) error {
		for i, n := range []int{a, b} {
			if local[i] != nil {
				docs[i] = local[i]
				continue
			}
			e, err := env.WS.PolicyEdition(ctx, n)
			if err != nil {
				return err
			}
			docs[i] = e.Doc
		}
		return nil
	}, func(err error) {
		if seq != v.seq {
			return // a newer comparison was started
		}
		if err != nil {
			env.ShowError(err)
			return
		}
		v.show(docs[0], docs[1], a, b, unsaved)
	})
}

func (v *DiffView) show(a, b *policydoc.Document, na, nb int, unsaved bool) {
	v.box.RemoveAll()
	v.Blocks = nil
	v.Changes = nil
	if a == nil || b == nil {
		v.Summary.SetText(lang.L("Choose two editions to compare."))
		v.box.Refresh()
		return
	}
	v.Changes = policydoc.Diff(a, b)
	count := map[policydoc.ChangeKind]int{}
	for _, c := range v.Changes {
		count[c.Kind]++
	}
	summary := lang.L("Edition № {{.From}} compared with edition № {{.To}}: ", map[string]any{"From": na, "To": nb})
	if len(v.Changes) == 0 {
		summary += lang.L("the texts are identical.")
	} else {
		summary += lang.N("{{.Count}} clause differs", len(v.Changes), map[string]any{"Count": len(v.Changes)}) + " (" +
			lang.L("added {{.Added}}, removed {{.Removed}}, changed {{.Changed}}, moved {{.Moved}}",
				map[string]any{"Added": count[policydoc.Added], "Removed": count[policydoc.Removed], "Changed": count[policydoc.Changed], "Moved": count[policydoc.Moved]}) + ")."
	}
	if unsaved {
		summary += " " + lang.L("The edition open in the editor is compared with its unsaved changes.")
	}
	v.Summary.SetText(summary)
	for _, c := range v.Changes {
		blk := newDiffBlock(c)
		v.Blocks = append(v.Blocks, blk)
		v.box.Add(blk)
	}
	v.box.Refresh()
	v.scroll.ScrollToTop()
}

// DiffBlock shows one changed clause.
type DiffBlock struct {
	widget.BaseWidget
	Change policydoc.ClauseChange
	Badge  *badge
	Key    *widget.Label
	Notes  *widget.Label
	Text   [2]*widget.RichText
	obj    fyne.CanvasObject
}

// ChangeText names a kind of change in the UI language.
func ChangeText(k policydoc.ChangeKind) string {
	switch k {
	case policydoc.Added:
		return lang.L("Added clause")
	case policydoc.Removed:
		return lang.L("Removed clause")
	case policydoc.Moved:
		return lang.L("Moved clause")
	}
	return lang.L("Changed clause")
}

func changeColor(k policydoc.ChangeKind) fyne.ThemeColorName {
	switch k {
	case policydoc.Added:
		return theme.ColorNameSuccess
	case policydoc.Removed:
		return theme.ColorNameError
	case policydoc.Moved:
		return theme.ColorNamePrimary
	}
	return theme.ColorNameWarning
}

func newDiffBlock(c policydoc.ClauseChange) *DiffBlock {
	b := &DiffBlock{Change: c}
	b.ExtendBaseWidget(b)
	b.Badge = newBadge(ChangeText(c.Kind), changeColor(c.Kind))
	key := c.NewKey
	switch c.Kind {
	case policydoc.Removed:
		key = c.OldKey
	case policydoc.Moved:
		if c.OldKey != c.NewKey {
			key = lang.L("{{.New}} (was {{.Old}})", map[string]any{"New": c.NewKey, "Old": c.OldKey})
		}
	}
	b.Key = boldLabel(lang.L("Clause {{.Clause}}", map[string]any{"Clause": clauseName(key)}))
	var notes []string
	if c.KindChanged {
		notes = append(notes, lang.L("kind was {{.Old}}, now {{.New}}", map[string]any{"Old": KindText(c.Old.Kind), "New": KindText(c.New.Kind)}))
	}
	if c.UnderlineChanged {
		notes = append(notes, lang.L("underlining changed"))
	}
	b.Notes = widget.NewLabel(strings.Join(notes, " · "))
	b.Notes.Importance = widget.LowImportance
	for i, l := range policydoc.Langs {
		b.Text[i] = widget.NewRichText(diffSegments(c, l)...)
		b.Text[i].Wrapping = fyne.TextWrapWord
	}
	head := container.NewHBox(container.NewCenter(b.Badge), b.Key, b.Notes)
	b.obj = container.NewVBox(head, container.NewGridWithColumns(2, b.Text[0], b.Text[1]), widget.NewSeparator())
	return b
}

func (b *DiffBlock) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(b.obj) }

// Plain returns the text shown for language l (0 RU, 1 KK), with
// deletions marked [-…-] and insertions {+…+} (tests).
func (b *DiffBlock) Plain(l int) string {
	var sb strings.Builder
	for _, s := range b.Text[l].Segments {
		t, ok := s.(*widget.TextSegment)
		if !ok {
			continue
		}
		switch t.Style.ColorName {
		case theme.ColorNameSuccess:
			sb.WriteString("{+" + unmark(t.Text) + "+}")
		case theme.ColorNameError:
			sb.WriteString("[-" + unmark(t.Text) + "-]")
		default:
			sb.WriteString(t.Text)
		}
	}
	return sb.String()
}

var (
	styleEqual  = widget.RichTextStyle{Inline: true, ColorName: theme.ColorNameForeground}
	styleSame   = widget.RichTextStyle{Inline: true, ColorName: theme.ColorNamePlaceHolder}
	styleInsert = widget.RichTextStyle{Inline: true, ColorName: theme.ColorNameSuccess, TextStyle: fyne.TextStyle{Bold: true}}
	styleDelete = widget.RichTextStyle{Inline: true, ColorName: theme.ColorNameError}
)

// strike is the combining long stroke overlay (U+0336) that strikes
// through the character before it, low the combining low line (U+0332)
// that underlines it; Noto Sans draws both. (fyne.TextStyle.Underline
// is not used: Fyne's test theme has no font for it.)
const (
	strike = "\u0336"
	low    = "\u0332"
)

func strikeThrough(s string) string { return mark(s, strike) }

func underline(s string) string { return mark(s, low) }

func mark(s, m string) string {
	var sb strings.Builder
	for _, r := range s {
		sb.WriteRune(r)
		if r != ' ' {
			sb.WriteString(m)
		}
	}
	return sb.String()
}

func unmark(s string) string { return strings.NewReplacer(strike, "", low, "").Replace(s) }

// diffSegments renders one language of a change as rich text segments.
func diffSegments(c policydoc.ClauseChange, l policydoc.Lang) []widget.RichTextSegment {
	seg := func(text string, st widget.RichTextStyle) widget.RichTextSegment {
		switch st.ColorName {
		case theme.ColorNameError:
			text = strikeThrough(text)
		case theme.ColorNameSuccess:
			text = underline(text)
		}
		return &widget.TextSegment{Text: text, Style: st}
	}
	switch c.Kind {
	case policydoc.Added:
		if t := c.New.Text(l); !t.IsEmpty() {
			return []widget.RichTextSegment{seg(t.Plain, styleInsert)}
		}
		return []widget.RichTextSegment{seg(lang.L("(no text in this language)"), styleSame)}
	case policydoc.Removed:
		if t := c.Old.Text(l); !t.IsEmpty() {
			return []widget.RichTextSegment{seg(t.Plain, styleDelete)}
		}
		return []widget.RichTextSegment{seg(lang.L("(no text in this language)"), styleSame)}
	}
	ops := c.RU
	if l == policydoc.KK {
		ops = c.KK
	}
	if ops == nil {
		t := c.New.Text(l)
		if t.IsEmpty() {
			return []widget.RichTextSegment{seg(lang.L("(no text in this language)"), styleSame)}
		}
		return []widget.RichTextSegment{seg(t.Plain, styleSame)}
	}
	var out []widget.RichTextSegment
	for i, op := range ops {
		st := styleEqual
		switch op.Op {
		case policydoc.OpInsert:
			st = styleInsert
		case policydoc.OpDelete:
			st = styleDelete
		}
		if i > 0 {
			out = append(out, seg(" ", styleEqual))
		}
		out = append(out, seg(op.Text, st))
	}
	return out
}
