package requests

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/ui/shell"
)

// statusItem is the status bar's count of open requests due today and
// overdue; its button opens the Requests section. The text truncates, so
// the item never widens the window.
func statusItem(env *shell.Env) fyne.CanvasObject {
	open := widget.NewButtonWithIcon("", theme.MailComposeIcon(), func() { env.Navigate(shell.SectionRequests) })
	open.Importance = widget.LowImportance
	text := shell.CellLabel(lang.L("Requests: …"))
	gen := 0
	load := func() {
		gen++
		g := gen
		var today, over int
		env.Run(func(ctx context.Context) error {
			var err error
			today, over, err = env.WS.RequestCounts(ctx)
			return err
		}, func(err error) {
			if g != gen || err != nil {
				return
			}
			text.SetText(lang.L("Requests: {{.Today}} due today, {{.Over}} overdue", map[string]any{"Today": today, "Over": over}))
			imp := widget.MediumImportance
			if over > 0 {
				imp = widget.DangerImportance
			} else if today > 0 {
				imp = widget.WarningImportance
			}
			text.Importance = imp
			text.Refresh()
		})
	}
	env.OnChanged(load)
	load()
	return container.NewBorder(nil, nil, open, nil, text)
}
