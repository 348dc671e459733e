package staff

import (
	"context"
	"strings"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/keyslot"
	"legco.kz/compliance/ui/shell"
)

// MinPassphrase is the store's minimum passphrase length.
const MinPassphrase = 8

func required(what string) func(string) error {
	return func(v string) error {
		if strings.TrimSpace(v) == "" {
			return shell.UserError(lang.L("{{.Field}} is required.", map[string]any{"Field": what}))
		}
		return nil
	}
}

func passphraseRule(v string) error {
	if len([]rune(v)) < MinPassphrase {
		return shell.UserError(lang.L("At least {{.N}} characters.", map[string]any{"N": MinPassphrase}))
	}
	return nil
}

func sameAs(first *widget.Entry) func(string) error {
	return func(v string) error {
		if v != first.Text {
			return shell.UserError(lang.L("The passphrases do not match."))
		}
		return nil
	}
}

// passphrasePair returns a new passphrase entry and its repetition; the
// repetition is re-validated when the first one changes.
func passphrasePair() (p1, p2 *widget.Entry) {
	p1 = widget.NewPasswordEntry()
	p1.Validator = passphraseRule
	p2 = widget.NewPasswordEntry()
	p2.Validator = sameAs(p1)
	p1.OnChanged = func(string) { p2.Validate() }
	return p1, p2
}

func roleSelect(initial store.Role) (*widget.Select, func() store.Role) {
	names := make([]string, len(store.Roles))
	for i, r := range store.Roles {
		names[i] = shell.RoleName(r)
	}
	sel := widget.NewSelect(names, nil)
	for i, r := range store.Roles {
		if r == initial {
			sel.SetSelectedIndex(i)
		}
	}
	return sel, func() store.Role {
		if i := sel.SelectedIndex(); i >= 0 {
			return store.Roles[i]
		}
		return ""
	}
}

func (s *Screen) showForm(title, intro, confirm string, items []*widget.FormItem, onOK func()) {
	s.env.ShowForm(shell.FormDialog{Title: title, Intro: intro, Confirm: confirm, Items: items, OnConfirm: onOK})
}

// enrol runs AddStaff behind a progress dialog (sealing the key costs
// one Argon2id derivation).
func (s *Screen) enrol(name string, role store.Role, pass []byte, done string) {
	s.env.RunWithProgress(shell.Task{
		Title:   lang.L("Enrolling"),
		Message: lang.L("Sealing the workspace key under the new passphrase…"),
		Work: func(ctx context.Context, _ shell.Progress) error {
			defer keyslot.Wipe(pass)
			return s.env.WS.AddStaff(context.WithoutCancel(ctx), name, role, pass, s.env.KDF)
		},
		Done: func(err error) {
			if err != nil {
				s.env.ShowError(err)
				return
			}
			s.env.Notify(done)
			s.env.Changed()
		},
	})
}

func (s *Screen) add() {
	name := widget.NewEntry()
	name.Validator = required(lang.L("Name"))
	role, roleOf := roleSelect(store.RoleCompliance)
	p1, p2 := passphrasePair()
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Name"), name),
		widget.NewFormItem(lang.L("Role"), role),
		widget.NewFormItem(lang.L("Passphrase"), p1),
		widget.NewFormItem(lang.L("Repeat passphrase"), p2),
	}
	s.showForm(lang.L("Add a staff member"),
		lang.L("At least 8 characters. Hand the passphrase over in person; the member changes it after first signing in. The name is how they sign in and how the audit log names them."),
		lang.L("Add"), items, func() {
			n := strings.TrimSpace(name.Text)
			r := roleOf()
			s.enrol(n, r, []byte(p1.Text), lang.L("{{.Name}} enrolled as {{.Role}}.", map[string]any{"Name": n, "Role": shell.RoleName(r)}))
		})
}

func (s *Screen) reenrol() {
	m, ok := s.Selected()
	if !ok {
		return
	}
	role, roleOf := roleSelect(m.Role)
	p1, p2 := passphrasePair()
	why := lang.L("{{.Name}} lost access in a key rotation. A new passphrase seals the current workspace key for them.", map[string]any{"Name": m.Name})
	if m.Removed {
		why = lang.L("{{.Name}} was removed. Enrolling them again gives them access with a new passphrase.", map[string]any{"Name": m.Name})
	}
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Name"), widget.NewLabel(m.Name)),
		widget.NewFormItem(lang.L("Role"), role),
		widget.NewFormItem(lang.L("Passphrase"), p1),
		widget.NewFormItem(lang.L("Repeat passphrase"), p2),
	}
	s.showForm(lang.L("Re-enrol a staff member"), why, lang.L("Re-enrol"), items, func() {
		r := roleOf()
		s.enrol(m.Name, r, []byte(p1.Text), lang.L("{{.Name}} re-enrolled as {{.Role}}.", map[string]any{"Name": m.Name, "Role": shell.RoleName(r)}))
	})
}

func (s *Screen) remove() {
	m, ok := s.Selected()
	if !ok {
		return
	}
	reason := widget.NewMultiLineEntry()
	reason.SetMinRowsVisible(2)
	reason.Validator = required(lang.L("Reason"))
	// Rotating the key is what makes the removal stick: a copy of the
	// key-slot file the member kept opens the workspace otherwise.
	pass := widget.NewPasswordEntry()
	rotate := widget.NewCheck(lang.L("Rotate the workspace key (recommended)"), nil)
	rotate.SetChecked(true)
	needPass := required(lang.L("Your passphrase"))
	pass.Validator = func(v string) error {
		if rotate.Checked {
			return needPass(v)
		}
		return nil
	}
	rotate.OnChanged = func(bool) { pass.Validate() }
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Reason"), reason),
		widget.NewFormItem("", rotate),
		widget.NewFormItem(lang.L("Your passphrase"), pass),
	}
	intro := lang.L("{{.Name}}'s key slot is deleted at once: they can no longer unlock the workspace. Their record stays, marked as former staff, because the audit log names them.", map[string]any{"Name": m.Name}) +
		"\n\n" + lang.L("Without a key rotation, a copy of the key-slot file made while {{.Name}} was enrolled still opens the workspace with their passphrase. With it, every page is encrypted again and every other member must be re-enrolled.", map[string]any{"Name": m.Name})
	s.showForm(lang.L("Remove {{.Name}}", map[string]any{"Name": m.Name}), intro,
		lang.L("Remove"), items, func() {
			why := strings.TrimSpace(reason.Text)
			withRekey := rotate.Checked
			p := []byte(pass.Text)
			dialog.ShowConfirm(lang.L("Remove {{.Name}}", map[string]any{"Name": m.Name}),
				lang.L("Remove {{.Name}}'s access now? This is recorded in the audit log with your reason.", map[string]any{"Name": m.Name}),
				func(yes bool) {
					if !yes {
						keyslot.Wipe(p)
						return
					}
					s.env.RunWithProgress(shell.Task{
						Title:   lang.L("Remove {{.Name}}", map[string]any{"Name": m.Name}),
						Message: lang.L("Re-encrypting the workspace under a new key. Do not close the program."),
						Work: func(ctx context.Context, _ shell.Progress) error {
							defer keyslot.Wipe(p)
							if withRekey {
								return s.env.WS.RemoveStaffAndRekey(context.WithoutCancel(ctx), m.Name, why, p)
							}
							return s.env.WS.RemoveStaff(ctx, m.Name, why)
						},
						Done: func(err error) {
							if err != nil {
								s.env.ShowError(err)
								return
							}
							s.env.Notify(lang.L("{{.Name}} removed.", map[string]any{"Name": m.Name}))
							s.env.Changed()
						},
					})
				}, s.env.Window)
		})
}

func (s *Screen) rotate() {
	others := 0
	for _, m := range s.Members {
		if !m.Removed && m.HasSlot && m.Name != s.env.Me().Name {
			others++
		}
	}
	reason := widget.NewEntry()
	reason.Validator = required(lang.L("Reason"))
	pass := widget.NewPasswordEntry()
	pass.Validator = required(lang.L("Your passphrase"))
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Reason"), reason),
		widget.NewFormItem(lang.L("Your passphrase"), pass),
	}
	intro := lang.L("A new random key replaces the workspace key and every page of the database is encrypted again. Do it when a passphrase, a backup or a computer may have been compromised.") + "\n\n" +
		lang.N("Afterwards only you can unlock the workspace: {{.Count}} other member must be re-enrolled with a new passphrase before they can sign in again.", others, map[string]any{"Count": others}) + "\n\n" +
		lang.L("It cannot be cancelled once started and may take a while for a large workspace.")
	s.showForm(lang.L("Rotate the workspace key"), intro, lang.L("Rotate key"), items, func() {
		p := []byte(pass.Text)
		why := strings.TrimSpace(reason.Text)
		s.env.RunWithProgress(shell.Task{
			Title:   lang.L("Rotating the workspace key"),
			Message: lang.L("Re-encrypting the workspace under a new key. Do not close the program."),
			Work: func(ctx context.Context, _ shell.Progress) error {
				defer keyslot.Wipe(p)
				return s.env.WS.RotateKey(context.WithoutCancel(ctx), p, why)
			},
			Done: func(err error) {
				if err != nil {
					s.env.ShowError(err)
					return
				}
				s.env.Changed()
				s.env.ShowInfo(lang.L("Workspace key rotated"),
					lang.L("The workspace is encrypted under a new key. Members marked “requires re-enrolment” must be re-enrolled before they can sign in."))
			},
		})
	})
}

func (s *Screen) changePassphrase() {
	old := widget.NewPasswordEntry()
	old.Validator = required(lang.L("Current passphrase"))
	p1, p2 := passphrasePair()
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Current passphrase"), old),
		widget.NewFormItem(lang.L("New passphrase"), p1),
		widget.NewFormItem(lang.L("Repeat new passphrase"), p2),
	}
	s.showForm(lang.L("Change my passphrase"),
		lang.L("At least 8 characters. A long phrase of several words is both easier to remember and harder to guess."),
		lang.L("Change"), items, func() {
			o, n := []byte(old.Text), []byte(p1.Text)
			s.env.RunWithProgress(shell.Task{
				Title:   lang.L("Changing your passphrase"),
				Message: lang.L("Sealing the workspace key under the new passphrase…"),
				Work: func(ctx context.Context, _ shell.Progress) error {
					defer keyslot.Wipe(o)
					defer keyslot.Wipe(n)
					return s.env.WS.ChangePassphrase(context.WithoutCancel(ctx), o, n, s.env.KDF)
				},
				Done: func(err error) {
					if err != nil {
						s.env.ShowError(err)
						return
					}
					s.env.Notify(lang.L("Your passphrase was changed."))
					s.env.Changed()
				},
			})
		})
}
