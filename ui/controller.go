package ui

import (
	"context"
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/keyslot"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/shell"
	apptheme "legco.kz/compliance/ui/theme"
	"legco.kz/compliance/ui/unlock"
)

// lockShortcut locks the workstation (Ctrl+L; Cmd+L on macOS).
var lockShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}

// controller switches the window between the unlock screen and the main
// view. All its methods run on the UI goroutine.
type controller struct {
	app  fyne.App
	win  fyne.Window
	cfg  Config
	logf func(format string, args ...any)

	unlock    *unlock.Screen
	env       *shell.Env
	main      *mainView
	idle      *idleTracker
	lastStaff string

	// autoLockOverride replaces the workspace's auto-lock setting (tests).
	autoLockOverride time.Duration

	shutdownOnce sync.Once
}

func newController(a fyne.App, cfg Config) *controller {
	c := &controller{app: a, cfg: cfg, logf: cfg.Logf}
	if c.logf == nil {
		c.logf = func(string, ...any) {}
	}
	language, err := i18n.Load(cfg.Language)
	if err != nil {
		c.logf("translations: %v", err)
	}
	c.logf("ui language %s", language)
	registerBuiltins()
	// Our own Noto Sans and a palette with readable contrast (ui/theme).
	a.Settings().SetTheme(apptheme.New())
	c.win = a.NewWindow(lang.L("LegCo Compliance Workstation"))
	// The smallest screen the layouts are made for (a 1024-pixel laptop,
	// issue #14): the window never opens larger than such a screen, and
	// grows when the user enlarges it.
	c.win.Resize(fyne.NewSize(1024, 700))
	c.win.SetMaster()
	c.win.SetOnClosed(c.shutdown)
	// No OnStopped hook: Fyne runs it on a goroutine that races the
	// closing of its run queue ("send on closed channel"). Stopped, called
	// once the run loop has returned, closes the workspace instead.
	c.win.Canvas().AddShortcut(lockShortcut, func(fyne.Shortcut) { c.lock(lockManual) })

	c.showUnlock("")
	if cfg.Staff != "" && len(cfg.Passphrase) > 0 {
		pass := append([]byte(nil), cfg.Passphrase...)
		keyslot.Wipe(cfg.Passphrase)
		c.logf("unlocking with credentials from the environment")
		c.unlock.Unlock(cfg.Staff, pass)
	}
	return c
}

func (c *controller) showUnlock(message string) {
	staff := c.lastStaff
	if staff == "" {
		staff = c.cfg.Staff
	}
	c.unlock = unlock.New(unlock.Config{
		Path:       c.cfg.DBPath,
		Options:    c.cfg.Options,
		Staff:      staff,
		Message:    message,
		OnUnlocked: c.unlocked,
		Logf:       c.logf,
	})
	c.win.SetMainMenu(nil)
	c.win.SetContent(c.unlock.Content())
	c.unlock.FocusFirst()
	c.logf("unlock screen shown")
}

func (c *controller) unlocked(ws *store.Workspace) {
	c.lastStaff = ws.Me().Name
	var mv *mainView
	env := shell.NewEnv(ws, c.win, shell.Options{
		KDF:  c.cfg.Options.KDF,
		Logf: c.logf,
		Hooks: shell.Hooks{
			RefreshStatus: func() { mv.status.refresh() },
			Notify:        func(msg string) { mv.status.notify(msg) },
			Navigate:      func(id string) { mv.navigate(id) },
			Lock:          func() { c.lock(lockManual) },
			ShowAudit:     func(object string) { mv.showAudit(object) },
		},
	})
	mv = newMainView(env, c.logf)
	c.env, c.main = env, mv
	c.unlock = nil

	c.idle = newIdleTracker(c.win, func() { c.lock(lockIdle) })
	c.win.SetContent(c.idle.wrap(mv.content))
	c.win.SetMainMenu(c.mainMenu())
	mv.showFirst()
	mv.status.refreshThen(func(h store.AuditHead) {
		c.logf("main window shown staff=%s role=%s audit=%s", ws.Me().Name, ws.Me().Role, h.Short())
	})
	env.OnChanged(c.applySettings)
	c.applySettings()
	for _, f := range onUnlocked {
		f(env)
	}
	c.showOpenWarnings(ws)
}

// showOpenWarnings tells the user what opening found (a rollback to an
// older copy); the store has recorded it in the audit log already.
func (c *controller) showOpenWarnings(ws *store.Workspace) {
	for _, w := range ws.Warnings() {
		c.logf("warning on open: %s", w)
		msg := widget.NewLabel(lang.L("This workspace is older than the one this computer last saw, or its history differs: it was restored from a backup or rolled back. Changes made after the newer state are not in it. The audit log records this warning.") +
			"\n\n" + lang.L("Technical detail: {{.Reason}}", map[string]any{"Reason": w}))
		msg.Wrapping = fyne.TextWrapWord
		msg.Importance = widget.WarningImportance
		dialog.ShowCustom(lang.L("Older workspace"), lang.L("OK"), container.NewVBox(msg, shell.MinWidth(520)), c.win)
	}
}

// applySettings reads the auto-lock time and (re)starts the idle tracker.
func (c *controller) applySettings() {
	env, idle := c.env, c.idle
	if env == nil {
		return
	}
	var set store.Settings
	env.Run(func(ctx context.Context) error {
		var err error
		set, err = env.WS.Settings(ctx)
		return err
	}, func(err error) {
		if err != nil {
			set = store.DefaultSettings
		}
		d := set.AutoLock
		if c.autoLockOverride > 0 {
			d = c.autoLockOverride
		}
		if c.idle == idle {
			idle.start(d)
			c.logf("auto-lock after %s", d)
		}
	})
}

type lockReason int

const (
	lockManual lockReason = iota
	lockIdle
)

// lock closes the workspace (wiping its key) and shows the unlock screen.
func (c *controller) lock(why lockReason) {
	if c.env == nil {
		return
	}
	env := c.env
	timeout := time.Duration(0)
	if c.idle != nil {
		timeout = c.idle.timeout
		c.idle.stop()
	}
	c.saveBeforeLock(env)
	c.env, c.main, c.idle = nil, nil, nil
	env.Stop()
	// Dialogs and pop-ups of the locked session must not stay on screen.
	for _, o := range c.win.Canvas().Overlays().List() {
		c.win.Canvas().Overlays().Remove(o)
	}
	msg := lang.L("The workspace is locked. Unlock it to continue.")
	reason := "manual"
	if why == lockIdle {
		reason = "auto-lock"
		msg = lang.L("The workspace was locked after {{.Minutes}} without activity. Unlock it to continue.",
			map[string]any{"Minutes": minutesText(timeout)})
	}
	c.logf("locked reason=%s", reason)
	ws := env.WS
	shell.Background(func() {
		env.Wait()
		ws.Close()
		c.logf("workspace closed")
	})
	c.showUnlock(msg)
}

// beforeLocker is a screen with work that must be stored before the
// workspace closes (the policy editor's unsaved draft).
type beforeLocker interface {
	SaveBeforeLock(ctx context.Context) error
}

// saveBeforeLock lets screens store unsaved work while the workspace is
// still open. It blocks the UI for the few milliseconds a save takes.
func (c *controller) saveBeforeLock(env *shell.Env) {
	if c.main == nil {
		return
	}
	for id, scr := range c.main.screens {
		b, ok := scr.(beforeLocker)
		if !ok {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := b.SaveBeforeLock(ctx); err != nil {
			c.logf("section %s: unsaved work not stored before lock: %v", id, err)
		}
		cancel()
	}
}

func minutesText(d time.Duration) string {
	if d < time.Minute {
		return lang.L("{{.Seconds}} s", map[string]any{"Seconds": int(d.Round(time.Second) / time.Second)})
	}
	return lang.L("{{.Minutes}} min", map[string]any{"Minutes": int(d.Round(time.Minute) / time.Minute)})
}

// shutdown closes the workspace when the window closes or the app stops;
// the first call does the work, later and concurrent ones wait for it.
func (c *controller) shutdown() {
	c.shutdownOnce.Do(c.shutdownNow)
}

func (c *controller) shutdownNow() {
	env := c.env
	if env == nil {
		return
	}
	if c.idle != nil {
		c.idle.stop()
	}
	// What a lock saves (the policy editor's draft) is saved on quit too.
	c.saveBeforeLock(env)
	c.env, c.main, c.idle = nil, nil, nil
	env.Stop()
	done := make(chan struct{})
	go func() {
		env.Wait()
		env.WS.Close()
		close(done)
	}()
	select {
	case <-done:
		c.logf("workspace closed")
	case <-time.After(2 * time.Second):
		c.logf("workspace not closed cleanly: background work still running")
	}
}

func (c *controller) mainMenu() *fyne.MainMenu {
	lockItem := fyne.NewMenuItem(lang.L("Lock"), func() { c.lock(lockManual) })
	lockItem.Shortcut = lockShortcut
	workspace := fyne.NewMenu(lang.L("Workspace"), lockItem)
	for _, it := range workspaceMenu {
		if it.Allowed != nil && !it.Allowed(c.env) {
			continue
		}
		run := it.Run
		workspace.Items = append(workspace.Items, fyne.NewMenuItem(it.Label(), func() {
			if c.env != nil {
				run(c.env)
			}
		}))
	}

	var goItems []*fyne.MenuItem
	for i, s := range c.main.sections {
		id := s.ID
		item := fyne.NewMenuItem(s.Title(), func() {
			if c.main != nil {
				c.main.navigate(id)
			}
		})
		item.Icon = s.Icon
		if i < 9 {
			item.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyName(fmt.Sprint(i + 1)), Modifier: fyne.KeyModifierShortcutDefault}
		}
		goItems = append(goItems, item)
	}
	goMenu := fyne.NewMenu(lang.L("Go"), goItems...)
	help := fyne.NewMenu(lang.L("Help"), fyne.NewMenuItem(lang.L("About"), func() {
		if c.main != nil {
			c.main.showAbout()
		}
	}))
	return fyne.NewMainMenu(workspace, goMenu, help)
}
