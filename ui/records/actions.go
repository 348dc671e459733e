package records

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

// The processing operations of clauses 1.4 and 4.1. Each asks for a
// reason (kept in the audit log; the store refuses an empty one too);
// depersonalization and destruction, which cannot be undone, ask again.

// reasonEntry is the mandatory reason of an operation.
func reasonEntry() *widget.Entry {
	e := widget.NewMultiLineEntry()
	e.SetMinRowsVisible(3)
	e.Wrapping = fyne.TextWrapWord
	e.SetPlaceHolder(lang.L("e.g. the user's request of 12 March, ticket 4711"))
	e.Validator = func(v string) error {
		if strings.TrimSpace(v) == "" {
			return shell.UserError(lang.L("A reason is required: it is kept in the audit log."))
		}
		return nil
	}
	return e
}

func note(text string, imp widget.Importance) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = imp
	return container.NewVBox(l, shell.MinWidth(520))
}

// askReason shows a form with intro, the extra items and the reason, and
// calls onOK with the trimmed reason.
func (d *Detail) askReason(title, confirm, intro string, imp widget.Importance, extra []*widget.FormItem, onOK func(reason string)) *dialog.FormDialog {
	reason := reasonEntry()
	items := []*widget.FormItem{widget.NewFormItem("", note(intro, imp))}
	items = append(items, extra...)
	ri := widget.NewFormItem(lang.L("Reason"), reason)
	ri.HintText = lang.L("Kept in the audit log with your name.")
	items = append(items, ri)
	f := dialog.NewForm(title, confirm, lang.L("Cancel"), items, func(ok bool) {
		if ok {
			onOK(strings.TrimSpace(reason.Text))
		}
	}, d.env.Window)
	f.Show()
	d.env.Window.Canvas().Focus(reason)
	return f
}

// run performs an operation off the UI goroutine, then reports it and
// tells every screen that the workspace changed.
// The set of users stays the same, so the list only reloads its rows.
func (d *Detail) run(op func(ctx context.Context, ws *store.Workspace) error, done string) {
	ws := d.env.WS
	d.env.Run(func(ctx context.Context) error { return op(ctx, ws) }, func(err error) {
		if err != nil {
			showError(d.env, err)
			return
		}
		d.env.Notify(done)
		d.s.lightChange = true
		d.env.Changed()
	})
}

func (d *Detail) name() string {
	if d.User == nil {
		return d.accountID
	}
	return d.User.FullName + " (" + d.User.AccountID + ")"
}

// askEdit changes one field (key preselected, "" = the first).
func (d *Detail) askEdit(key string) {
	u := d.User
	if u == nil {
		return
	}
	keys := editable(u)
	if len(keys) == 0 {
		return
	}
	labels := make([]string, len(keys))
	for i, k := range keys {
		labels[i] = FieldLabel(k)
	}
	current := widget.NewLabel("")
	current.Wrapping = fyne.TextWrapWord
	current.Selectable = true
	value := widget.NewEntry()
	hint := widget.NewLabel("")
	hint.Importance = widget.LowImportance
	hint.Wrapping = fyne.TextWrapWord
	sel := widget.NewSelect(labels, nil)
	chosen := func() string {
		if i := sel.SelectedIndex(); i >= 0 {
			return keys[i]
		}
		return ""
	}
	sel.OnChanged = func(string) {
		k := chosen()
		v := u.Value(k)
		if k == "birth_date" {
			// Stored as YYYY-MM-DD; typed in the UI language's format.
			if t, err := time.Parse("2006-01-02", v); err == nil {
				v = shell.FormatDay(t)
			}
		}
		current.SetText(orDash(v))
		value.SetText(v)
		hint.SetText(fieldHint(k))
	}
	idx := 0
	for i, k := range keys {
		if k == key {
			idx = i
		}
	}
	sel.SetSelectedIndex(idx)
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Field"), sel),
		widget.NewFormItem(lang.L("Current value"), current),
		widget.NewFormItem(lang.L("New value"), container.NewVBox(value, hint)),
	}
	d.askReason(lang.L("Change data of {{.Name}}", map[string]any{"Name": d.name()}), lang.L("Save change"),
		lang.L("Clause 4.1 (the user changes their data) and clause 1.4 (clarification). The old value is kept in the audit entry until the record is depersonalized or destroyed."),
		widget.MediumImportance, items, func(reason string) {
			k, v, acc := chosen(), value.Text, u.AccountID
			if k == "birth_date" && strings.TrimSpace(v) != "" {
				if t, err := shell.ParseDate(v); err == nil {
					v = t.Format("2006-01-02")
				}
			}
			label := FieldLabel(k)
			d.s.nameChanged = k == "full_name"
			d.run(func(ctx context.Context, ws *store.Workspace) error {
				return ws.UpdateUserField(ctx, acc, k, v, reason)
			}, lang.L("{{.Field}} of {{.Account}} changed.", map[string]any{"Field": label, "Account": acc}))
		})
}

// fieldHint says how a field is written.
func fieldHint(key string) string {
	switch key {
	case "full_name":
		return lang.L("Mandatory. Surname, name and patronymic as the user gave them.")
	case "iin":
		return lang.L("12 digits with a valid check digit, or empty.")
	case "entity_bin":
		return lang.L("The BIN: 12 digits with a valid check digit, or empty.")
	case "phone":
		return lang.L("Any usual writing: 8 701 123 45 67, +7 (701) 123-45-67; stored as +77011234567.")
	case "email":
		return lang.L("An e-mail address, or empty.")
	case "birth_date":
		return lang.L("{{.Format}}, for example {{.Example}}, or empty.", map[string]any{"Format": shell.DateHint(), "Example": shell.FormatDay(time.Date(1987, 3, 15, 0, 0, 0, 0, time.UTC))})
	}
	return lang.L("Empty removes the value.")
}

func (d *Detail) askBlock() {
	u := d.User
	if u == nil {
		return
	}
	acc := u.AccountID
	d.askReason(lang.L("Block {{.Name}}", map[string]any{"Name": d.name()}), lang.L("Block"),
		lang.L("Blocking stops the processing of this user's data (clause 1.4): the record is left out of every export and disclosure until the block is lifted. Nothing is deleted."),
		widget.MediumImportance, nil, func(reason string) {
			d.run(func(ctx context.Context, ws *store.Workspace) error { return ws.BlockUser(ctx, acc, reason) },
				lang.L("{{.Account}} blocked.", map[string]any{"Account": acc}))
		})
}

func (d *Detail) askUnblock() {
	u := d.User
	if u == nil {
		return
	}
	acc := u.AccountID
	d.askReason(lang.L("Unblock {{.Name}}", map[string]any{"Name": d.name()}), lang.L("Unblock"),
		lang.L("Lifting the block lets the processing of this user's data resume."),
		widget.MediumImportance, nil, func(reason string) {
			d.run(func(ctx context.Context, ws *store.Workspace) error { return ws.UnblockUser(ctx, acc, reason) },
				lang.L("Block on {{.Account}} lifted.", map[string]any{"Account": acc}))
		})
}

// confirmIrreversible asks a last time before an operation that cannot be
// undone.
func (d *Detail) confirmIrreversible(title, confirm, text string, onYes func()) {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	content := container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.WarningIcon())), nil,
		container.NewVBox(l, shell.MinWidth(480)))
	c := dialog.NewCustomConfirm(title, confirm, lang.L("Cancel"), content, func(yes bool) {
		if yes {
			onYes()
		}
	}, d.env.Window)
	c.SetConfirmImportance(widget.DangerImportance)
	c.Show()
}

func (d *Detail) askDepersonalize() {
	u := d.User
	if u == nil {
		return
	}
	acc := u.AccountID
	d.askReason(lang.L("Depersonalize {{.Name}}", map[string]any{"Name": d.name()}), lang.L("Continue…"),
		lang.L("Depersonalization removes the account id, name, IIN, phone, e-mail, date of birth, address, extra fields and the data from other sources, the IP addresses, cookie ids, user agents and times of the access log, and the old values kept in the audit log. What remains cannot be attributed to the user: a new random account id (DP-…) linked to the old one nowhere, the registration date, account status, legal entity, year of birth, sex and city, and the access log as dates and page patterns (/deals/{id}). A keyed digest stops an old export from bringing the data back. THIS CANNOT BE UNDONE."),
		widget.WarningImportance, nil, func(reason string) {
			d.confirmIrreversible(lang.L("Depersonalize for good?"), lang.L("Depersonalize"),
				lang.L("Depersonalize {{.Account}} now? The identifying data cannot be brought back, not even by importing an export again.", map[string]any{"Account": acc}),
				func() { d.depersonalize(acc, reason) })
		})
}

func (d *Detail) askDestroy() {
	u := d.User
	if u == nil {
		return
	}
	acc := u.AccountID
	d.askReason(lang.L("Destroy the data of {{.Name}}", map[string]any{"Name": d.name()}), lang.L("Continue…"),
		lang.L("Destruction deletes the record, its access log ({{.Access}} rows) and its data from other sources ({{.Public}} rows), and erases the old values kept in the audit log. A destruction act is drawn up; a later import of an old export cannot bring the data back. THIS CANNOT BE UNDONE.",
			map[string]any{"Access": Group(u.AccessCount), "Public": Group(len(u.Public))}),
		widget.DangerImportance, nil, func(reason string) {
			d.confirmIrreversible(lang.L("Destroy for good?"), lang.L("Destroy"),
				lang.L("Destroy all personal data of {{.Account}} now? It cannot be recovered.", map[string]any{"Account": acc}),
				func() { d.destroy(acc, reason) })
		})
}

func (d *Detail) destroy(acc, reason string) {
	var act *store.DestructionAct
	ws := d.env.WS
	d.env.RunWithProgress(shell.Task{
		Title:   lang.L("Destroying"),
		Message: lang.L("Destroying the data and wiping the freed space…"),
		Work: func(ctx context.Context, p shell.Progress) error {
			var err error
			act, err = ws.DestroyUser(wipeProgress(context.WithoutCancel(ctx), p), acc, reason)
			return err
		},
		Done: func(err error) {
			if act != nil {
				d.env.Changed()
			}
			if err != nil && act == nil {
				showError(d.env, err)
				return
			}
			d.showAct(act, err)
		},
	})
}

// showAct reports a destruction and offers to save its act.
func (d *Detail) showAct(act *store.DestructionAct, warn error) {
	text := lang.L("The personal data of {{.Account}} was destroyed under act {{.Act}} (audit entry #{{.Seq}}).",
		map[string]any{"Account": act.AccountID, "Act": act.Number, "Seq": act.AuditSeq})
	if warn != nil {
		text += "\n\n" + shell.ErrorText(warn)
	}
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	var dlg *dialog.CustomDialog
	save := widget.NewButtonWithIcon(lang.L("Save the destruction act (PDF)…"), theme.DocumentSaveIcon(), func() { d.saveAct(act) })
	save.Importance = widget.HighImportance
	closeBtn := widget.NewButton(lang.L("Close"), func() { dlg.Hide() })
	content := container.NewVBox(container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.ConfirmIcon())), nil, l),
		shell.MinWidth(520), container.NewHBox(layoutSpacerH(0), save, closeBtn))
	dlg = dialog.NewCustomWithoutButtons(lang.L("Data destroyed"), content, d.env.Window)
	dlg.Show()
}

// saveAct asks where to save the act's PDF and writes it; the first
// export's digest is kept with the act.
func (d *Detail) saveAct(act *store.DestructionAct) { saveActAs(d.env, act) }

// depersonalize runs the depersonalization with progress (it may wait
// for another program reading the workspace) and returns to the list:
// the record no longer has the account id the detail was opened with.
func (d *Detail) depersonalize(acc, reason string) {
	ws := d.env.WS
	d.env.RunWithProgress(shell.Task{
		Title:   lang.L("Depersonalizing"),
		Message: lang.L("Depersonalizing the record and wiping the old data…"),
		Work: func(ctx context.Context, p shell.Progress) error {
			return ws.DepersonalizeUser(wipeProgress(context.WithoutCancel(ctx), p), acc, reason)
		},
		Done: func(err error) {
			var pending *store.WipePendingError
			if err != nil && !errors.As(err, &pending) {
				showError(d.env, err)
				return
			}
			d.s.Back()
			d.env.Changed()
			if err != nil {
				showError(d.env, err)
				return
			}
			d.env.Notify(lang.L("{{.Account}} depersonalized.", map[string]any{"Account": acc}))
		},
	})
}

// wipeProgress shows the wait for another reader in the progress bar.
func wipeProgress(ctx context.Context, p shell.Progress) context.Context {
	return store.WithWipeProgress(ctx, func(waited, most time.Duration) {
		if p != nil {
			p(int64(waited/time.Millisecond), int64(most/time.Millisecond))
		}
	})
}
