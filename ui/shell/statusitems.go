package shell

import (
	"sync"

	"fyne.io/fyne/v2"
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
