package ui

import (
	"fmt"
	"hash/fnv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/ui/shell"
)

// idleTracker locks the workstation after a time without activity.
//
// Fyne has no global input hook: pointer events go to the object under
// the pointer, keys to the focused widget. Activity is therefore seen in
// three ways, none of which disturbs the widgets:
//   - a transparent overlay over the main view takes the first pointer
//     movement or scroll after it is armed, records it and steps aside
//     (Hide) for rearm; then it comes back. At most one hover or scroll
//     event per rearm period is absorbed, the hover of the widget under
//     the pointer resumes with the next movement, and clicks always pass
//     through (the overlay is not tappable);
//   - keys typed while nothing has the focus (the canvas's key hooks);
//   - a fingerprint of the focused widget (and, for an entry, of its text
//     and cursor) and of the open dialogs, compared at every tick: typing
//     into a field or opening a dialog changes it.
//
// Everything but the ticker goroutine runs on the UI goroutine.
type idleTracker struct {
	win     fyne.Window
	onIdle  func()
	overlay *activityOverlay

	timeout    time.Duration
	tick       time.Duration
	rearm      time.Duration
	last       time.Time
	disarmedAt time.Time
	fp         uint64
	stopCh     chan struct{}
	stopped    bool
}

func newIdleTracker(win fyne.Window, onIdle func()) *idleTracker {
	t := &idleTracker{win: win, onIdle: onIdle, last: time.Now()}
	t.overlay = newActivityOverlay(t.pointer)
	if dc, ok := win.Canvas().(desktop.Canvas); ok {
		dc.SetOnKeyDown(func(*fyne.KeyEvent) { t.touch() })
	} else {
		win.Canvas().SetOnTypedKey(func(*fyne.KeyEvent) { t.touch() })
	}
	win.Canvas().SetOnTypedRune(func(rune) { t.touch() })
	return t
}

// wrap puts the activity overlay over content.
func (t *idleTracker) wrap(content fyne.CanvasObject) fyne.CanvasObject {
	return container.NewStack(content, t.overlay)
}

// start (re)starts the countdown with timeout d.
func (t *idleTracker) start(d time.Duration) {
	if t.stopped {
		return
	}
	if t.stopCh != nil {
		close(t.stopCh)
	}
	t.timeout = d
	t.tick = clamp(d/20, 20*time.Millisecond, time.Second)
	t.rearm = clamp(d/8, 20*time.Millisecond, 10*time.Second)
	t.last = time.Now()
	stop := make(chan struct{})
	t.stopCh = stop
	tick := t.tick
	go func() {
		tk := time.NewTicker(tick)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tk.C:
				shell.Do(func() {
					select {
					case <-stop:
					default:
						t.check()
					}
				})
			}
		}
	}()
}

func clamp(d, lo, hi time.Duration) time.Duration {
	return max(lo, min(d, hi))
}

// stop ends the countdown for good.
func (t *idleTracker) stop() {
	if t.stopped {
		return
	}
	t.stopped = true
	if t.stopCh != nil {
		close(t.stopCh)
		t.stopCh = nil
	}
	if dc, ok := t.win.Canvas().(desktop.Canvas); ok {
		dc.SetOnKeyDown(nil)
	} else {
		t.win.Canvas().SetOnTypedKey(nil)
	}
	t.win.Canvas().SetOnTypedRune(nil)
}

// touch records activity now.
func (t *idleTracker) touch() { t.last = time.Now() }

func (t *idleTracker) pointer() {
	t.touch()
	t.disarmedAt = time.Now()
	t.overlay.Hide()
}

func (t *idleTracker) check() {
	if t.stopped {
		return
	}
	if fp := t.fingerprint(); fp != t.fp {
		t.fp = fp
		t.touch()
	}
	if !t.overlay.Visible() && time.Since(t.disarmedAt) >= t.rearm {
		t.overlay.Show()
	}
	if t.timeout > 0 && time.Since(t.last) >= t.timeout {
		t.stop()
		t.onIdle()
	}
}

// fingerprint summarises the focus and open dialogs. It is hashed: a
// focused passphrase entry's text must not be kept around.
func (t *idleTracker) fingerprint() uint64 {
	c := t.win.Canvas()
	h := fnv.New64a()
	f := c.Focused()
	fmt.Fprintf(h, "%p|%d|", f, len(c.Overlays().List()))
	if e, ok := f.(*widget.Entry); ok {
		fmt.Fprintf(h, "%d|%d|%s", e.CursorRow, e.CursorColumn, e.Text)
	}
	return h.Sum64()
}

// activityOverlay is transparent; it only notices the pointer.
type activityOverlay struct {
	widget.BaseWidget
	onActivity func()
}

func newActivityOverlay(onActivity func()) *activityOverlay {
	o := &activityOverlay{onActivity: onActivity}
	o.ExtendBaseWidget(o)
	return o
}

func (o *activityOverlay) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout())
}

// MouseIn implements desktop.Hoverable.
func (o *activityOverlay) MouseIn(*desktop.MouseEvent) { o.onActivity() }

// MouseMoved implements desktop.Hoverable.
func (o *activityOverlay) MouseMoved(*desktop.MouseEvent) { o.onActivity() }

// MouseOut implements desktop.Hoverable.
func (o *activityOverlay) MouseOut() {}

// Scrolled implements fyne.Scrollable.
func (o *activityOverlay) Scrolled(*fyne.ScrollEvent) { o.onActivity() }
