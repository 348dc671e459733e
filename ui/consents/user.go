package consents

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/shell"
)

// UserView shows one user's consents: the state per purpose (now or on a
// date) and the timeline of events, with the paper-record actions.
type UserView struct {
	env    *shell.Env
	filter func() store.ConsentFilter // nil: no filter (the Records tab)

	Title    *widget.Label
	At       *widget.Entry // state on date, in the UI language's format; empty = now
	States   *widget.List
	Timeline *widget.List
	Record   *widget.Button
	Withdraw *widget.Button
	Cert     *widget.Button
	Receipt  *widget.Button

	account string
	user    *store.User
	states  []store.ConsentState
	history []store.ConsentEvent // all events
	shown   []store.ConsentEvent // after the filter
	catalog map[string]store.ConsentPurpose
	picked  int // selected timeline row, -1 none
	gen     int

	content fyne.CanvasObject
}

func newUserView(env *shell.Env, filter func() store.ConsentFilter) *UserView {
	v := &UserView{env: env, filter: filter, picked: -1}
	v.Title = widget.NewLabelWithStyle(lang.L("Find a user to see their consents."), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.Title.Wrapping = fyne.TextWrapWord
	v.At = widget.NewEntry()
	v.At.SetPlaceHolder(shell.DateHint()) // empty: now (the «Now» button beside it)
	v.At.Validator = optionalDay
	v.At.OnSubmitted = func(string) { v.Reload() }
	now := widget.NewButton(lang.L("Consent state now"), func() { v.At.SetText(""); v.Reload() })
	show := widget.NewButtonWithIcon(lang.L("Show the state"), theme.SearchIcon(), v.Reload)

	v.States = widget.NewList(func() int { return len(v.states) },
		func() fyne.CanvasObject {
			return container.New(stateCols, shell.CellLabel(""), shell.CellLabel(""), shell.CellLabel(""), shell.CellLabel(""), shell.CellLabel(""))
		}, v.updateState)
	v.Timeline = widget.NewList(func() int { return len(v.shown) },
		func() fyne.CanvasObject {
			return container.New(eventCols, shell.CellLabel(""), shell.CellLabel(""), shell.CellLabel(""), shell.CellLabel(""), shell.CellLabel(""), shell.CellLabel(""))
		}, v.updateEvent)
	v.Timeline.OnSelected = func(i widget.ListItemID) {
		v.picked = i
		v.Receipt.Enable()
	}
	v.Timeline.OnUnselected = func(widget.ListItemID) {
		v.picked = -1
		v.Receipt.Disable()
	}

	v.Record = widget.NewButtonWithIcon(lang.L("Record paper consent…"), theme.ContentAddIcon(), func() { v.ShowRecord(store.ConsentGiven) })
	v.Withdraw = widget.NewButtonWithIcon(lang.L("Record withdrawal…"), theme.ContentRemoveIcon(), func() { v.ShowRecord(store.ConsentWithdrawn) })
	v.Withdraw.Importance = widget.DangerImportance
	v.Cert = widget.NewButtonWithIcon(lang.L("Certificate (PDF)…"), theme.DocumentIcon(), v.ShowCertificate)
	v.Receipt = widget.NewButtonWithIcon(lang.L("Consent receipt"), theme.FileTextIcon(), v.ShowReceipt)
	v.Receipt.Disable()
	if !env.Can(store.PermConsentsWrite) {
		v.Record.Hide()
		v.Withdraw.Hide()
	}
	v.setEnabled(false)

	atBox := container.NewHBox(widget.NewLabel(lang.L("Consent state on")), container.NewGridWrap(fyne.NewSize(150, v.At.MinSize().Height), v.At), show, now)
	// The buttons that do not fit (1024 px, Kazakh) go into a «…» menu.
	actions := shell.NewOverflowBar(v.Record, v.Withdraw, v.Cert, v.Receipt)
	stateHead := shell.HeaderRow(stateCols, lang.L("Consents: purpose"), lang.L("State"), lang.L("Consent state since"), lang.L("Policy edition"), lang.L("Consent channel"))
	eventHead := shell.HeaderRow(eventCols, lang.L("Time"), lang.L("Consents: purpose"), lang.L("Consent event"), lang.L("Policy edition"), lang.L("Consent channel"), lang.L("Consent evidence"))
	states := container.NewBorder(stateHead, nil, nil, nil, v.States)
	timeline := container.NewBorder(container.NewVBox(widget.NewLabelWithStyle(lang.L("Consent timeline"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), eventHead), nil, nil, nil, v.Timeline)
	split := container.NewVSplit(states, timeline)
	split.Offset = 0.42
	v.content = container.NewBorder(container.NewVBox(v.Title, container.NewHScroll(atBox), actions), nil, nil, nil, split)
	return v
}

// The times (with their zone) keep their width; the other columns give
// way on a narrow window and grow in proportion on a wide one.
var (
	stateCols = &shell.Columns{Widths: []float32{200, 95, 190, 90, 120}, Keep: []bool{false, false, true}}
	eventCols = &shell.Columns{Widths: []float32{190, 130, 90, 90, 120, 100}, Keep: []bool{true}}
)

func (v *UserView) setEnabled(on bool) {
	for _, b := range []*widget.Button{v.Record, v.Withdraw, v.Cert} {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// Show loads accountID's consents ("" clears the view).
func (v *UserView) Show(accountID string) {
	v.account = accountID
	v.Reload()
}

// Account is the user shown.
func (v *UserView) Account() string { return v.account }

// StateOf returns the shown state of purpose.
func (v *UserView) StateOf(purpose string) (store.ConsentState, bool) {
	for _, s := range v.states {
		if s.Purpose == purpose {
			return s, true
		}
	}
	return store.ConsentState{}, false
}

// Events returns the events the timeline shows.
func (v *UserView) Events() []store.ConsentEvent { return v.shown }

func (v *UserView) atTime() time.Time {
	d, err := shell.ParseDate(v.At.Text)
	if err != nil {
		return time.Time{}
	}
	loc := v.env.WS.Location()
	return time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc).Add(-time.Nanosecond)
}

// Reload reads the user's consents again.
func (v *UserView) Reload() {
	v.gen++
	gen := v.gen
	acc := v.account
	if acc == "" {
		v.user, v.states, v.history, v.shown = nil, nil, nil, nil
		v.Title.SetText(lang.L("Find a user to see their consents."))
		v.setEnabled(false)
		v.States.Refresh()
		v.Timeline.Refresh()
		return
	}
	at := v.atTime()
	var u *store.User
	var states []store.ConsentState
	var hist []store.ConsentEvent
	catalog := map[string]store.ConsentPurpose{}
	v.env.Run(func(ctx context.Context) error {
		var err error
		if u, err = v.env.WS.GetUser(ctx, acc); err != nil {
			return err
		}
		if states, err = v.env.WS.ConsentStates(ctx, acc, at); err != nil {
			return err
		}
		if hist, err = v.env.WS.ConsentHistory(ctx, acc); err != nil {
			return err
		}
		cur, err := v.env.WS.PublishedEdition(ctx)
		if err != nil {
			return err
		}
		cat, err := v.env.WS.ConsentCatalog(ctx, max(cur, 1))
		for _, p := range cat {
			catalog[p.Code] = p
		}
		return err
	}, func(err error) {
		if gen != v.gen {
			return
		}
		if err != nil {
			v.env.ShowError(err)
			return
		}
		v.user, v.states, v.history, v.catalog = u, states, hist, catalog
		when := lang.L("Consent state at: now")
		if !at.IsZero() {
			when = lang.L("at the end of {{.Day}}", map[string]any{"Day": strings.TrimSpace(v.At.Text)})
		}
		v.Title.SetText(fmt.Sprintf("%s — %s (%s)", u.AccountID, u.FullName, when))
		v.setEnabled(true)
		v.applyFilter()
		v.States.Refresh()
	})
}

func (v *UserView) applyFilter() {
	var f store.ConsentFilter
	if v.filter != nil {
		f = v.filter()
	}
	loc := v.env.WS.Location()
	v.shown = v.shown[:0]
	for _, e := range v.history {
		day := e.At.In(loc).Format("2006-01-02")
		switch {
		case f.Purpose != "" && e.Purpose != f.Purpose,
			f.Edition > 0 && e.Edition != f.Edition,
			f.Channel != "" && e.Channel != f.Channel,
			!f.From.IsZero() && day < f.From.Format("2006-01-02"),
			!f.To.IsZero() && day > f.To.Format("2006-01-02"):
			continue
		}
		v.shown = append(v.shown, e)
	}
	v.picked = -1
	v.Receipt.Disable()
	v.Timeline.UnselectAll()
	v.Timeline.Refresh()
}

func (v *UserView) purposeTitle(code string) string {
	if p, ok := v.catalog[code]; ok {
		if t := p.Title(i18n.Current()); t != "" {
			return t
		}
	}
	return code
}

func (v *UserView) updateState(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(v.states) {
		return
	}
	s := v.states[i]
	cells := o.(*fyne.Container).Objects
	loc := v.env.WS.Location()
	when := v.atTime()
	if when.IsZero() {
		when = time.Now()
	}
	k := s.State
	if k != "" {
		k = s.Effective(when)
	}
	set := func(j int, text string, imp widget.Importance) {
		l := cells[j].(*widget.Label)
		l.Importance = imp
		l.SetText(text)
	}
	set(0, v.purposeTitle(s.Purpose), widget.MediumImportance)
	set(1, StateName(k), stateImportance(k))
	if s.State == "" {
		set(2, "", widget.MediumImportance)
		set(3, "", widget.MediumImportance)
		set(4, "", widget.MediumImportance)
		return
	}
	set(2, dayText(s.At, loc), widget.MediumImportance)
	set(3, editionText(s.Edition), widget.MediumImportance)
	set(4, ChannelName(s.Channel)+" · "+LanguageName(s.Language), widget.MediumImportance)
}

func (v *UserView) updateEvent(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(v.shown) {
		return
	}
	e := v.shown[i]
	cells := o.(*fyne.Container).Objects
	loc := v.env.WS.Location()
	var ev []string
	for _, s := range []string{e.DocumentRef, e.Reason, e.IP, e.UserAgent} {
		if s != "" {
			ev = append(ev, strings.ReplaceAll(s, "\n", " "))
		}
	}
	texts := []string{dayText(e.At, loc), v.purposeTitle(e.Purpose), StateName(e.Event), editionText(e.Edition), ChannelName(e.Channel) + " · " + LanguageName(e.Language), strings.Join(ev, "; ")}
	for j, t := range texts {
		l := cells[j].(*widget.Label)
		l.Importance = widget.MediumImportance
		if j == 2 {
			l.Importance = stateImportance(e.Event)
		}
		l.SetText(t)
	}
}

// RecordForm is the paper-record dialog's fields, exposed for tests.
type RecordForm struct {
	Purpose  *widget.Select // the purposes' titles; codes holds their codes
	codes    []string
	Document *widget.Entry
	Reason   *widget.Entry
	Date     *widget.Entry
	Language *widget.Select
	Event    store.ConsentEventKind
	Submit   func()
}

// SelectPurpose picks a purpose by its code.
func (f *RecordForm) SelectPurpose(code string) {
	for i, c := range f.codes {
		if c == code {
			f.Purpose.SetSelectedIndex(i)
		}
	}
}

// purpose is the code of the purpose picked.
func (f *RecordForm) purpose() string {
	if i := f.Purpose.SelectedIndex(); i >= 0 && i < len(f.codes) {
		return f.codes[i]
	}
	return ""
}

// LastForm is the last paper-record form shown (tests fill it).
var LastForm *RecordForm

// ShowRecord opens the form that records a consent (given) or a
// withdrawal received on paper.
func (v *UserView) ShowRecord(kind store.ConsentEventKind) {
	if v.user == nil {
		return
	}
	var codes, titles []string
	for _, s := range v.states {
		codes = append(codes, s.Purpose)
		titles = append(titles, v.purposeTitle(s.Purpose))
	}
	f := &RecordForm{Event: kind, codes: codes}
	f.Purpose = widget.NewSelect(titles, nil)
	if len(codes) > 0 {
		f.Purpose.SetSelectedIndex(0)
	}
	f.Document = widget.NewEntry()
	f.Document.SetPlaceHolder(lang.L("e.g. application No. 15 of 01.02.2026, file 7"))
	f.Document.Validator = required
	f.Reason = widget.NewMultiLineEntry()
	f.Reason.SetMinRowsVisible(2)
	f.Reason.Validator = required
	f.Date = widget.NewEntry()
	f.Date.SetPlaceHolder(lang.L("{{.Format}} (empty: today)", map[string]any{"Format": shell.DateHint()}))
	f.Date.Validator = optionalDay
	f.Language = widget.NewSelect([]string{LanguageName("ru"), LanguageName("kk")}, nil)
	f.Language.SetSelectedIndex(0)
	f.Submit = func() { v.submit(f) }
	LastForm = f
	title := lang.L("Record a consent received on paper")
	confirm := lang.L("Record consent")
	if kind == store.ConsentWithdrawn {
		title = lang.L("Record a withdrawal received on paper")
		confirm = lang.L("Record withdrawal")
	}
	v.env.ShowForm(shell.FormDialog{
		Title:   title,
		Intro:   lang.L("{{.Account}} — {{.Name}}. The event is added to the consent ledger and the audit log; it cannot be edited afterwards (a mistake is corrected by a new event).", map[string]any{"Account": v.user.AccountID, "Name": v.user.FullName}),
		Confirm: confirm,
		Danger:  kind == store.ConsentWithdrawn,
		Items: []*widget.FormItem{
			widget.NewFormItem(lang.L("Consents: purpose"), f.Purpose),
			widget.NewFormItem(lang.L("Document reference"), f.Document),
			widget.NewFormItem(lang.L("Reason"), f.Reason),
			widget.NewFormItem(lang.L("Signed on"), f.Date),
			widget.NewFormItem(lang.L("Language of the document"), f.Language),
		},
		OnConfirm: f.Submit,
	})
}

func required(s string) error {
	if strings.TrimSpace(s) == "" {
		return shell.UserError(lang.L("Required for a paper record"))
	}
	return nil
}

func (v *UserView) submit(f *RecordForm) {
	rec := store.ConsentRecord{AccountID: v.user.AccountID, Purpose: f.purpose(), Event: f.Event, Channel: "paper",
		Language: []string{"ru", "kk"}[max(f.Language.SelectedIndex(), 0)], DocumentRef: f.Document.Text, Reason: f.Reason.Text}
	if d, err := shell.ParseDate(f.Date.Text); err == nil {
		loc := v.env.WS.Location()
		rec.At = time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, loc)
		if now := time.Now(); rec.At.After(now) {
			rec.At = now
		}
	}
	var ev *store.ConsentEvent
	v.env.Run(func(ctx context.Context) error {
		var err error
		ev, err = v.env.WS.RecordConsent(ctx, rec)
		return err
	}, func(err error) {
		if err != nil {
			v.env.ShowError(err)
			return
		}
		v.env.Notify(lang.L("Recorded: {{.Purpose}} {{.Event}} (event #{{.ID}})", map[string]any{"Purpose": ev.Purpose, "Event": StateName(ev.Event), "ID": ev.ID}))
		v.env.Changed()
		v.Reload()
	})
}

// ShowReceipt shows the Kantara receipt of the selected event.
func (v *UserView) ShowReceipt() {
	if v.picked < 0 || v.picked >= len(v.shown) {
		return
	}
	id := v.shown[v.picked].ID
	var text string
	v.env.Run(func(ctx context.Context) error {
		r, err := v.env.WS.ConsentReceipt(ctx, id)
		if err != nil {
			return err
		}
		b, err := r.JSON()
		text = string(b)
		return err
	}, func(err error) {
		if err != nil {
			v.env.ShowError(err)
			return
		}
		e := widget.NewMultiLineEntry()
		e.SetText(text)
		e.Wrapping = fyne.TextWrapBreak
		copyBtn := widget.NewButtonWithIcon(lang.L("Copy the receipt"), theme.ContentCopyIcon(), func() {
			if a := fyne.CurrentApp(); a != nil {
				a.Clipboard().SetContent(text)
			}
		})
		box := container.NewBorder(nil, copyBtn, nil, nil, container.NewGridWrap(fyne.NewSize(640, 420), e))
		dialog.NewCustom(lang.L("Consent receipt (Kantara v1.1)"), lang.L("Close"), box, v.env.Window).Show()
	})
}
