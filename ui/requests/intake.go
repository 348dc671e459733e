package requests

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

// Intake is the form that records a new request. Its fields are exported
// for tests.
type Intake struct {
	Kind          *widget.Select
	Accounts      *widget.Entry
	Received      *widget.Entry
	RequesterType *widget.Select
	Requester     *widget.Entry
	Officer       *widget.Entry
	Letter        *widget.Entry
	LetterDate    *widget.Entry
	Ground        *widget.Select
	Fields        *widget.CheckGroup
	Details       *widget.Entry
	Note          *widget.Entry

	base           []*widget.FormItem
	disclosureOnly []*widget.FormItem
	rectification  *widget.FormItem
	note           *widget.FormItem
	form           *widget.Form
}

func dateValidator(optional bool) fyne.StringValidator {
	return func(s string) error {
		s = strings.TrimSpace(s)
		if s == "" && optional {
			return nil
		}
		_, err := shell.ParseDate(s)
		return err
	}
}

func newIntake(today time.Time) *Intake {
	in := &Intake{}
	var kinds []string
	for _, k := range store.RequestKinds {
		kinds = append(kinds, KindName(k))
	}
	in.Kind = widget.NewSelect(kinds, nil)
	in.Kind.PlaceHolder = lang.L("Choose…")
	in.Accounts = widget.NewEntry()
	in.Accounts.SetPlaceHolder("LC-0000123, LC-0000456")
	in.Accounts.Validator = func(s string) error {
		if len(strings.FieldsFunc(s, splitAccounts)) == 0 {
			return errors.New(lang.L("name at least one account id"))
		}
		return nil
	}
	in.Received = widget.NewEntry()
	in.Received.SetText(shell.FormatDay(today))
	in.Received.Validator = dateValidator(false)
	var types []string
	for _, t := range store.RequesterTypes {
		types = append(types, RequesterName(t))
	}
	in.RequesterType = widget.NewSelect(types, nil)
	in.RequesterType.PlaceHolder = lang.L("Choose…")
	in.Requester = widget.NewEntry()
	in.Requester.SetPlaceHolder(lang.L("e.g. Almaty police department"))
	in.Officer = widget.NewEntry()
	in.Letter = widget.NewEntry()
	in.LetterDate = widget.NewEntry()
	in.LetterDate.SetPlaceHolder(shell.DateHint())
	in.LetterDate.Validator = dateValidator(true)
	var grounds []string
	for _, g := range store.Grounds {
		grounds = append(grounds, GroundName(g))
	}
	in.Ground = widget.NewSelect(grounds, nil)
	in.Ground.PlaceHolder = lang.L("Choose…")
	var fields []string
	for _, f := range store.RequestableFields() {
		fields = append(fields, FieldName(f))
	}
	in.Fields = widget.NewCheckGroup(fields, nil)
	// One field a line: side by side, the dozen fields made the form
	// 3,500 px wide in Russian (the form scrolls vertically instead).
	in.Fields.Horizontal = false
	in.Details = widget.NewEntry()
	in.Details.SetPlaceHolder("phone=+77011234567; address=…")
	in.Note = widget.NewEntry()
	in.Note.SetPlaceHolder(lang.L("optional note for the audit log"))

	in.disclosureOnly = []*widget.FormItem{
		widget.NewFormItem(lang.L("Requester type"), in.RequesterType),
		widget.NewFormItem(lang.L("Requester"), in.Requester),
		widget.NewFormItem(lang.L("Officer"), in.Officer),
		widget.NewFormItem(lang.L("Letter number"), in.Letter),
		widget.NewFormItem(lang.L("Letter date"), in.LetterDate),
		widget.NewFormItem(lang.L("Ground"), in.Ground),
		widget.NewFormItem(lang.L("Fields requested"), in.Fields),
	}
	in.rectification = widget.NewFormItem(lang.L("Corrections"), in.Details)
	in.Kind.OnChanged = func(string) { in.update() }
	return in
}

func splitAccounts(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\n' }

// Kinds returns the kind chosen.
func (in *Intake) kind() store.RequestKind {
	if i := in.Kind.SelectedIndex(); i >= 0 {
		return store.RequestKinds[i]
	}
	return ""
}

func (in *Intake) update() {
	if in.form == nil {
		return
	}
	items := append([]*widget.FormItem(nil), in.base...)
	switch in.kind() {
	case store.KindDisclosure:
		items = append(items, in.disclosureOnly...)
	case store.KindRectification:
		items = append(items, in.rectification)
	}
	in.form.Items = append(items, in.note)
	in.form.Refresh()
}

// Request is what the form says, for the store to validate.
func (in *Intake) Request() store.NewRequest {
	n := store.NewRequest{Kind: in.kind(), Accounts: strings.FieldsFunc(in.Accounts.Text, splitAccounts), Reason: strings.TrimSpace(in.Note.Text)}
	if t, err := shell.ParseDate(in.Received.Text); err == nil {
		n.Received = t
	}
	switch n.Kind {
	case store.KindDisclosure:
		if i := in.RequesterType.SelectedIndex(); i >= 0 {
			n.RequesterType = store.RequesterTypes[i]
		}
		if i := in.Ground.SelectedIndex(); i >= 0 {
			n.Ground = store.Grounds[i]
		}
		n.Requester, n.Officer, n.LetterNo, n.LetterDate = in.Requester.Text, in.Officer.Text, in.Letter.Text, strings.TrimSpace(in.LetterDate.Text)
		if t, err := shell.ParseDate(n.LetterDate); err == nil {
			n.LetterDate = t.Format("2006-01-02") // the store keeps ISO dates
		}
		for _, f := range store.RequestableFields() {
			if contains(in.Fields.Selected, FieldName(f)) {
				n.Fields = append(n.Fields, f)
			}
		}
	case store.KindRectification:
		n.Details = in.Details.Text
	}
	return n
}

// showIntake opens the intake form; the store validates what it records
// and names the field at fault.
func (s *Screen) showIntake() {
	in := newIntake(s.env.WS.Today())
	in.base = []*widget.FormItem{
		widget.NewFormItem(lang.L("Kind"), in.Kind),
		widget.NewFormItem(lang.L("Accounts"), in.Accounts),
		widget.NewFormItem(lang.L("Received"), in.Received),
	}
	in.note = widget.NewFormItem(lang.L("Note"), in.Note)
	in.form = widget.NewForm()
	in.Kind.SetSelectedIndex(0)
	in.update()
	var d interface{ Hide() }
	save := widget.NewButton(lang.L("Record request"), nil)
	save.Importance = widget.HighImportance
	msg := widget.NewLabel("")
	msg.Wrapping = fyne.TextWrapWord
	msg.Importance = widget.DangerImportance
	save.OnTapped = func() {
		if err := in.form.Validate(); err != nil {
			msg.SetText(err.Error())
			return
		}
		n := in.Request()
		var num string
		s.env.Run(func(ctx context.Context) error {
			var err error
			num, err = s.env.WS.CreateRequest(ctx, n)
			return err
		}, func(err error) {
			if err != nil {
				msg.SetText(errorText(err))
				return
			}
			d.Hide()
			s.env.Notify(lang.L("Request {{.Number}} recorded", map[string]any{"Number": num}))
			s.Open(num)
			s.env.Changed()
		})
	}
	cancel := widget.NewButton(lang.L("Cancel"), func() { d.Hide() })
	intro := widget.NewLabel(lang.L("Record a request as it was received. The due date is counted in Kazakhstan working days from the day after receipt."))
	intro.Wrapping = fyne.TextWrapWord
	body := container.NewBorder(intro, container.NewVBox(msg, container.NewHBox(cancel, save)), nil, nil, container.NewVScroll(in.form))
	dlg := newSizedDialog(lang.L("New request"), body, s.env.Window, fyne.NewSize(760, 620))
	d = dlg
	dlg.Show()
	s.intake = in
}
