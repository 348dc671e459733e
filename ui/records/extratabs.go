package records

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"legco.kz/compliance/ui/shell"
)

// DetailTab is a tab another feature adds to a user's detail (a user's
// consents, their requests), so that feature keeps its code in its own
// package. Register it before the screen is built (cmd's registerScreens).
type DetailTab struct {
	// Title is the tab's label, translated when called.
	Title func() string
	Icon  fyne.Resource
	// Build makes the tab's content for one detail view. show is called on
	// the UI goroutine with the account shown, and with "" when the detail
	// closes; it loads its data off the UI goroutine (env.Run).
	Build func(env *shell.Env) (content fyne.CanvasObject, show func(accountID string))
}

var extraTabs []DetailTab

// RegisterDetailTab adds a tab after the built-in ones.
func RegisterDetailTab(t DetailTab) { extraTabs = append(extraTabs, t) }

type extraTab struct {
	item *container.TabItem
	show func(accountID string)
}
