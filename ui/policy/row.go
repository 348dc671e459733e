package policy

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store/policydoc"
	"legco.kz/compliance/ui/shell"
)

// Geometry of a clause row: a coloured stripe (parity problems), the
// clause column (number, kind, actions), then the Russian and Kazakh
// texts in two equal columns.
const (
	stripeWidth = 4
	metaWidth   = 220
)

// rowLayout places [background, stripe, clause column, RU, KK].
type rowLayout struct{}

func (rowLayout) columns(width float32) (metaX, ruX, kkX, textW float32) {
	pad := theme.Padding()
	metaX = stripeWidth + pad
	ruX = metaX + metaWidth + pad
	textW = (width - ruX - 2*pad) / 2
	if textW < 40 {
		textW = 40
	}
	kkX = ruX + textW + pad
	return
}

func (l rowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	metaX, ruX, kkX, textW := l.columns(size.Width)
	pad := theme.Padding() / 2
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(size)
	objs[1].Move(fyne.NewPos(0, 0))
	objs[1].Resize(fyne.NewSize(stripeWidth, size.Height))
	objs[2].Move(fyne.NewPos(metaX, pad))
	objs[2].Resize(fyne.NewSize(metaWidth, objs[2].MinSize().Height))
	for i, x := range []float32{ruX, kkX} {
		objs[3+i].Move(fyne.NewPos(x, pad))
		objs[3+i].Resize(fyne.NewSize(textW, size.Height-2*pad))
	}
}

func (l rowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := objs[2].MinSize().Height
	for _, o := range objs[3:] {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(stripeWidth+metaWidth+200, h+theme.Padding())
}

// clauseRow widget: one clause of the editor, recycled by the list.
type rowWidget struct {
	widget.BaseWidget
	ed *Editor
	id int
	// updating is set while the row is being filled from the model, so
	// that the widgets' change callbacks do not write back.
	updating bool

	bg, stripe *canvas.Rectangle
	// Key and KindLabel show the clause in a read-only edition.
	Key, KindLabel *widget.Label
	Number         *widget.Entry
	Kind           *widget.Select
	Add            *widget.Button
	Up, Down       *widget.Button
	Remove         *widget.Button
	Texts          [2]*clauseEntry
	actions        *fyne.Container
	edit, view     *fyne.Container
	content        fyne.CanvasObject
}

func newRowWidget(ed *Editor) *rowWidget {
	r := &rowWidget{ed: ed, id: -1}
	r.bg = canvas.NewRectangle(color.Transparent)
	r.stripe = canvas.NewRectangle(color.Transparent)

	r.Number = widget.NewEntry()
	// Errors are set by hand (AlwaysShowValidationError without a
	// Validator): no green tick on every valid clause.
	r.Number.AlwaysShowValidationError = true
	r.Number.OnChanged = func(s string) {
		r.Number.SetValidationError(numberError(s))
		if !r.updating && r.id >= 0 {
			ed.numberChanged(r.id, s)
		}
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = KindText(k)
	}
	r.Kind = widget.NewSelect(names, func(string) {
		if !r.updating && r.id >= 0 {
			if i := r.Kind.SelectedIndex(); i >= 0 {
				ed.kindChanged(r.id, kinds[i])
			}
		}
	})
	icon := func(res fyne.Resource, f func(id int)) *widget.Button {
		b := widget.NewButtonWithIcon("", res, func() {
			if r.id >= 0 {
				f(r.id)
			}
		})
		b.Importance = widget.LowImportance
		return b
	}
	r.Add = icon(theme.ContentAddIcon(), ed.insertAfter)
	r.Up = icon(theme.MoveUpIcon(), func(id int) { ed.move(id, -1) })
	r.Down = icon(theme.MoveDownIcon(), func(id int) { ed.move(id, +1) })
	r.Remove = icon(theme.DeleteIcon(), ed.remove)
	r.actions = container.NewHBox(r.Add, r.Up, r.Down, r.Remove)

	for l := range r.Texts {
		e := newClauseEntry(func() {
			if r.id >= 0 {
				ed.setActive(r.id)
			}
		})
		e.AlwaysShowValidationError = true
		e.OnChanged = func(s string) {
			if !r.updating && r.id >= 0 {
				ed.textChanged(r.id, l, s)
				e.SetValidationError(textError(ed.model.rows[r.id].Err[l]))
			}
		}
		r.Texts[l] = e
	}
	numberKind := container.New(&shell.Columns{Widths: []float32{60, 156}}, r.Number, r.Kind)
	r.edit = container.NewVBox(numberKind, r.actions)
	r.actions.Hide()
	r.Key = widget.NewLabel("")
	r.Key.TextStyle = fyne.TextStyle{Bold: true}
	r.KindLabel = widget.NewLabel("")
	r.KindLabel.Importance = widget.LowImportance
	r.view = container.NewHBox(r.Key, r.KindLabel)
	r.view.Hide()
	meta := container.NewStack(r.edit, r.view)
	row := container.New(rowLayout{}, r.bg, r.stripe, meta, r.Texts[ru], r.Texts[kk])
	// Read-only texts are disabled entries; the theme keeps them legible.
	r.content = container.NewThemeOverride(row, &readableTheme{ed: ed})
	r.ExtendBaseWidget(r)
	return r
}

// clauseEntry is a clause's text entry. It tells the editor when it gets
// the focus: the clause being edited is the one row that grows to show
// its whole text (and its +, arrows and bin); the others keep two lines,
// so that six or more clauses fit a 1024×700 window.
type clauseEntry struct {
	widget.Entry
	onFocus func()
}

func newClauseEntry(onFocus func()) *clauseEntry {
	e := &clauseEntry{onFocus: onFocus}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.ExtendBaseWidget(e)
	e.SetMinRowsVisible(1)
	return e
}

// FocusGained implements fyne.Focusable.
func (e *clauseEntry) FocusGained() {
	e.Entry.FocusGained()
	if e.onFocus != nil {
		e.onFocus()
	}
}

// showActions shows the clause's +, arrows and bin (only on the clause
// being edited: a second line of buttons on every row would halve the
// clauses on screen).
func (r *rowWidget) showActions(on bool) {
	if on == r.actions.Visible() {
		return
	}
	if on {
		r.actions.Show()
	} else {
		r.actions.Hide()
	}
	r.edit.Refresh()
}

// readableTheme is the app's theme, except that in a read-only edition
// disabled text is drawn almost like normal text: the entries cannot be
// edited but the clause stays easy to read.
type readableTheme struct{ ed *Editor }

func (t *readableTheme) base() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }

func (t *readableTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.ed.ReadOnly && n == theme.ColorNameDisabled {
		c := t.base().Color(theme.ColorNameForeground, v)
		r, g, b, _ := c.RGBA()
		return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xe0}
	}
	return t.base().Color(n, v)
}

func (t *readableTheme) Font(s fyne.TextStyle) fyne.Resource     { return t.base().Font(s) }
func (t *readableTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base().Icon(n) }

// Size narrows the padding inside the row's entries and selects (8 → 4
// px): at 1024×700 that is what lets a sixth clause fit.
func (t *readableTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNameInnerPadding {
		return rowInnerPadding
	}
	return t.base().Size(n)
}

// rowInnerPadding is the padding inside a clause row's entries.
const rowInnerPadding = 4

func (r *rowWidget) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.content) }

// bind fills the row with clause id of the editor's model.
func (r *rowWidget) bind(id int) {
	ed := r.ed
	if id < 0 || id >= len(ed.model.rows) {
		return
	}
	row := ed.model.rows[id]
	r.updating = true
	defer func() { r.updating = false }()
	r.id = id
	// The row bound last to a clause is the one on screen: rows that
	// showed it before have been recycled.
	for _, o := range ed.live {
		if o != r && o.id == id {
			o.id = -1
		}
	}
	if strings.TrimSuffix(strings.TrimSpace(r.Number.Text), ".") != row.Number {
		r.Number.SetText(row.Number)
	}
	r.Number.SetPlaceHolder(ed.keyOf(id))
	for i, k := range kinds {
		if k == row.Kind && r.Kind.SelectedIndex() != i {
			r.Kind.SetSelectedIndex(i)
		}
	}
	style := textStyle(row.Kind)
	for l, e := range r.Texts {
		if e.TextStyle != style {
			e.TextStyle = style
			e.Refresh()
		}
		if e.Text != row.Src[l] {
			e.SetText(row.Src[l])
		}
		e.SetValidationError(textError(row.Err[l]))
	}
	r.Number.SetValidationError(numberError(row.Number))
	ro := ed.ReadOnly
	r.showActions(!ro && id == ed.active)
	for _, w := range []fyne.Disableable{r.Number, r.Kind, r.Texts[ru], r.Texts[kk]} {
		if ro {
			w.Disable()
		} else {
			w.Enable()
		}
	}
	r.Key.SetText(clauseName(ed.keyOf(id)))
	r.KindLabel.SetText(KindText(row.Kind))
	if ro {
		r.edit.Hide()
		r.view.Show()
	} else {
		r.view.Hide()
		r.edit.Show()
		setButton(r.Up, id > 0)
		setButton(r.Down, id < len(ed.model.rows)-1)
	}
	r.mark()
}

// mark paints the row's background by kind and its stripe by the worst
// parity problem of the clause.
func (r *rowWidget) mark() {
	if r.id < 0 || r.id >= len(r.ed.model.rows) {
		return
	}
	bg := color.Color(color.Transparent)
	switch r.ed.model.rows[r.id].Kind {
	case policydoc.KindTitle, policydoc.KindHeading:
		bg = theme.Color(theme.ColorNameHeaderBackground)
	}
	stripe := color.Color(color.Transparent)
	switch r.ed.severity[r.id] {
	case policydoc.SeverityError:
		stripe = theme.Color(theme.ColorNameError)
	case policydoc.SeverityWarning:
		stripe = theme.Color(theme.ColorNameWarning)
	}
	if r.bg.FillColor != bg {
		r.bg.FillColor = bg
		r.bg.Refresh()
	}
	if r.stripe.FillColor != stripe {
		r.stripe.FillColor = stripe
		r.stripe.Refresh()
	}
}

func textStyle(k policydoc.Kind) fyne.TextStyle {
	return fyne.TextStyle{Bold: k == policydoc.KindTitle || k == policydoc.KindHeading}
}

func setButton(b *widget.Button, on bool) {
	if b == nil {
		return
	}
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func numberError(s string) error {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if s != "" && !policydoc.ValidNumber(s) {
		return shell.UserError(lang.L("A clause number is written like 1, 1.2 or 1.2.3."))
	}
	return nil
}

func textError(err error) error {
	if err == nil {
		return nil
	}
	return shell.UserError(markupErrorText(err))
}

// markupErrorText explains a markup error in the UI language.
func markupErrorText(err error) string {
	return lang.L("Markup error ({{.Detail}}): only <u>…</u> is allowed; write &lt; for a “<” before a letter.", map[string]any{"Detail": err.Error()})
}

// heights computes row heights from the texts, so that every clause shows
// in full without scrolling inside its entry.
type heights struct {
	width  float32 // list width the heights are for
	words  [2]map[string]float32
	space  [2]float32
	base   float32 // entry height without lines
	line   float32 // height of one line of text
	minRow float32 // height of the clause column (number and kind)
	maxRow float32 // height of the clause column with its buttons
}

func (h *heights) init(template fyne.CanvasObject) {
	if h.line > 0 {
		return
	}
	// Measured under the rows' theme (their narrower padding).
	one, two := newClauseEntry(nil), newClauseEntry(nil)
	two.SetMinRowsVisible(2)
	r, isRow := template.(*rowWidget)
	if isRow {
		container.NewThemeOverride(container.NewVBox(one, two), &readableTheme{ed: r.ed})
	}
	h.line = two.MinSize().Height - one.MinSize().Height
	h.base = one.MinSize().Height - h.line
	h.minRow = template.MinSize().Height
	h.maxRow = h.minRow
	if isRow {
		r.showActions(false)
		h.minRow = template.MinSize().Height
		r.showActions(true)
		h.maxRow = template.MinSize().Height
	}
	for i := range h.words {
		h.words[i] = map[string]float32{}
		h.space[i] = fyne.MeasureText(" ", theme.TextSize(), fyne.TextStyle{Bold: i == 1}).Width
	}
}

func (h *heights) wordWidth(w string, bold bool) float32 {
	i := 0
	if bold {
		i = 1
	}
	if v, ok := h.words[i][w]; ok {
		return v
	}
	v := fyne.MeasureText(w, theme.TextSize(), fyne.TextStyle{Bold: bold}).Width
	h.words[i][w] = v
	return v
}

// lines counts the lines s takes when word-wrapped to width.
func (h *heights) lines(s string, width float32, bold bool) int {
	if width < 10 {
		width = 10
	}
	sp := h.space[0]
	if bold {
		sp = h.space[1]
	}
	n := 0
	for _, para := range strings.Split(s, "\n") {
		n++
		cur := float32(0)
		for _, w := range strings.Fields(para) {
			ww := h.wordWidth(w, bold)
			switch {
			case cur == 0:
				cur = ww
			case cur+sp+ww <= width:
				cur += sp + ww
			default:
				n++
				cur = ww
			}
			for cur > width { // a word longer than the line breaks
				n++
				cur -= width
			}
		}
	}
	return n
}

// textWidth is the width available to the text inside an entry of the
// given outer width.
func textWidth(entryWidth float32) float32 {
	inner := float32(rowInnerPadding)
	return entryWidth - 2*theme.InputBorderSize() - 2*inner - 6
}

// compactLines is how many lines of text a clause row shows when it is
// not the clause being edited (its entries scroll for the rest).
const compactLines = 2

// row returns the height of a clause row of the given model row: the
// whole text for the active clause (the one being edited, with its
// buttons), at most compactLines lines for the others.
func (h *heights) row(r clauseRow, listWidth float32, active bool) float32 {
	_, _, _, colW := rowLayout{}.columns(listWidth)
	tw := textWidth(colW)
	bold := textStyle(r.Kind).Bold
	n := max(h.lines(r.Src[ru], tw, bold), h.lines(r.Src[kk], tw, bold), 1)
	if !active {
		return max(h.base+float32(min(n, compactLines))*h.line+theme.Padding(), h.minRow)
	}
	return max(h.base+float32(n)*h.line+theme.Padding(), h.maxRow)
}
