package shell

import (
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
)

// Dispatcher runs functions on the UI goroutine. The default is Fyne's
// (fyne.Do / fyne.DoAndWait); UI tests install one that runs them on the
// test goroutine (see ui/internal/uitest), so that widgets are only ever
// touched from one goroutine.
type Dispatcher interface {
	Do(f func(), wait bool)
}

var (
	dispatchMu sync.RWMutex
	dispatcher Dispatcher
	busy       atomic.Int64
)

// SetDispatcher replaces the dispatcher (nil = Fyne's) and returns a
// function that restores the previous one. Tests only.
func SetDispatcher(d Dispatcher) (restore func()) {
	dispatchMu.Lock()
	prev := dispatcher
	dispatcher = d
	dispatchMu.Unlock()
	return func() {
		dispatchMu.Lock()
		dispatcher = prev
		dispatchMu.Unlock()
	}
}

func current() Dispatcher {
	dispatchMu.RLock()
	defer dispatchMu.RUnlock()
	return dispatcher
}

// Do runs f on the UI goroutine and returns at once. Use it instead of
// fyne.Do in the workstation's screens.
func Do(f func()) {
	if d := current(); d != nil {
		d.Do(f, false)
		return
	}
	if stopping.Load() {
		return // after the app stopped, fyne.Do would run f here, on GLFW that is gone
	}
	fyne.Do(f)
}

var stopping atomic.Bool

// SetStopping makes Do and DoAndWait drop work from now on: the app is
// quitting, and widget updates would reach a terminated GLFW.
func SetStopping() { stopping.Store(true) }

// DoAndWait runs f on the UI goroutine and waits for it. Never call it
// on the UI goroutine.
func DoAndWait(f func()) {
	if d := current(); d != nil {
		d.Do(f, true)
		return
	}
	if stopping.Load() {
		return
	}
	fyne.DoAndWait(f)
}

// Background runs f on a new goroutine counted by Busy.
func Background(f func()) {
	busy.Add(1)
	go func() {
		defer busy.Add(-1)
		f()
	}()
}

// Busy is the number of Background goroutines still running (tests use it
// to wait until the UI has settled).
func Busy() int64 { return busy.Load() }
