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

// statusCount is the status bar's count of open requests due today and
// overdue; its button opens the Requests section. The text truncates, so
// the item never widens the window (shell.StatusMiddle).
type statusCount struct {
	widget.BaseWidget
	// Text is cut at 1024 px in Russian («З…» beside the audit head): a
	// tap shows it whole.
	Text *shell.TruncLabel
	open *widget.Button
	box  *fyne.Container
}

func (c *statusCount) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(c.box) }

// WantedWidth is the width that shows the whole text with counts of up
// to three digits (fixed, so the bar need not re-lay out as counts change).
func (c *statusCount) WantedWidth() float32 {
	t := fyne.MeasureText(lang.L("Requests: {{.Today}} due today, {{.Over}} overdue", map[string]any{"Today": 99, "Over": 999}), theme.TextSize(), c.Text.TextStyle)
	return c.open.MinSize().Width + t.Width + 4*theme.Padding()
}

func statusItem(env *shell.Env) fyne.CanvasObject {
	c := &statusCount{Text: shell.NewTruncLabel(lang.L("Requests: …"))}
	c.open = widget.NewButtonWithIcon("", theme.MailComposeIcon(), func() { env.Navigate(shell.SectionRequests) })
	c.open.Importance = widget.LowImportance
	c.box = container.NewBorder(nil, nil, c.open, nil, c.Text)
	c.ExtendBaseWidget(c)
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
			c.Text.SetText(lang.L("Requests: {{.Today}} due today, {{.Over}} overdue", map[string]any{"Today": today, "Over": over}))
			imp := widget.MediumImportance
			if over > 0 {
				imp = widget.DangerImportance
			} else if today > 0 {
				imp = widget.WarningImportance
			}
			c.Text.Importance = imp
			c.Text.Refresh()
		})
	}
	env.OnChanged(load)
	load()
	return c
}
