// Package shell holds what every screen of the workstation shares: the
// Env a screen is built with (the unlocked workspace, the window, helpers
// for background work, errors and notifications) and the registry of
// sections shown in the main window's navigation.
//
// Adding a screen (e.g. Records in ui/records):
//
//	func New(env *shell.Env) fyne.CanvasObject { … }          // a ScreenFactory
//	shell.Register(shell.Section{ID: shell.SectionRecords, New: New})
//
// Register replaces the built-in placeholder (title, icon and place in
// the navigation stay); call it before ui.Start, from cmd or from an init
// function of the screen's package (then cmd imports the package). A new
// section also sets Title (a func calling lang.L), Icon and Order.
//
// Every user-visible string goes through lang.L with an English literal
// as key; the translations go in assets/i18n/<screen>/{en,ru,kk}.json
// (loaded automatically with the core ones; a key already in core, such
// as "Cancel" or "Save", needs no copy). ui/i18n's test fails when a key
// used anywhere under ui/ lacks a translation.
//
// Threading rule for every screen: anything that touches the store runs
// off the UI goroutine (Env.Run, Env.RunWithProgress, Env.Go); widgets are
// changed only on the UI goroutine (the done callbacks of Run and
// RunWithProgress already are; elsewhere use shell.Do, which is fyne.Do
// outside tests). Tests use ui/internal/uitest: Install makes the test
// goroutine the UI goroutine, Settle runs the queued UI work, NewWorkspace
// makes a cheap encrypted workspace, Find/Button/HasText search the canvas.
package shell

import (
	"context"
	"sync"

	"fyne.io/fyne/v2"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/keyslot"
)

// Hooks connect an Env to the main window. Any of them may be nil (tests).
// They are called on the UI goroutine.
type Hooks struct {
	// RefreshStatus re-reads the audit head shown in the status bar.
	RefreshStatus func()
	// Notify shows a short message in the status bar.
	Notify func(msg string)
	// Navigate opens a section of the main window by ID.
	Navigate func(id string)
	// Lock closes the workspace and returns to the unlock screen.
	Lock func()
	// ShowAudit opens the audit log filtered to objects starting with
	// object (e.g. "user:LC-0000040").
	ShowAudit func(object string)
}

// Options configure NewEnv.
type Options struct {
	// KDF is the Argon2id cost of key slots written from the UI (adding a
	// member, changing a passphrase); zero means keyslot.DefaultParams.
	// Tests set keyslot.TestParams.
	KDF keyslot.Params
	// Logf logs state changes (never secrets or personal data); may be nil.
	Logf  func(format string, args ...any)
	Hooks Hooks
}

// Env is what a screen is built with. One Env lives from unlock to lock:
// its Context is cancelled when the workspace locks, and work started
// through it is waited for before the workspace is closed.
type Env struct {
	// WS is the unlocked workspace.
	WS *store.Workspace
	// Window is the main window (parent of dialogs).
	Window fyne.Window
	// KDF is the cost of key slots written from the UI (zero = default).
	KDF keyslot.Params

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	logf   func(format string, args ...any)
	hooks  Hooks

	mu        sync.Mutex
	listeners []func()
}

// NewEnv makes the Env of an unlocked workspace. The main window makes
// one at every unlock; tests of a single screen make their own.
func NewEnv(ws *store.Workspace, win fyne.Window, opts Options) *Env {
	ctx, cancel := context.WithCancel(context.Background())
	logf := opts.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	return &Env{WS: ws, Window: win, KDF: opts.KDF, ctx: ctx, cancel: cancel, logf: logf, hooks: opts.Hooks}
}

// Context is cancelled when the workspace locks.
func (e *Env) Context() context.Context { return e.ctx }

// Me is the signed-in staff member.
func (e *Env) Me() store.Staff { return e.WS.Me() }

// Can reports whether the signed-in member's role grants p. Use it to hide
// or disable actions; the store enforces roles anyway.
func (e *Env) Can(p store.Permission) bool { return e.WS.Me().Role.Can(p) }

// Logf logs a state change. Never pass secrets or personal data.
func (e *Env) Logf(format string, args ...any) { e.logf(format, args...) }

// Stop cancels the Env's context: screens stop their work. The UI calls
// it when the workspace locks.
func (e *Env) Stop() { e.cancel() }

// Stopped reports whether the workspace has been locked.
func (e *Env) Stopped() bool { return e.ctx.Err() != nil }

// Wait blocks until every piece of work started through Go, Run or
// RunWithProgress has returned. Never call it on the UI goroutine while
// such work may still need the UI goroutine (shell.DoAndWait).
func (e *Env) Wait() { e.wg.Wait() }

// Go runs work on its own goroutine with the Env's context. Update
// widgets from it only through shell.Do.
func (e *Env) Go(work func(ctx context.Context)) {
	e.wg.Add(1)
	Background(func() {
		defer e.wg.Done()
		work(e.ctx)
	})
}

// Run runs work off the UI goroutine, then done (if not nil) on the UI
// goroutine with work's error. done is skipped if the workspace was
// locked in the meantime: the screen it would update is gone.
func (e *Env) Run(work func(ctx context.Context) error, done func(err error)) {
	e.Go(func(ctx context.Context) {
		err := work(ctx)
		if done == nil || ctx.Err() != nil {
			return
		}
		DoAndWait(func() {
			if e.ctx.Err() == nil {
				done(err)
			}
		})
	})
}

// RefreshStatus re-reads the audit head shown in the status bar.
func (e *Env) RefreshStatus() {
	if e.hooks.RefreshStatus != nil {
		e.hooks.RefreshStatus()
	}
}

// Notify shows msg briefly in the status bar (and logs nothing: msg may
// name a person).
func (e *Env) Notify(msg string) {
	if e.hooks.Notify != nil {
		e.hooks.Notify(msg)
	}
}

// Navigate opens the section with the given ID.
func (e *Env) Navigate(id string) {
	if e.hooks.Navigate != nil {
		e.hooks.Navigate(id)
	}
}

// ShowAudit opens the audit log with the entries of objects starting
// with object, e.g. a user's history: env.ShowAudit("user:" + accountID).
func (e *Env) ShowAudit(object string) {
	if e.hooks.ShowAudit != nil {
		e.hooks.ShowAudit(object)
	}
}

// Lock closes the workspace and returns to the unlock screen.
func (e *Env) Lock() {
	if e.hooks.Lock != nil {
		e.hooks.Lock()
	}
}

// OnChanged subscribes f to Changed. f runs on the UI goroutine.
func (e *Env) OnChanged(f func()) {
	e.mu.Lock()
	e.listeners = append(e.listeners, f)
	e.mu.Unlock()
}

// Changed is called (on the UI goroutine) after every successful change
// to the workspace: it refreshes the status bar's audit head and tells
// every screen that subscribed with OnChanged, e.g. so that the audit log
// shows the new entry.
func (e *Env) Changed() {
	e.RefreshStatus()
	e.mu.Lock()
	ls := append([]func(){}, e.listeners...)
	e.mu.Unlock()
	for _, f := range ls {
		f()
	}
}
