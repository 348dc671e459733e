package records

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"legco.kz/compliance/store"
)

// badge is a small coloured tag (blocked, depersonalized, legal entity):
// a rounded rectangle and a text in one container.
type badge struct {
	box  *fyne.Container
	text *canvas.Text
}

// tag kinds, in display order.
const (
	tagBlocked = iota
	tagDepersonalized
	tagEntity
	tagKinds
)

func newBadge(kind int, small bool) *badge {
	var text string
	var fill, fg fyne.ThemeColorName
	switch kind {
	case tagBlocked:
		text, fill, fg = lang.L("blocked"), theme.ColorNameError, theme.ColorNameForegroundOnError
	case tagDepersonalized:
		text, fill, fg = lang.L("depersonalized"), theme.ColorNameWarning, theme.ColorNameForegroundOnWarning
	default:
		text, fill, fg = lang.L("legal entity"), theme.ColorNamePrimary, theme.ColorNameForegroundOnPrimary
	}
	bg := canvas.NewRectangle(theme.Color(fill))
	bg.CornerRadius = theme.InputRadiusSize()
	t := canvas.NewText(text, theme.Color(fg))
	t.TextStyle = fyne.TextStyle{Bold: true}
	if small {
		t.TextSize = theme.CaptionTextSize()
	}
	t.Alignment = fyne.TextAlignCenter
	return &badge{box: container.New(&padLayout{h: 6, v: 2}, bg, t), text: t}
}

// stateBadges shows a user's state as tags; each tag is made the first
// time it is needed (most list rows need none).
type stateBadges struct {
	small bool
	tags  [tagKinds]*badge
	box   *fyne.Container
}

func newStateBadges(small bool) *stateBadges {
	return &stateBadges{small: small, box: container.New(&centerRow{})}
}

// set shows u's tags; it reports whether they changed (the parent then
// lays them out again).
func (b *stateBadges) set(u store.UserSummary) bool {
	on := [tagKinds]bool{u.Blocked, u.State == store.StateDepersonalized, u.EntityName != ""}
	changed := false
	for k := range b.tags {
		x := b.tags[k]
		if x == nil {
			if !on[k] {
				continue
			}
			x = newBadge(k, b.small)
			b.tags[k] = x
			b.box.Objects = b.box.Objects[:0]
			for _, t := range b.tags {
				if t != nil {
					b.box.Objects = append(b.box.Objects, t.box)
				}
			}
			changed = true
		}
		if on[k] != x.box.Visible() {
			if on[k] {
				x.box.Show()
			} else {
				x.box.Hide()
			}
			changed = true
		}
	}
	if changed {
		b.box.Refresh()
	}
	return changed
}

// Texts are the visible tags' texts (tests).
func (b *stateBadges) Texts() []string {
	var out []string
	for _, x := range b.tags {
		if x != nil && x.box.Visible() {
			out = append(out, x.text.Text)
		}
	}
	return out
}

// padLayout stretches the first object (the background) over the whole
// box and pads the others by fixed amounts.
type padLayout struct{ h, v float32 }

func (p *padLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for i, o := range objs {
		if i == 0 {
			o.Move(fyne.NewPos(0, 0))
			o.Resize(size)
			continue
		}
		o.Move(fyne.NewPos(p.h, p.v))
		o.Resize(fyne.NewSize(size.Width-2*p.h, size.Height-2*p.v))
	}
}

func (p *padLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for i, o := range objs {
		if i > 0 {
			s = s.Max(o.MinSize())
		}
	}
	return s.Add(fyne.NewSize(2*p.h, 2*p.v))
}

// centerRow lays the visible objects out left to right at their minimum
// size, centred vertically.
type centerRow struct{}

func (centerRow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	x := float32(0)
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		o.Move(fyne.NewPos(x, (size.Height-m.Height)/2))
		o.Resize(m)
		x += m.Width + theme.Padding()
	}
}

func (centerRow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for _, o := range objs {
		m := o.MinSize()
		h = max(h, m.Height) // hidden tags count too: rows keep one height
		if o.Visible() {
			if w > 0 {
				w += theme.Padding()
			}
			w += m.Width
		}
	}
	return fyne.NewSize(w, h)
}
