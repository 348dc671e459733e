package ui

import (
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"

	"legco.kz/compliance/ui/shell"
)

// active is the controller Start made, for Quit.
var active atomic.Pointer[controller]

var quitting atomic.Bool

// Quit ends the app from any goroutine (a SIGTERM or SIGINT handler):
// on the UI goroutine it saves what a lock would save, closes the
// workspace and stops Fyne; later UI work is dropped, so nothing reaches
// GLFW after it is terminated. A second call does nothing.
func Quit(a fyne.App) {
	if !quitting.CompareAndSwap(false, true) {
		return
	}
	done := make(chan struct{})
	// Fyne's own SIGTERM handler may have stopped the loop already: then
	// fyne.Do runs this at once, here, and Stopped runs beside it on the
	// main goroutine; shutdown's sync.Once lets only one close.
	fyne.Do(func() {
		if c := active.Load(); c != nil {
			c.shutdown()
		}
		shell.SetStopping()
		a.Quit()
		close(done)
	})
	select {
	case <-done:
	case <-time.After(10 * time.Second):
	}
}

// Stopped finishes after the run loop returned (window closed, Quit, or
// Fyne's own signal handler): later UI work is dropped and the workspace
// is closed if it is still open. Call it after ShowAndRun.
func Stopped() {
	shell.SetStopping()
	if c := active.Load(); c != nil {
		c.shutdown()
	}
}
