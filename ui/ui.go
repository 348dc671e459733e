// Package ui is the LegCo Compliance Workstation's desktop interface
// (Fyne). cmd/legco-compliance creates the Fyne app and calls Start; the
// window then shows the unlock screen and, once unlocked, the main window:
// navigation between sections, the section's screen and a status bar.
//
// Screens are registered as sections (see Register): the Audit log and
// Staff screens are built in, Records, Requests, Consents and Policy
// editions show placeholders until their packages register a screen.
// Every screen is built with an *Env (the unlocked workspace, the window
// and helpers), defined in package ui/shell so that screen packages need
// not import this one.
package ui

import (
	"fyne.io/fyne/v2"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

// Config is what cmd passes to Start.
type Config struct {
	// DBPath is the workspace database file.
	DBPath string
	// Staff and Passphrase, when both are set, unlock the workspace at
	// once without showing the form (the GUI smoke test; the secrets come
	// from the environment, never argv). Start wipes Passphrase after use.
	// Staff alone prefills the form.
	Staff      string
	Passphrase []byte
	// Logf logs state changes ("unlock screen shown", "main window shown
	// staff=… role=… audit=#N"), never secrets or personal data. May be nil.
	Logf func(format string, args ...any)
	// Language is ru, kk or en; empty picks it from the environment
	// (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), Russian unless English or
	// Kazakh is asked for.
	Language string
	// Options are passed to store.Open. Their KDF is also the cost of key
	// slots written from the UI (zero = production default); tests set
	// keyslot.TestParams.
	Options store.Options
}

// Env is what a screen is built with; see shell.Env.
type Env = shell.Env

// ScreenFactory builds a section's screen; see shell.ScreenFactory.
type ScreenFactory = shell.ScreenFactory

// Section is one entry of the navigation; see shell.Section.
type Section = shell.Section

// IDs of the built-in sections.
const (
	SectionRecords  = shell.SectionRecords
	SectionRequests = shell.SectionRequests
	SectionConsents = shell.SectionConsents
	SectionPolicy   = shell.SectionPolicy
	SectionAudit    = shell.SectionAudit
	SectionStaff    = shell.SectionStaff
)

// Register adds a section to the navigation or replaces the screen of a
// registered one (same ID; empty Title/Icon/Order keep the old ones).
// Call it before Start, e.g. in cmd:
//
//	ui.Register(ui.Section{ID: ui.SectionRecords, New: records.New})
//
// A screen package may instead call shell.Register in an init function.
func Register(s Section) { shell.Register(s) }

// Start loads the translations, opens the main window (1200×800) with the
// unlock screen, or unlocks at once when cfg has both Staff and
// Passphrase, shows the window and returns it. The caller then runs the
// app (a.Run()).
func Start(a fyne.App, cfg Config) fyne.Window {
	c := newController(a, cfg)
	active.Store(c)
	c.win.Show()
	return c.win
}
