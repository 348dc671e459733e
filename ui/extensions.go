package ui

import "legco.kz/compliance/ui/shell"

// MenuItem is an item a feature adds to the Workspace menu (after Lock).
type MenuItem struct {
	Label func() string // translated label (calls lang.L)
	// Allowed hides the item for roles that cannot use it; nil shows it
	// to everyone.
	Allowed func(env *shell.Env) bool
	Run     func(env *shell.Env) // on the UI goroutine
}

var (
	workspaceMenu []MenuItem
	onUnlocked    []func(env *shell.Env)
)

// AboutText, when set, adds lines to the About dialog (cmd sets the
// program, Go, SQLCipher, SQLite and Fyne versions).
var AboutText func() string

// RegisterWorkspaceMenuItem adds an item to the Workspace menu; call it
// before Start.
func RegisterWorkspaceMenuItem(it MenuItem) { workspaceMenu = append(workspaceMenu, it) }

// RegisterOnUnlocked runs f on the UI goroutine each time the main window
// is shown after an unlock (e.g. a reminder).
func RegisterOnUnlocked(f func(env *shell.Env)) { onUnlocked = append(onUnlocked, f) }
