// Package uitest runs the workstation's UI deterministically in tests:
// Install replaces the UI dispatcher so that everything the screens hand
// to the UI goroutine (shell.Do, shell.DoAndWait) runs on the test
// goroutine when the test calls Settle or Until. Widgets are then only
// touched from the test goroutine, as in the real app from the UI one.
package uitest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/keyslot"
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

// Walk calls f for o and every object below it, through containers and
// the live renderers of widgets (hidden objects included).
func Walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	f(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, child := range c.Objects {
			Walk(child, f)
		}
	case fyne.Widget:
		for _, child := range test.WidgetRenderer(c).Objects() {
			Walk(child, f)
		}
	}
}

// visible reports whether o and all its ancestors under root are visible.
func visibleUnder(root, o fyne.CanvasObject) bool {
	var path []fyne.CanvasObject
	var find func(n fyne.CanvasObject) bool
	find = func(n fyne.CanvasObject) bool {
		path = append(path, n)
		if n == o {
			return true
		}
		var kids []fyne.CanvasObject
		switch c := n.(type) {
		case *fyne.Container:
			kids = c.Objects
		case fyne.Widget:
			kids = test.WidgetRenderer(c).Objects()
		}
		for _, k := range kids {
			if find(k) {
				return true
			}
		}
		path = path[:len(path)-1]
		return false
	}
	if !find(root) {
		return false
	}
	for _, n := range path {
		if !n.Visible() {
			return false
		}
	}
	return true
}

// Roots are the canvas's content and its overlays (dialogs, pop-ups),
// topmost last.
func Roots(c fyne.Canvas) []fyne.CanvasObject {
	return append([]fyne.CanvasObject{c.Content()}, c.Overlays().List()...)
}

// Find returns the visible objects of type T on the canvas (content and
// overlays).
func Find[T fyne.CanvasObject](c fyne.Canvas) []T {
	var out []T
	for _, r := range Roots(c) {
		Walk(r, func(o fyne.CanvasObject) {
			if t, ok := o.(T); ok && visibleUnder(r, o) {
				out = append(out, t)
			}
		})
	}
	return out
}

// Button returns the visible button with exactly this text, or nil.
func Button(c fyne.Canvas, text string) *widget.Button {
	for _, b := range Find[*widget.Button](c) {
		if b.Text == text {
			return b
		}
	}
	return nil
}

// Texts lists the visible labels' and buttons' texts on the canvas.
func Texts(c fyne.Canvas) []string {
	var out []string
	for _, r := range Roots(c) {
		Walk(r, func(o fyne.CanvasObject) {
			if !visibleUnder(r, o) {
				return
			}
			switch w := o.(type) {
			case *widget.Label:
				out = append(out, w.Text)
			case *widget.Button:
				out = append(out, w.Text)
			case *widget.Card:
				out = append(out, w.Title, w.Subtitle)
			}
		})
	}
	return out
}

// HasText reports whether a visible label, button or card on the canvas
// contains sub.
func HasText(c fyne.Canvas, sub string) bool {
	for _, s := range Texts(c) {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// Workspace is a test workspace on disk.
type Workspace struct {
	Path       string
	Admin      string
	Passphrase string
	Options    store.Options
}

// NewWorkspace creates an encrypted workspace in a temporary folder with
// one admin ("Админ", passphrase "correct horse") and cheap key slots;
// demo marks it as a demo workspace. It is closed again: tests unlock it.
// More staff can be added with add (may be nil) while it is open.
func NewWorkspace(t testing.TB, demo bool, add func(w *store.Workspace)) Workspace {
	t.Helper()
	ws := Workspace{
		Path:       filepath.Join(t.TempDir(), "workspace.db"),
		Admin:      "Админ",
		Passphrase: "correct horse",
		Options:    store.Options{KDF: keyslot.TestParams},
	}
	w, err := store.Create(context.Background(), ws.Path, ws.Admin, []byte(ws.Passphrase), store.Options{KDF: keyslot.TestParams, Demo: demo})
	if err != nil {
		t.Fatal(err)
	}
	if add != nil {
		add(w)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return ws
}

// Open unlocks the workspace as its admin (for tests of one screen).
func (ws Workspace) Open(t testing.TB) *store.Workspace {
	t.Helper()
	return ws.OpenAs(t, ws.Admin, ws.Passphrase)
}

// OpenAs unlocks the workspace as staff.
func (ws Workspace) OpenAs(t testing.TB, staff, passphrase string) *store.Workspace {
	t.Helper()
	w, err := store.Open(context.Background(), ws.Path, staff, []byte(passphrase), ws.Options)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// FindIn returns the visible objects of type T under root (e.g. the top
// overlay: a dialog).
func FindIn[T fyne.CanvasObject](root fyne.CanvasObject) []T {
	var out []T
	Walk(root, func(o fyne.CanvasObject) {
		if t, ok := o.(T); ok && visibleUnder(root, o) {
			out = append(out, t)
		}
	})
	return out
}

// ButtonIn returns the visible button under root with exactly this text.
func ButtonIn(root fyne.CanvasObject, text string) *widget.Button {
	for _, b := range FindIn[*widget.Button](root) {
		if b.Text == text {
			return b
		}
	}
	return nil
}
