package records

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// cell is a one-line text cell for the big list. A widget.Label with an
// ellipsis shapes its text again on every refresh, which dominated the
// cost of scrolling; a cell measures its text once (Fyne caches the
// measurement) and only shortens it, with "…", when it does not fit.
type cell struct {
	widget.BaseWidget
	full  string
	imp   widget.Importance
	mono  bool
	text  *canvas.Text
	box   *fyne.Container
	clip  *container.Clip
	width float32 // the width the text was fitted to (-1: refit)
}

func newCell(mono bool) *cell {
	c := &cell{mono: mono, width: -1, imp: widget.MediumImportance}
	c.text = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	c.text.TextStyle = fyne.TextStyle{Monospace: mono}
	c.box = container.New(&cellLayout{c: c}, c.text)
	c.clip = container.NewClip(c.box)
	c.ExtendBaseWidget(c)
	return c
}

// Text is the cell's whole text.
func (c *cell) Text() string { return c.full }

// set changes the text and its importance (colour).
func (c *cell) set(text string, imp widget.Importance) {
	if text == c.full && imp == c.imp {
		return
	}
	c.full, c.imp = text, imp
	c.text.Color = theme.Color(importanceColor(imp))
	c.width = -1
	c.fit(c.Size().Width)
	c.text.Refresh()
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

// fit shows as much of the text as fits in w, ending in "…" if cut.
func (c *cell) fit(w float32) {
	if w == c.width {
		return
	}
	c.width = w
	avail := w - 2*theme.InnerPadding()
	m := metricsFor(c.text.TextStyle)
	if c.full == "" || w <= 0 || m.width(c.full) <= avail {
		c.text.Text = c.full
		return
	}
	runes := []rune(c.full)
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
	c.text.Text = string(runes[:n]) + "…"
}

// textMetrics estimates text widths from the advances of single
// characters, each measured once: shaping every row's text again as it
// scrolls into view costs far more than the small error (no kerning)
// that the clip and a margin absorb.
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

// width is the estimated width of s, with a 3% margin.
func (m *textMetrics) width(s string) float32 {
	var w float32
	for _, r := range s {
		w += m.advance(r)
	}
	return w * 1.03
}

// MinSize is a label's height and no width (columns shrink).
func (c *cell) MinSize() fyne.Size {
	h := metricsFor(c.text.TextStyle).lineH + 2*theme.InnerPadding()
	return fyne.NewSize(0, h)
}

func (c *cell) CreateRenderer() fyne.WidgetRenderer { return &cellRenderer{c: c} }

type cellRenderer struct{ c *cell }

func (r *cellRenderer) Layout(s fyne.Size) {
	if r.c.width != s.Width {
		r.c.fit(s.Width)
		r.c.text.Refresh()
	}
	r.c.clip.Resize(s)
}
func (r *cellRenderer) MinSize() fyne.Size           { return r.c.MinSize() }
func (r *cellRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.c.clip} }
func (r *cellRenderer) Destroy()                     {}
func (r *cellRenderer) Refresh() {
	r.c.text.Color = theme.Color(importanceColor(r.c.imp))
	r.c.text.Refresh()
}

// cellLayout puts the text at the inner padding, centred vertically;
// the clip cuts whatever might overflow.
type cellLayout struct{ c *cell }

func (l *cellLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	h := metricsFor(l.c.text.TextStyle).lineH
	pad := theme.InnerPadding()
	for _, o := range objs {
		o.Move(fyne.NewPos(pad, (size.Height-h)/2))
		o.Resize(fyne.NewSize(max(size.Width-2*pad, 0), h))
	}
}

func (*cellLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }
