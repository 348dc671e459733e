package records

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

// accessPage is how many access-log rows one query loads.
var accessPage = 100

// historyLimit is how many audit entries the History tab shows.
const historyLimit = 200

// Detail is the view of one user: a header with the actions, then tabs
// for clause 1.1.1, 1.1.2 and 1.1.3 data and the user's audit history.
type Detail struct {
	s   *Screen
	env *shell.Env

	accountID   string // shown (or being loaded)
	lastAccount string // shown before Close, to find it in the list again
	User        *store.User
	gen         int

	Title   *widget.Label
	Sub     *widget.Label
	Badges  *stateBadges
	Message *widget.Label

	BackButton          *widget.Button
	EditButton          *widget.Button
	BlockButton         *widget.Button
	UnblockButton       *widget.Button
	DepersonalizeButton *widget.Button
	DestroyButton       *widget.Button
	actions             *fyne.Container
	refresh             *widget.Button
	titleRow            *fyne.Container

	Fields  *fyne.Container
	Access  *accessView
	Public  *fyne.Container
	History *historyView
	Tabs    *container.AppTabs
	tabs    [4]*container.TabItem
	extra   []extraTab

	body    *fyne.Container
	content *fyne.Container
}

func newDetail(s *Screen) *Detail {
	d := &Detail{s: s, env: s.env}
	d.Title = widget.NewLabel("")
	d.Title.TextStyle = fyne.TextStyle{Bold: true}
	d.Title.SizeName = theme.SizeNameSubHeadingText
	d.Title.Truncation = fyne.TextTruncateEllipsis
	d.Title.Selectable = true
	d.Sub = widget.NewLabel("")
	d.Sub.Importance = widget.LowImportance
	d.Sub.Truncation = fyne.TextTruncateEllipsis
	d.Badges = newStateBadges(false)
	d.Message = widget.NewLabel("")
	d.Message.Wrapping = fyne.TextWrapWord
	d.Message.Hide()

	d.BackButton = widget.NewButtonWithIcon(lang.L("Back to the list"), theme.NavigateBackIcon(), s.Back)
	d.EditButton = widget.NewButtonWithIcon(lang.L("Edit field…"), theme.DocumentCreateIcon(), func() { d.askEdit("") })
	d.BlockButton = widget.NewButtonWithIcon(lang.L("Block…"), theme.VisibilityOffIcon(), d.askBlock)
	d.UnblockButton = widget.NewButtonWithIcon(lang.L("Unblock…"), theme.VisibilityIcon(), d.askUnblock)
	d.DepersonalizeButton = widget.NewButtonWithIcon(lang.L("Depersonalize…"), theme.AccountIcon(), d.askDepersonalize)
	d.DepersonalizeButton.Importance = widget.WarningImportance
	d.DestroyButton = widget.NewButtonWithIcon(lang.L("Destroy…"), theme.DeleteIcon(), d.askDestroy)
	d.DestroyButton.Importance = widget.DangerImportance
	refresh := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), d.Reload)
	refresh.Importance = widget.LowImportance
	d.actions = container.NewHBox(d.EditButton, d.BlockButton, d.UnblockButton, d.DepersonalizeButton, d.DestroyButton)
	d.refresh = refresh

	d.Fields = container.NewVBox()
	d.Access = newAccessView(d)
	d.Public = container.NewVBox()
	d.History = newHistoryView(d)
	d.tabs = [4]*container.TabItem{
		container.NewTabItemWithIcon(lang.L("1.1.1 Registration data"), theme.AccountIcon(), container.NewVScroll(container.NewPadded(d.Fields))),
		container.NewTabItemWithIcon(lang.L("1.1.2 Access log"), theme.ComputerIcon(), d.Access.content),
		container.NewTabItemWithIcon(lang.L("1.1.3 Other sources"), theme.SearchIcon(), container.NewVScroll(d.Public)),
		container.NewTabItemWithIcon(lang.L("History"), theme.HistoryIcon(), d.History.content),
	}
	items := d.tabs[:]
	for _, t := range extraTabs {
		content, show := t.Build(s.env)
		x := extraTab{item: container.NewTabItemWithIcon(t.Title(), t.Icon, content), show: show}
		d.extra = append(d.extra, x)
		items = append(items, x.item)
	}
	d.Tabs = container.NewAppTabs(items...)

	d.titleRow = container.NewBorder(nil, nil, nil, d.Badges.box, d.Title)
	titleRow := container.NewBorder(nil, nil, d.BackButton, d.refresh, d.titleRow)
	d.body = container.NewStack(d.Tabs)
	d.content = container.NewBorder(container.NewVBox(titleRow, d.Sub, d.actions, d.Message, widget.NewSeparator()), nil, nil, nil, d.body)
	d.setActions(nil)
	return d
}

// Visible reports whether the detail view is shown.
func (d *Detail) Visible() bool { return d.content.Visible() }

// AccountID is the account shown ("" when none).
func (d *Detail) AccountID() string { return d.accountID }

// Close forgets the user shown (the screen goes back to the list).
func (d *Detail) Close() {
	d.gen++
	if d.accountID != "" {
		d.lastAccount = d.accountID
	}
	d.accountID = ""
	d.clearData()
	d.History.set(nil)
	d.showExtra("")
}

// showExtra tells the other features' tabs which account is shown.
func (d *Detail) showExtra(accountID string) {
	for _, x := range d.extra {
		if x.show != nil {
			x.show(accountID)
		}
	}
}

// Load shows the user with this account id.
func (d *Detail) Load(accountID string) {
	if accountID != d.accountID {
		d.clearData()
		d.Title.SetText(accountID)
		d.Sub.SetText("")
		d.setBadges(store.UserSummary{})
		d.showMessage(lang.L("Loading…"))
		d.Tabs.SelectIndex(0)
	}
	d.accountID = accountID
	d.lastAccount = accountID
	d.load()
	d.showExtra(accountID)
}

// Reload reads the user shown again.
func (d *Detail) Reload() {
	if d.accountID != "" {
		d.load()
	}
}

func (d *Detail) load() {
	d.gen++
	gen := d.gen
	acc := d.accountID
	ws := d.env.WS
	var (
		u       *store.User
		act     string
		gone    bool
		log     []store.AccessEntry
		history []store.AuditEntry
	)
	d.setActions(nil)
	d.env.Run(func(ctx context.Context) error {
		var err error
		if history, err = ws.AuditEntries(ctx, store.AuditFilter{Object: "user:" + acc, Limit: historyLimit}); err != nil {
			return err
		}
		u, err = ws.GetUser(ctx, acc)
		if errors.Is(err, store.ErrNotFound) {
			u = nil
			act, gone, err = ws.DestroyedUnder(ctx, acc)
			return err
		}
		if err != nil {
			return err
		}
		log, err = ws.AccessLog(ctx, u.ID, 0, accessPage)
		return err
	}, func(err error) {
		if gen != d.gen {
			return
		}
		d.History.set(history)
		if u == nil {
			d.Title.SetText(acc) // no name stays on screen after a destruction
		}
		d.tabs[3].Text = lang.L("History ({{.Count}})", map[string]any{"Count": Group(len(history))})
		switch {
		case err != nil:
			d.clearData()
			d.showMessage(shell.ErrorText(err))
		case u == nil && gone:
			d.clearData()
			d.Sub.SetText("")
			d.setBadges(store.UserSummary{})
			d.showMessage(lang.L("The personal data of {{.Account}} was destroyed under act {{.Act}}. Only the act and the audit entries remain (see the History tab and the Audit log).",
				map[string]any{"Account": acc, "Act": act}))
			d.body.Show() // the history stays readable
			d.Tabs.SelectIndex(3)
		case u == nil:
			d.clearData()
			d.showMessage(lang.L("There is no user with account id {{.Account}} in this workspace.", map[string]any{"Account": acc}))
		default:
			d.show(u, log)
		}
		d.Tabs.Refresh()
	})
}

func (d *Detail) setBadges(u store.UserSummary) {
	if d.Badges.set(u) {
		d.titleRow.Refresh()
	}
}

// clearData drops whatever personal data the view holds.
func (d *Detail) clearData() {
	d.User = nil
	d.Fields.Objects = nil
	d.Fields.Refresh()
	d.Public.Objects = nil
	d.Public.Refresh()
	d.Access.reset(0)
	d.tabs[1].Text = lang.L("1.1.2 Access log")
	d.tabs[2].Text = lang.L("1.1.3 Other sources")
}

func (d *Detail) showMessage(text string) {
	d.Message.SetText(text)
	d.Message.Show()
	d.body.Hide()
	d.setActions(nil)
}

// show fills the view with u.
func (d *Detail) show(u *store.User, log []store.AccessEntry) {
	d.User = u
	d.Message.Hide()
	d.body.Show()
	d.Title.SetText(u.FullName)
	sub := lang.L("Account {{.Account}} · LegCo account status: {{.Status}} · registered {{.Registered}}",
		map[string]any{"Account": u.AccountID, "Status": shell.StatusWord(u.AccountStatus), "Registered": showStampIn(d.env, u.RegisteredAt, u.RegisteredDateOnly)})
	if u.BatchID > 0 {
		sub += " · " + lang.L("import batch {{.Batch}}", map[string]any{"Batch": u.BatchID})
	}
	d.Sub.SetText(sub)
	d.setBadges(u.UserSummary)
	d.fillFields(u)
	d.fillPublic(u)
	d.Access.reset(u.AccessCount)
	d.Access.add(log)
	d.tabs[1].Text = lang.L("1.1.2 Access log ({{.Count}})", map[string]any{"Count": Group(u.AccessCount)})
	d.tabs[2].Text = lang.L("1.1.3 Other sources ({{.Count}})", map[string]any{"Count": Group(len(u.Public))})
	d.setActions(u)
}

// setActions shows the actions the role allows and the record's state
// admits (none while nothing is shown).
func (d *Detail) setActions(u *store.User) {
	write := d.env.Can(store.PermRecordsWrite)
	destroy := d.env.Can(store.PermRecordsDestroy)
	vis := func(b *widget.Button, on bool) {
		if on {
			b.Show()
		} else {
			b.Hide()
		}
	}
	vis(d.EditButton, write && u != nil)
	vis(d.BlockButton, write && u != nil && !u.Blocked)
	vis(d.UnblockButton, write && u != nil && u.Blocked)
	vis(d.DepersonalizeButton, write && u != nil && u.State != store.StateDepersonalized)
	vis(d.DestroyButton, destroy && u != nil)
	// The header was laid out for the buttons shown before: without a
	// new layout the row of buttons stays squeezed to nothing.
	d.content.Refresh()
}

// fillFields lays out the 1.1.1 data: the catalog (mandatory fields
// marked), the extra columns, and the record's bookkeeping.
func (d *Detail) fillFields(u *store.User) {
	write := d.env.Can(store.PermRecordsWrite)
	canEdit := map[string]bool{}
	for _, k := range editable(u) {
		canEdit[k] = true
	}
	item := func(key, label, value string) *widget.FormItem {
		v := widget.NewLabel(orDash(value))
		v.Wrapping = fyne.TextWrapWord
		v.Selectable = true
		if value == "" {
			v.Importance = widget.LowImportance
		}
		var w fyne.CanvasObject = v
		if write && canEdit[key] {
			k := key
			edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() { d.askEdit(k) })
			edit.Importance = widget.LowImportance
			w = container.NewBorder(nil, nil, nil, container.NewVBox(edit), v)
		}
		return widget.NewFormItem(label, w)
	}
	main := widget.NewForm()
	for _, f := range store.FieldCatalog {
		label := FieldLabel(f.Key)
		if f.Mandatory {
			label += " *"
		}
		v := u.Value(f.Key)
		if f.Key == "registered_at" && !u.RegisteredAt.IsZero() {
			v = showStampIn(d.env, u.RegisteredAt, u.RegisteredDateOnly)
		}
		if f.Key == "birth_date" {
			// Stored as YYYY-MM-DD; shown in the UI language's one format.
			if t, err := time.Parse("2006-01-02", v); err == nil {
				v = t.Format(shell.DateLayout())
			}
		}
		main.AppendItem(item(f.Key, label, v))
	}
	if len(u.Extra) > 0 {
		main.AppendItem(widget.NewFormItem("", heading(lang.L("Additional fields (columns outside the export contract)"))))
		for _, f := range u.Extra {
			main.AppendItem(item(f.Name, FieldLabel(f.Name), f.Value))
		}
	}
	objs := []fyne.CanvasObject{heading(lang.L("Data the user gave at registration (clause 1.1.1)")), main}
	note := widget.NewLabel(lang.L("* mandatory field (clause 1.1.1)."))
	note.Importance = widget.LowImportance
	book := widget.NewForm(
		widget.NewFormItem(lang.L("State"), widget.NewLabel(StateText(u.UserSummary))),
		widget.NewFormItem(lang.L("Added to the workspace"), widget.NewLabel(showTimeIn(d.env, u.CreatedAt))),
		widget.NewFormItem(lang.L("Last changed"), widget.NewLabel(showTimeIn(d.env, u.UpdatedAt))),
	)
	objs = append(objs, note, widget.NewSeparator(), heading(lang.L("Record")), book)
	d.Fields.Objects = objs
	d.Fields.Refresh()
}

func heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle = fyne.TextStyle{Bold: true}
	return l
}

var publicColumns = &shell.Columns{Widths: []float32{150, 220, 200, 220, 140}}

// fillPublic lists the 1.1.3 data (a handful of rows a user).
func (d *Detail) fillPublic(u *store.User) {
	if len(u.Public) == 0 {
		l := widget.NewLabel(lang.L("No data about this user was obtained from other sources."))
		l.Importance = widget.LowImportance
		d.Public.Objects = []fyne.CanvasObject{l}
		d.Public.Refresh()
		return
	}
	objs := []fyne.CanvasObject{shell.HeaderRow(publicColumns, lang.L("Field"), lang.L("Value"), lang.L("Source"),
		lang.L("Legal basis"), lang.L("Obtained"))}
	for _, p := range u.Public {
		cell := func(s string) fyne.CanvasObject {
			l := widget.NewLabel(orDash(s))
			l.Wrapping = fyne.TextWrapWord
			return l
		}
		objs = append(objs, container.New(publicColumns, cell(FieldLabel(p.Field)), cell(p.Value), cell(p.Source),
			cell(p.LegalBasis), cell(showTimeIn(d.env, p.ObtainedAt))), widget.NewSeparator())
	}
	d.Public.Objects = objs
	d.Public.Refresh()
}

// accessView is the 1.1.2 tab: the user's access log, newest first,
// loaded a page at a time as it scrolls.
type accessView struct {
	d       *Detail
	rows    []store.AccessEntry
	total   int
	loading bool
	gen     int

	List    *widget.List
	Info    *widget.Label
	More    *widget.Button
	content fyne.CanvasObject
}

var accessColumns = &shell.Columns{Widths: []float32{150, 140, 190, 190, 200}}

func newAccessView(d *Detail) *accessView {
	a := &accessView{d: d}
	a.List = widget.NewList(func() int { return len(a.rows) }, func() fyne.CanvasObject {
		objs := make([]fyne.CanvasObject, len(accessColumns.Widths))
		for i := range objs {
			objs[i] = shell.CellLabel("")
		}
		return container.New(accessColumns, objs...)
	}, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id >= len(a.rows) {
			return
		}
		e := a.rows[id]
		cells := o.(*fyne.Container).Objects
		for i, t := range []string{showStampIn(a.d.env, e.At, e.DateOnly), orDash(e.IP), orDash(e.CookieID), e.Page, orDash(e.UserAgent)} {
			if l := cells[i].(*widget.Label); l.Text != t {
				l.SetText(t)
			}
		}
		if id >= len(a.rows)-10 {
			a.loadMore()
		}
	})
	a.List.OnSelected = func(widget.ListItemID) { a.List.UnselectAll() }
	a.Info = widget.NewLabel("")
	a.Info.Importance = widget.LowImportance
	a.More = widget.NewButtonWithIcon(lang.L("Load more"), theme.MoreVerticalIcon(), a.loadMore)
	a.More.Importance = widget.LowImportance
	header := shell.HeaderRow(accessColumns, lang.L("Time"), lang.L("IP address"), lang.L("Cookie id"),
		lang.L("Page"), lang.L("Browser (user agent)"))
	note := widget.NewLabel(lang.L("Data sent automatically when the user visits LegCo (clause 1.1.2)."))
	note.Importance = widget.LowImportance
	a.content = container.NewBorder(container.NewVBox(note, header), container.NewBorder(nil, nil, nil, a.More, a.Info), nil, nil, a.List)
	return a
}

func (a *accessView) reset(total int) {
	a.gen++
	a.rows = nil
	a.total = total
	a.loading = false
	a.List.UnselectAll()
	a.List.Refresh()
	a.List.ScrollToTop()
	a.update()
}

func (a *accessView) add(rows []store.AccessEntry) {
	a.rows = append(a.rows, rows...)
	a.List.Refresh()
	a.update()
}

func (a *accessView) more() bool { return len(a.rows) < a.total }

func (a *accessView) update() {
	switch {
	case a.total == 0:
		a.Info.SetText(lang.L("No visits recorded for this user."))
	default:
		a.Info.SetText(lang.L("Showing {{.Shown}} of {{.Total}}, newest first.", map[string]any{"Shown": Group(len(a.rows)), "Total": Group(a.total)}))
	}
	if a.more() {
		a.More.Show()
	} else {
		a.More.Hide()
	}
}

// loadMore fetches the next page of the log.
func (a *accessView) loadMore() {
	u := a.d.User
	if a.loading || !a.more() || u == nil || len(a.rows) == 0 {
		return
	}
	a.loading = true
	gen := a.gen
	before := a.rows[len(a.rows)-1].ID
	var got []store.AccessEntry
	a.d.env.Run(func(ctx context.Context) error {
		var err error
		got, err = a.d.env.WS.AccessLog(ctx, u.ID, before, accessPage)
		return err
	}, func(err error) {
		if gen != a.gen {
			return
		}
		a.loading = false
		if err != nil {
			a.Info.SetText(shell.ErrorText(err))
			return
		}
		if len(got) == 0 {
			a.total = len(a.rows) // the log shrank meanwhile
		}
		a.add(got)
	})
}

// historyView is the History tab: the audit entries about the user.
type historyView struct {
	d       *Detail
	entries []store.AuditEntry
	List    *widget.List
	Info    *widget.Label
	content fyne.CanvasObject
}

var historyColumns = &shell.Columns{Widths: []float32{150, 130, 170, 200, 240}}

func newHistoryView(d *Detail) *historyView {
	h := &historyView{d: d}
	h.List = widget.NewList(func() int { return len(h.entries) }, func() fyne.CanvasObject {
		objs := make([]fyne.CanvasObject, len(historyColumns.Widths))
		for i := range objs {
			objs[i] = shell.CellLabel("")
		}
		return container.New(historyColumns, objs...)
	}, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id >= len(h.entries) {
			return
		}
		e := h.entries[id]
		cells := o.(*fyne.Container).Objects
		for i, t := range []string{showTimeIn(h.d.env, e.At), e.Staff, ActionText(e.Action), orDash(detailText(e)), orDash(shell.SystemReason(e.Reason))} {
			if l := cells[i].(*widget.Label); l.Text != t {
				l.SetText(t)
			}
		}
	})
	// A row opens its audit entry: the cells may be cut, the entry has
	// every field in full.
	h.List.OnSelected = func(id widget.ListItemID) {
		h.List.UnselectAll()
		if id < len(h.entries) {
			shell.ShowAuditEntry(d.env, h.entries[id])
		}
	}
	h.Info = widget.NewLabel("")
	h.Info.Importance = widget.LowImportance
	header := shell.HeaderRow(historyColumns, lang.L("Time"), lang.L("Staff member"), lang.L("Action"),
		lang.L("Details"), lang.L("Reason"))
	openLog := widget.NewButtonWithIcon(lang.L("Open the audit log"), theme.HistoryIcon(), func() { d.env.Navigate(shell.SectionAudit) })
	openLog.Importance = widget.LowImportance
	h.content = container.NewBorder(header, container.NewBorder(nil, nil, nil, openLog, h.Info), nil, nil, h.List)
	return h
}

func (h *historyView) set(entries []store.AuditEntry) {
	h.entries = entries
	h.List.Refresh()
	switch {
	case len(entries) == 0:
		h.Info.SetText(lang.L("No operations on this record are in the audit log yet."))
	case len(entries) >= historyLimit:
		h.Info.SetText(lang.L("The latest {{.Count}} entries; older ones are in the Audit log (object user:{{.Account}}).",
			map[string]any{"Count": len(entries), "Account": h.d.accountID}))
	default:
		h.Info.SetText(lang.L("Every processing operation on this record, newest first, from the hash-chained audit log."))
	}
}

// Texts lists the history rows as "action — reason" (tests).
func (h *historyView) Texts() []string {
	out := make([]string, len(h.entries))
	for i, e := range h.entries {
		out[i] = fmt.Sprintf("%s — %s", e.Action, e.Reason)
	}
	return out
}
