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
// overdue; tapping it opens the Requests section.
func statusItem(env *shell.Env) fyne.CanvasObject {
	b := widget.NewButtonWithIcon(lang.L("Requests: …"), theme.MailComposeIcon(), func() { env.Navigate(shell.SectionRequests) })
	b.Importance = widget.LowImportance
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
			b.SetText(lang.L("Requests: {{.Today}} due today, {{.Over}} overdue", map[string]any{"Today": today, "Over": over}))
			if over > 0 {
				b.Importance = widget.DangerImportance
			} else {
				b.Importance = widget.LowImportance
			}
			b.Refresh()
		})
	}
	env.OnChanged(load)
	load()
	return container.NewCenter(b)
}
