// Package uitest runs the workstation's UI deterministically in tests:
// Install replaces the UI dispatcher so that everything the screens hand
// to the UI goroutine (shell.Do, shell.DoAndWait) runs on the test
// goroutine when the test calls Settle or Until. Widgets are then only
// touched from the test goroutine, as in the real app from the UI one.
package uitest

import (
	"testing"
	"time"

	"legco.kz/compliance/ui/shell"
)

// Loop is the test's UI goroutine.
type Loop struct {
	q chan func()
}

// Install makes the calling test's goroutine the UI goroutine until the
// test ends.
func Install(t testing.TB) *Loop {
	t.Helper()
	l := &Loop{q: make(chan func(), 4096)}
	restore := shell.SetDispatcher(l)
	t.Cleanup(restore)
	return l
}

// Do queues f; with wait it blocks until the test goroutine has run it.
func (l *Loop) Do(f func(), wait bool) {
	if !wait {
		l.q <- f
		return
	}
	done := make(chan struct{})
	l.q <- func() {
		defer close(done)
		f()
	}
	<-done
}

// pump runs every queued function; it reports whether it ran any.
func (l *Loop) pump() bool {
	ran := false
	for {
		select {
		case f := <-l.q:
			f()
			ran = true
		default:
			return ran
		}
	}
}

// Settle runs queued UI work until no background work is left and the
// queue is empty (or fails the test after a minute).
func (l *Loop) Settle(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		ran := l.pump()
		if !ran && shell.Busy() == 0 && len(l.q) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("UI did not settle: %d background tasks still running", shell.Busy())
		}
		if !ran {
			time.Sleep(2 * time.Millisecond)
		}
	}
}

// Until runs queued UI work until cond (evaluated on the test goroutine)
// holds, failing the test after timeout.
func (l *Loop) Until(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if !l.pump() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out after %s waiting for %s", timeout, what)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
}
