package shell

import "fyne.io/fyne/v2"

// WidthWatch is a layout that stretches its objects over each other and
// calls OnWidth when its width changes: the policy editor's row heights
// and the status bar's narrow form depend on the width.
type WidthWatch struct {
	last    float32
	OnWidth func(w float32)
}

// Layout implements fyne.Layout.
func (l *WidthWatch) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if size.Width != l.last && size.Width > 0 {
		l.last = size.Width
		l.OnWidth(size.Width)
	}
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// MinSize implements fyne.Layout.
func (l *WidthWatch) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}
