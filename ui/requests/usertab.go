package requests

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

// buildUserTab is the Requests tab of a user's detail: the user's
// requests (each opens in the Requests section) and every disclosure of
// their data.
func buildUserTab(env *shell.Env) (fyne.CanvasObject, func(accountID string)) {
	list := container.NewVBox()
	disclosures := widget.NewLabel("")
	disclosures.Wrapping = fyne.TextWrapWord
	gen := 0
	show := func(accountID string) {
		gen++
		g := gen
		list.RemoveAll()
		disclosures.SetText("")
		if accountID == "" {
			return
		}
		var rows []store.RequestRow
		var ds []store.Disclosure
		env.Run(func(ctx context.Context) error {
			var err error
			if rows, err = env.WS.ListRequests(ctx, store.RequestFilter{Account: accountID}); err != nil {
				return err
			}
			ds, err = env.WS.DisclosuresOf(ctx, accountID)
			return err
		}, func(err error) {
			if g != gen {
				return
			}
			if err != nil {
				list.Add(widget.NewLabel(errorText(err)))
				return
			}
			if len(rows) == 0 {
				list.Add(widget.NewLabel(lang.L("No requests about this user.")))
			}
			for _, r := range rows {
				number := r.Number
				b := widget.NewButton(r.Number+" · "+KindName(r.Kind)+" · "+StateName(r.State)+" · "+lang.L("due")+" "+r.Due, func() {
					pendingOpen = number
					env.Navigate(shell.SectionRequests)
				})
				b.Alignment = widget.ButtonAlignLeading
				list.Add(b)
			}
			var b strings.Builder
			loc := env.WS.Location()
			for _, d := range ds {
				b.WriteString(d.At.In(loc).Format(shell.DateLayout()) + " · " + d.Recipient + " · " + GroundName(d.Ground) + " · " + fieldList(d.Fields) + " · " + d.Request + "\n")
			}
			if len(ds) == 0 {
				b.WriteString(lang.L("Never disclosed to third parties."))
			}
			disclosures.SetText(b.String())
		})
	}
	h1 := widget.NewLabel(lang.L("Requests"))
	h1.TextStyle = fyne.TextStyle{Bold: true}
	h2 := widget.NewLabel(lang.L("Disclosures of this user's data"))
	h2.TextStyle = fyne.TextStyle{Bold: true}
	return container.NewVScroll(container.NewVBox(h1, list, widget.NewSeparator(), h2, disclosures)), show
}
