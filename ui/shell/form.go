package shell

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// FormDialog describes a dialog with an explanation above a form.
type FormDialog struct {
	Title   string
	Intro   string // shown above the form, full width; may be empty
	Confirm string // text of the confirm button
	Items   []*widget.FormItem
	// Danger styles the confirm button as destructive.
	Danger bool
	// OnConfirm runs (UI goroutine) when the confirm button is tapped; it
	// is enabled only while every field validates.
	OnConfirm func()
}

// ShowForm shows f over the Env's window. Unlike dialog.NewForm, the
// explanation spans the whole width instead of sitting in the field
// column.
func (e *Env) ShowForm(f FormDialog) dialog.Dialog {
	form := widget.NewForm(f.Items...)
	var d *dialog.CustomDialog
	ok := widget.NewButtonWithIcon(f.Confirm, theme.ConfirmIcon(), nil)
	ok.Importance = widget.HighImportance
	if f.Danger {
		ok.Importance = widget.DangerImportance
	}
	cancel := widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() { d.Hide() })
	ok.OnTapped = func() {
		if form.Validate() != nil {
			return
		}
		d.Hide()
		if f.OnConfirm != nil {
			f.OnConfirm()
		}
	}
	form.SetOnValidationChanged(func(err error) {
		if err != nil {
			ok.Disable()
		} else {
			ok.Enable()
		}
	})
	if form.Validate() != nil {
		ok.Disable()
	}
	var parts []fyne.CanvasObject
	if f.Intro != "" {
		intro := widget.NewLabel(f.Intro)
		intro.Wrapping = fyne.TextWrapWord
		parts = append(parts, intro)
	}
	parts = append(parts, form, MinWidth(520),
		container.NewHBox(layout.NewSpacer(), cancel, ok, layout.NewSpacer()))
	d = dialog.NewCustomWithoutButtons(f.Title, container.NewVBox(parts...), e.Window)
	d.Show()
	return d
}
