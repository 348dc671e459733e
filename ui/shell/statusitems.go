package shell

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// StatusItem builds a small item a feature adds to the status bar (e.g.
// the requests due today and overdue). It runs on the UI goroutine at
// each unlock; the item loads its data with env.Run and may follow
// changes with env.OnChanged.
type StatusItem func(env *Env) fyne.CanvasObject

var (
	statusMu    sync.Mutex
	statusItems []StatusItem
)

// RegisterStatusItem adds an item to the status bar. Call it before
// ui.Start (e.g. from a screen package's Register).
func RegisterStatusItem(f StatusItem) {
	statusMu.Lock()
	statusItems = append(statusItems, f)
	statusMu.Unlock()
}

// StatusItems lists the registered items in registration order.
func StatusItems() []StatusItem {
	statusMu.Lock()
	defer statusMu.Unlock()
	return append([]StatusItem(nil), statusItems...)
}

// Wanter is implemented by status items that can say how wide they would
// like to be; they get that width when the bar has it, and shrink (their
// text truncating) when it has not.
type Wanter interface{ WantedWidth() float32 }

// StatusMiddle lays out the status items and the message in the bar's
// stretching middle: the items first, each at its wanted width while the
// space lasts, the message in what is left.
func StatusMiddle(items []fyne.CanvasObject, message fyne.CanvasObject) fyne.CanvasObject {
	return container.New(&middle{n: len(items)}, append(items, message)...)
}

type middle struct{ n int }

func (m *middle) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	x := float32(0)
	for i, o := range objs {
		w := size.Width - x
		if i < m.n {
			want := o.MinSize().Width
			if wt, ok := o.(Wanter); ok {
				want = max(want, wt.WantedWidth())
			}
			w = min(want, w)
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(max(w, 0), size.Height))
		x += w + theme.Padding()
	}
}

func (m *middle) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(0, h)
}
