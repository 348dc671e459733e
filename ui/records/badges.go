package records

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"legco.kz/compliance/store"
)

// badge is a small coloured tag (blocked, depersonalized, legal entity).
type badge struct {
	box  *fyne.Container
	text *canvas.Text
}

func newBadge(text string, fill, fg fyne.ThemeColorName, small bool) *badge {
	bg := canvas.NewRectangle(theme.Color(fill))
	bg.CornerRadius = theme.InputRadiusSize()
	t := canvas.NewText(text, theme.Color(fg))
	t.TextStyle = fyne.TextStyle{Bold: true}
	if small {
		t.TextSize = theme.CaptionTextSize()
	}
	t.Alignment = fyne.TextAlignCenter
	return &badge{box: container.NewStack(bg, container.New(&padLayout{h: 6, v: 2}, t)), text: t}
}

// stateBadges shows a user's state as tags.
type stateBadges struct {
	blocked, depersonalized, entity *badge
	box                             *fyne.Container
}

func newStateBadges(small bool) *stateBadges {
	b := &stateBadges{
		blocked:        newBadge(lang.L("blocked"), theme.ColorNameError, theme.ColorNameForegroundOnError, small),
		depersonalized: newBadge(lang.L("depersonalized"), theme.ColorNameWarning, theme.ColorNameForegroundOnWarning, small),
		entity:         newBadge(lang.L("legal entity"), theme.ColorNamePrimary, theme.ColorNameForegroundOnPrimary, small),
	}
	b.box = container.New(&centerRow{}, b.blocked.box, b.depersonalized.box, b.entity.box)
	b.set(store.UserSummary{})
	return b
}

func (b *stateBadges) set(u store.UserSummary) {
	show := func(x *badge, on bool) {
		if on != x.box.Visible() {
			if on {
				x.box.Show()
			} else {
				x.box.Hide()
			}
		}
	}
	show(b.blocked, u.Blocked)
	show(b.depersonalized, u.State == store.StateDepersonalized)
	show(b.entity, u.EntityName != "")
	b.box.Refresh()
}

// Texts are the visible tags' texts (tests).
func (b *stateBadges) Texts() []string {
	var out []string
	for _, x := range []*badge{b.blocked, b.depersonalized, b.entity} {
		if x.box.Visible() {
			out = append(out, x.text.Text)
		}
	}
	return out
}

// padLayout pads a single object by fixed amounts.
type padLayout struct{ h, v float32 }

func (p *padLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(p.h, p.v))
		o.Resize(fyne.NewSize(size.Width-2*p.h, size.Height-2*p.v))
	}
}

func (p *padLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
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
