package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/ui/auditlog"
	"legco.kz/compliance/ui/shell"
	"legco.kz/compliance/ui/staff"
)

// registerBuiltins registers the built-in sections unless screens with
// their IDs were registered already. It runs at Start, not in init:
// theme icons need a running app.
func registerBuiltins() {
	shell.RegisterDefault(shell.Section{
		ID: shell.SectionRecords, Order: 10, Icon: theme.StorageIcon(),
		Title: func() string { return lang.L("Records") },
		New: placeholder(theme.StorageIcon(),
			func() string {
				return lang.L("The register of LegCo users' personal data: import from the web service, search, correction, blocking and destruction with a destruction act, and each user's history.")
			},
			func() string {
				return lang.L("Clause 1.1 (the groups of personal data the Administration receives: data users give at registration, data sent automatically, data from other sources), clause 4.1 (users change their data) and clause 5.1 (protection of personal data).")
			}),
	})
	shell.RegisterDefault(shell.Section{
		ID: shell.SectionRequests, Order: 20, Icon: theme.MailComposeIcon(),
		Title: func() string { return lang.L("Requests") },
		New: placeholder(theme.MailComposeIcon(),
			func() string {
				return lang.L("Data subjects' requests: access to their data, correction, blocking and destruction, with deadlines counted in Kazakhstan working days (3 working days for information, 1 working day for correction, blocking or destruction, as read by the legal team) and reminders before they run out.")
			},
			func() string {
				return lang.L("Clause 4.1 (changing personal data) and clause 1.4 (the processing the user agreed to, including blocking, deletion and destruction); Law No. 94-V of the Republic of Kazakhstan, articles 24–25.")
			}),
	})
	shell.RegisterDefault(shell.Section{
		ID: shell.SectionConsents, Order: 30, Icon: theme.ConfirmIcon(),
		Title: func() string { return lang.L("Consents") },
		New: placeholder(theme.ConfirmIcon(),
			func() string {
				return lang.L("The record of users' consents (Law No. 94-V, article 8): what each user agreed to, for how long, whether transfer to third parties, cross-border transfer and publication are allowed, how the consent was given, and when it was withdrawn.")
			},
			func() string {
				return lang.L("Clause 1.4 (written consent to collection and processing), clause 1.5 (the phone number passed to third parties for SMS), clause 1.6 (disclosure to other users in a deal) and clause 3.2.1 (transfer to third parties with consent).")
			}),
	})
	shell.RegisterDefault(shell.Section{
		ID: shell.SectionPolicy, Order: 40, Icon: theme.DocumentIcon(),
		Title: func() string { return lang.L("Policy editions") },
		New: placeholder(theme.DocumentIcon(),
			func() string {
				return lang.L("The editions of the privacy policy in Russian and Kazakh: drafts, review, publication with the date of the last update, the PDF of every published edition and the differences between editions.")
			},
			func() string {
				return lang.L("Clause 6.1 (the Administration may change the Policy; each edition states the date of its last update and takes effect when published at www.legco.kz) and clause 6.2 (the law of the Republic of Kazakhstan applies).")
			}),
	})
	shell.RegisterDefault(shell.Section{
		ID: shell.SectionAudit, Order: 50, Icon: theme.HistoryIcon(),
		Title: func() string { return lang.L("Audit log") },
		New:   auditlog.New,
	})
	shell.RegisterDefault(shell.Section{
		ID: shell.SectionStaff, Order: 60, Icon: theme.AccountIcon(),
		Title: func() string { return lang.L("Staff") },
		New:   staff.New,
	})
}

// placeholder is the screen of a section that is not built yet: what it
// will do and which clauses of the privacy policy it covers. It shows no
// data.
func placeholder(icon fyne.Resource, what, clauses func() string) shell.ScreenFactory {
	return func(env *shell.Env) fyne.CanvasObject {
		para := func(title, text string) fyne.CanvasObject {
			h := widget.NewLabel(title)
			h.TextStyle = fyne.TextStyle{Bold: true}
			t := widget.NewLabel(text)
			t.Wrapping = fyne.TextWrapWord
			return container.NewVBox(h, t)
		}
		status := widget.NewLabel(lang.L("This section is being built and will appear in a later version of the workstation. Until then it shows nothing, so that no one mistakes sample figures for real ones."))
		status.Wrapping = fyne.TextWrapWord
		status.Importance = widget.WarningImportance
		big := widget.NewIcon(icon)
		body := container.NewVBox(
			para(lang.L("What this section will do"), what()),
			para(lang.L("Privacy policy clauses it covers"), clauses()),
			container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), nil, status),
		)
		card := widget.NewCard("", "", container.NewBorder(nil, nil, container.NewVBox(container.NewGridWrap(fyne.NewSize(48, 48), big)), nil, body))
		return container.NewVScroll(container.NewVBox(card))
	}
}
