package records

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

// row is one row of the big list: plain canvas texts in a container with
// its own layout, and state tags made only for rows that need them.
//
// Rows are cheap on purpose. A widget.Label with an ellipsis shapes its
// text again on every refresh, which dominated the cost of scrolling;
// and Fyne's list recreates rows after every garbage collection (its
// pool is a sync.Pool) while its renderer cache keeps the old ones for
// a minute. A row here is one container, five texts and no widgets;
// its texts are measured from cached character advances and shortened
// with "…" only when they do not fit.
type row struct {
	id     int // the list row shown
	box    *fyne.Container
	texts  [5]*canvas.Text
	full   [5]string
	imp    [5]widget.Importance
	fitted [5]float32 // the width each text was fitted to (-1: refit)
	width  [5]float32 // the column widths of the last layout
	tags   *fyne.Container
	badges *stateBadges // nil until a row needs a tag
}

func newRow() fyne.CanvasObject {
	r := &row{id: -1}
	objs := make([]fyne.CanvasObject, 0, 6)
	for i := range r.texts {
		t := canvas.NewText("", theme.Color(theme.ColorNameForeground))
		t.TextStyle = fyne.TextStyle{Monospace: i == 0}
		r.texts[i] = t
		r.fitted[i] = -1
		objs = append(objs, t)
	}
	r.tags = container.NewStack()
	objs = append(objs, r.tags)
	r.box = container.New(&rowLayout{r: r}, objs...)
	return r.box
}

// rowOf returns the row of a list item.
func rowOf(o fyne.CanvasObject) *row { return o.(*fyne.Container).Layout.(*rowLayout).r }

// set changes cell i's text and importance (colour).
func (r *row) set(i int, text string, imp widget.Importance) {
	if text == r.full[i] && imp == r.imp[i] {
		return
	}
	r.full[i], r.imp[i] = text, imp
	r.texts[i].Color = theme.Color(importanceColor(imp))
	r.fitted[i] = -1
	r.fit(i)
	r.texts[i].Refresh()
}

// fit shows as much of cell i's text as fits its column.
func (r *row) fit(i int) {
	w := r.width[i]
	if w == r.fitted[i] {
		return
	}
	r.fitted[i] = w
	r.texts[i].Text = fitText(r.full[i], w-2*theme.InnerPadding(), r.texts[i].TextStyle)
}

// setTags shows u's state as tags.
func (r *row) setTags(u store.UserSummary) {
	need := u.Blocked || u.State == store.StateDepersonalized || u.EntityName != ""
	if r.badges == nil {
		if !need {
			return
		}
		r.badges = newStateBadges(true)
		r.tags.Objects = []fyne.CanvasObject{r.badges.box}
	}
	if r.badges.set(u) {
		r.box.Refresh()
	}
}

// rowLayout places the texts in the list's columns, exactly as
// shell.Columns places the header's titles, without asking the texts
// for their size (which would shape them).
type rowLayout struct{ r *row }

func (l *rowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	widths := columnWidths(columns.Widths, size.Width, len(objs))
	pad := theme.Padding()
	inner := theme.InnerPadding()
	lineH := metricsFor(fyne.TextStyle{}).lineH
	x := float32(0)
	for i, o := range objs {
		if i < len(l.r.texts) {
			l.r.width[i] = widths[i]
			l.r.fit(i)
			o.Move(fyne.NewPos(x+inner, (size.Height-lineH)/2))
			o.Resize(fyne.NewSize(max(widths[i]-2*inner, 0), lineH))
		} else {
			h := min(o.MinSize().Height, size.Height)
			o.Move(fyne.NewPos(x, (size.Height-h)/2))
			o.Resize(fyne.NewSize(widths[i], h))
		}
		x += widths[i] + pad
	}
}

// MinSize is a label's height (columns shrink, so no width).
func (l *rowLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(float32(len(columns.Widths))*24, metricsFor(fyne.TextStyle{}).lineH+2*theme.InnerPadding())
}

// columnWidths is shell.Columns' rule (identifier columns kept).
func columnWidths(want []float32, total float32, n int) []float32 {
	return shell.ColumnWidths(want, columns.Keep, total, n)
}

func importanceColor(imp widget.Importance) fyne.ThemeColorName {
	switch imp {
	case widget.LowImportance:
		return theme.ColorNameDisabled
	case widget.HighImportance:
		return theme.ColorNamePrimary
	case widget.DangerImportance:
		return theme.ColorNameError
	case widget.WarningImportance:
		return theme.ColorNameWarning
	case widget.SuccessImportance:
		return theme.ColorNameSuccess
	}
	return theme.ColorNameForeground
}

// fitText returns s, or as much of it as fits in avail followed by "…".
func fitText(s string, avail float32, style fyne.TextStyle) string {
	m := metricsFor(style)
	if s == "" || m.width(s) <= avail {
		return s
	}
	if avail <= 0 {
		return ""
	}
	runes := []rune(s)
	avail -= m.advance('…')
	var used float32
	n := 0
	for n < len(runes) {
		a := m.advance(runes[n])
		if used+a > avail {
			break
		}
		used += a
		n++
	}
	return string(runes[:n]) + "…"
}

// textMetrics estimates text widths from the advances of single
// characters, each measured once: shaping every row's text again as it
// scrolls into view costs far more than the small error (no kerning)
// that a margin and the padding between columns absorb.
type textMetrics struct {
	size    float32
	adv     map[rune]float32
	lineH   float32
	style   fyne.TextStyle
	measure func(string) fyne.Size
}

var metrics = map[fyne.TextStyle]*textMetrics{}

// metricsFor returns the metrics of style at the theme's text size (UI
// goroutine only).
func metricsFor(style fyne.TextStyle) *textMetrics {
	size := theme.TextSize()
	m := metrics[style]
	if m == nil || m.size != size {
		m = &textMetrics{size: size, adv: map[rune]float32{}, style: style}
		m.measure = func(s string) fyne.Size { return fyne.MeasureText(s, size, style) }
		m.lineH = m.measure("Ag").Height
		metrics[style] = m
	}
	return m
}

func (m *textMetrics) advance(r rune) float32 {
	a, ok := m.adv[r]
	if !ok {
		a = m.measure(string(r)).Width
		m.adv[r] = a
	}
	return a
}

// width is the estimated width of s (a little more than the shaped
// width: kerning only narrows).
func (m *textMetrics) width(s string) float32 {
	var w float32
	for _, r := range s {
		w += m.advance(r)
	}
	return w
}
