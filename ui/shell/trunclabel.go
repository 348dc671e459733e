package shell

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// TruncLabel is a one-line label cut with "…" whose full text is one tap
// away: a tap shows it whole in a pop-up (status-bar confirmations, long
// reasons). Use it wherever a cut text may hide something a reader needs.
type TruncLabel struct {
	widget.Label
	popup *widget.PopUp
}

// NewTruncLabel makes a truncating label.
func NewTruncLabel(text string) *TruncLabel {
	l := &TruncLabel{}
	l.Text = text
	l.Truncation = fyne.TextTruncateEllipsis
	l.ExtendBaseWidget(l)
	return l
}

// Cut reports whether the text is wider than the label.
func (l *TruncLabel) Cut() bool {
	if l.Text == "" {
		return false
	}
	w := fyne.MeasureText(l.Text, l.Theme().Size("text"), l.TextStyle).Width
	return w+2*l.Theme().Size("innerPadding") > l.Size().Width
}

// Tapped shows the full text when it is cut.
func (l *TruncLabel) Tapped(*fyne.PointEvent) {
	if !l.Cut() {
		return
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(l)
	if c == nil {
		return
	}
	full := widget.NewLabel(l.Text)
	full.Wrapping = fyne.TextWrapWord
	full.Selectable = true
	width := min(max(l.Size().Width, 320), c.Size().Width-20)
	l.popup = widget.NewPopUp(container.NewGridWrap(fyne.NewSize(width, full.MinSize().Height*3), full), c)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(l)
	pos.Y = max(pos.Y-full.MinSize().Height*3, 0)
	pos.X = min(pos.X, c.Size().Width-width-10)
	l.popup.ShowAtPosition(pos)
}

// FullTextShown reports whether the pop-up with the full text is open
// (tests).
func (l *TruncLabel) FullTextShown() bool { return l.popup != nil && l.popup.Visible() }
