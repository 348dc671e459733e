package shell

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// OverflowBar is a row of buttons that never clips and never widens the
// window: the buttons that do not fit move, in order, into a "More"
// menu at the end of the row («Экспорт privacy.pdf…» stays reachable on
// a 1024-pixel laptop). Buttons the screen hides stay hidden; other
// objects (labels, separators) are shown while they fit and dropped
// otherwise.
type OverflowBar struct {
	widget.BaseWidget
	items []fyne.CanvasObject
	// More opens the menu of the buttons that did not fit.
	More *widget.Button
	// moved are the items the bar hid for lack of space.
	moved map[fyne.CanvasObject]bool
	box   *fyne.Container
}

// NewOverflowBar makes a bar of items (usually *widget.Button).
func NewOverflowBar(items ...fyne.CanvasObject) *OverflowBar {
	b := &OverflowBar{items: items, moved: map[fyne.CanvasObject]bool{}}
	b.More = widget.NewButtonWithIcon("", theme.MoreHorizontalIcon(), b.showMenu)
	b.More.Importance = widget.LowImportance
	b.More.Hide()
	b.box = container.New(&overflowLayout{b}, append(append([]fyne.CanvasObject{}, items...), b.More)...)
	b.ExtendBaseWidget(b)
	return b
}

// SetVisible shows or hides one of the bar's items for the screen (a
// Save button of an edition that cannot be edited). Use it rather than
// the item's own Show/Hide: an item the bar has moved into the menu is
// already hidden, and a Hide on it would be undone by the bar's next
// layout.
func (b *OverflowBar) SetVisible(o fyne.CanvasObject, on bool) {
	delete(b.moved, o)
	if on {
		o.Show()
	} else {
		o.Hide()
	}
	b.box.Refresh()
}

// SetItems replaces the bar's items (a request's actions change with its
// state).
func (b *OverflowBar) SetItems(items ...fyne.CanvasObject) {
	b.items = items
	clear(b.moved)
	b.More.Hide()
	b.box.Objects = append(append([]fyne.CanvasObject{}, items...), b.More)
	b.box.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (b *OverflowBar) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(b.box) }

// Overflowed lists the buttons currently in the "More" menu (tests).
func (b *OverflowBar) Overflowed() []*widget.Button {
	var out []*widget.Button
	for _, o := range b.items {
		if btn, ok := o.(*widget.Button); ok && b.moved[o] {
			out = append(out, btn)
		}
	}
	return out
}

func (b *OverflowBar) showMenu() {
	var items []*fyne.MenuItem
	for _, btn := range b.Overflowed() {
		btn := btn
		it := fyne.NewMenuItem(btn.Text, func() {
			if btn.OnTapped != nil && !btn.Disabled() {
				btn.OnTapped()
			}
		})
		it.Icon = btn.Icon
		it.Disabled = btn.Disabled()
		items = append(items, it)
	}
	if len(items) == 0 {
		return
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(b.More)
	if c == nil {
		return
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b.More)
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu(lang.L("More"), items...), c, pos.Add(fyne.NewPos(0, b.More.Size().Height)))
}

type overflowLayout struct{ b *OverflowBar }

func (l *overflowLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	b := l.b
	for o := range b.moved {
		o.Show()
	}
	clear(b.moved)
	pad := theme.Padding()
	moreW := b.More.MinSize().Width
	var visible []fyne.CanvasObject
	for _, o := range b.items {
		if o.Visible() {
			visible = append(visible, o)
		}
	}
	x := float32(0)
	overflow := false
	for i, o := range visible {
		w := o.MinSize().Width
		need := w
		if i < len(visible)-1 {
			need += pad + moreW // room for "More" if later ones overflow
		}
		if overflow || x+need > size.Width && !(i == len(visible)-1 && x+w <= size.Width) {
			overflow = true
			b.moved[o] = true
			o.Hide()
			continue
		}
		h := min(o.MinSize().Height, size.Height)
		o.Move(fyne.NewPos(x, (size.Height-h)/2))
		o.Resize(fyne.NewSize(w, h))
		x += w + pad
	}
	if len(b.Overflowed()) > 0 {
		b.More.Show()
		h := min(b.More.MinSize().Height, size.Height)
		b.More.Move(fyne.NewPos(x, (size.Height-h)/2))
		b.More.Resize(fyne.NewSize(moreW, h))
	} else {
		b.More.Hide()
	}
}

// MinSize is as tall as the tallest item and only as wide as the "More"
// button: the bar gives way instead of widening the window.
func (l *overflowLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	h := l.b.More.MinSize().Height
	for _, o := range l.b.items {
		if o.Visible() || l.b.moved[o] {
			h = max(h, o.MinSize().Height)
		}
	}
	return fyne.NewSize(l.b.More.MinSize().Width, h)
}
