// Package requests is the Requests screen: third-party disclosure
// requests (privacy policy section 3, clause 1.6) and data-subject
// requests (access, rectification, blocking, destruction, withdrawal,
// recipients) with deadlines in Kazakhstan working days. A virtualised
// queue sortable by due date with filters by kind, state, assignee and
// overdue; the intake form; the request's detail with its timeline and
// the workflow's next steps (the approval of a disclosure is offered only
// to a staff member other than its preparer; the store enforces it); the
// fulfilment package with progress and cancel; the disclosure register,
// the transparency report and, for admins, the working-day calendar.
// A Requests tab in a user's detail (Records) lists that user's requests
// and disclosures.
package requests

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/workdays"
	"legco.kz/compliance/ui/records"
	"legco.kz/compliance/ui/shell"
)

// Register makes this package the Requests section's screen and adds the
// Requests tab to a user's detail in Records. Call it before ui.Start.
func Register() {
	shell.Register(shell.Section{ID: shell.SectionRequests, New: New})
	records.RegisterDetailTab(records.DetailTab{Title: func() string { return lang.L("Requests") }, Icon: theme.MailComposeIcon(), Build: buildUserTab})
	shell.RegisterStatusItem(statusItem)
}

// New is the section's ScreenFactory.
func New(env *shell.Env) fyne.CanvasObject { return NewScreen(env) }

// columns: number, kind, state, received, due, days left, assignee, requester.
// The request number and the dates an officer acts on are never cut; the
// words give way first (1024 px).
var columns = &shell.Columns{Widths: []float32{150, 120, 150, 100, 100, 110, 100, 200},
	Keep: []bool{true, false, false, true, true, true, false, false}}

// Sort orders of the queue.
const (
	SortDue = iota
	SortDueDesc
	SortReceivedDesc
	SortNumber
)

// pendingOpen is a request another screen asked to show (the Requests
// tab of a user's detail), picked up when the screen is shown.
var pendingOpen string

// Screen is the Requests screen.
type Screen struct {
	widget.BaseWidget
	env *shell.Env

	Kind     *widget.Select
	State    *widget.Select
	Assignee *widget.Select
	Overdue  *widget.Check
	Sort     *widget.Select
	Count    *widget.Label
	List     *widget.List
	Detail   *Detail

	NewButton          *widget.Button
	RegisterButton     *widget.Button
	TransparencyButton *widget.Button
	CalendarButton     *widget.Button

	rows     []store.RequestRow
	cal      *workdays.Calendar
	today    time.Time
	staff    []string
	gen      int
	selected string
	intake   *Intake
	content  fyne.CanvasObject

	// LoadTime and SortTime are the last reload's and sort's durations
	// (benchmarks and tests).
	LoadTime, SortTime time.Duration
}

// NewScreen builds the screen and starts loading the queue.
func NewScreen(env *shell.Env) *Screen {
	s := &Screen{env: env}
	s.ExtendBaseWidget(s)
	all := lang.L("All")
	kinds := []string{all}
	for _, k := range store.RequestKinds {
		kinds = append(kinds, KindName(k))
	}
	states := []string{all}
	for _, st := range store.RequestStates {
		states = append(states, StateName(st))
	}
	s.Kind = widget.NewSelect(kinds, nil)
	s.Kind.SetSelectedIndex(0)
	s.State = widget.NewSelect(states, nil)
	s.State.SetSelectedIndex(0)
	s.Assignee = widget.NewSelect([]string{all}, nil)
	s.Assignee.SetSelectedIndex(0)
	s.Overdue = widget.NewCheck(lang.L("Overdue only"), nil)
	s.Sort = widget.NewSelect([]string{lang.L("Due date, earliest first"), lang.L("Due date, latest first"),
		lang.L("Received, newest first"), lang.L("Number")}, nil)
	s.Sort.SetSelectedIndex(SortDue)
	s.Count = widget.NewLabel(lang.L("Loading…"))
	s.Count.TextStyle = fyne.TextStyle{Italic: true}

	s.List = widget.NewList(func() int { return len(s.rows) }, newRow, s.updateRow)
	s.List.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(s.rows) {
			s.Open(s.rows[id].Number)
		}
	}
	header := shell.HeaderRow(columns, lang.L("Request"), lang.L("Kind"), lang.L("State"), lang.L("Received"),
		lang.L("Due"), lang.L("Days left"), lang.L("Assignee"), lang.L("Requester"))

	s.NewButton = widget.NewButtonWithIcon(lang.L("New request…"), theme.ContentAddIcon(), s.showIntake)
	s.NewButton.Importance = widget.HighImportance
	if !env.Can(store.PermRequestsWrite) {
		s.NewButton.Hide()
	}
	s.RegisterButton = widget.NewButtonWithIcon(lang.L("Disclosure register"), theme.ListIcon(), s.showRegister)
	s.TransparencyButton = widget.NewButtonWithIcon(lang.L("Transparency report…"), theme.DocumentIcon(), s.showTransparency)
	s.CalendarButton = widget.NewButtonWithIcon(lang.L("Working-day calendar"), theme.GridIcon(), s.showCalendar)
	refresh := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), s.Reload)

	field := func(label string, w fyne.CanvasObject) fyne.CanvasObject {
		return container.NewBorder(nil, nil, widget.NewLabel(label), nil, w)
	}
	filters := container.NewGridWithColumns(2, field(lang.L("Kind"), s.Kind), field(lang.L("State"), s.State),
		field(lang.L("Assignee"), s.Assignee), field(lang.L("Sort"), s.Sort))
	// The buttons that do not fit (1024 px, Kazakh) go into a «…» menu.
	buttons := shell.NewOverflowBar(s.NewButton, s.RegisterButton, s.TransparencyButton, s.CalendarButton, refresh)
	top := container.NewVBox(buttons, filters, container.NewBorder(nil, nil, s.Overdue, nil, s.Count))

	s.Detail = newDetail(s)
	listArea := container.NewBorder(header, nil, nil, nil, s.List)
	split := container.NewVSplit(listArea, s.Detail.content)
	split.Offset = 0.45
	s.content = container.NewBorder(top, nil, nil, nil, split)

	reload := func(string) { s.Reload() }
	s.Kind.OnChanged, s.State.OnChanged, s.Assignee.OnChanged = reload, reload, reload
	s.Overdue.OnChanged = func(bool) { s.Reload() }
	s.Sort.OnChanged = func(string) { s.resort(); s.List.Refresh() }
	env.OnChanged(s.Reload)
	s.loadStaff()
	s.Reload()
	return s
}

// CreateRenderer implements fyne.Widget.
func (s *Screen) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(s.content) }

// Shown reloads, and opens a request another screen asked for.
func (s *Screen) Shown() {
	if pendingOpen != "" {
		s.Open(pendingOpen)
		pendingOpen = ""
	}
	s.Reload()
}

// Filter is what the filters select.
func (s *Screen) Filter() store.RequestFilter {
	f := store.RequestFilter{Overdue: s.Overdue.Checked}
	if i := s.Kind.SelectedIndex(); i > 0 {
		f.Kind = store.RequestKinds[i-1]
	}
	if i := s.State.SelectedIndex(); i > 0 {
		f.State = store.RequestStates[i-1]
	}
	if i := s.Assignee.SelectedIndex(); i > 0 && i-1 < len(s.staff) {
		f.Assignee = s.staff[i-1]
	}
	return f
}

func (s *Screen) loadStaff() {
	var names []string
	s.env.Run(func(ctx context.Context) error {
		st, err := s.env.WS.ListStaff(ctx, false)
		for _, m := range st {
			if m.Role.Can(store.PermRequestsWrite) {
				names = append(names, m.Name)
			}
		}
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		s.staff = names
		s.Assignee.OnChanged = nil
		s.Assignee.Options = append([]string{lang.L("All")}, names...)
		s.Assignee.SetSelectedIndex(0)
		s.Assignee.OnChanged = func(string) { s.Reload() }
	})
}

// Reload reads the queue again with the current filters.
func (s *Screen) Reload() {
	s.gen++
	gen := s.gen
	f := s.Filter()
	var rows []store.RequestRow
	var cal *workdays.Calendar
	var took time.Duration
	s.env.Run(func(ctx context.Context) error {
		start := time.Now()
		var err error
		if cal, err = s.env.WS.Calendar(ctx); err != nil {
			return err
		}
		rows, err = s.env.WS.ListRequests(ctx, f)
		took = time.Since(start)
		return err
	}, func(err error) {
		if gen != s.gen {
			return
		}
		if err != nil {
			s.Count.SetText(shell.ErrorText(err))
			return
		}
		s.rows, s.cal, s.today, s.LoadTime = rows, cal, s.env.WS.Today(), took
		s.resort()
		s.updateCount()
		s.List.UnselectAll()
		s.List.Refresh()
		if s.selected != "" {
			s.Detail.Load(s.selected)
		}
	})
}

func (s *Screen) updateCount() {
	over := 0
	today := s.today.Format("2006-01-02")
	for _, r := range s.rows {
		if r.State.Open() && r.Due < today {
			over++
		}
	}
	s.Count.SetText(lang.L("{{.N}} requests, {{.Over}} overdue", map[string]any{"N": len(s.rows), "Over": over}))
}

// resort orders the loaded rows by the chosen key (the store returns them
// by due date).
func (s *Screen) resort() {
	start := time.Now()
	SortRows(s.rows, s.Sort.SelectedIndex())
	s.SortTime = time.Since(start)
}

// SortRows orders rows in place by one of the Sort* keys. Rows come from
// the store by due date (then id): that order is kept as is, and reversed
// for latest first, so the common sorts cost no comparisons.
func SortRows(rows []store.RequestRow, key int) {
	byDue := func(i, j int) bool {
		if rows[i].Due != rows[j].Due {
			return rows[i].Due < rows[j].Due
		}
		return rows[i].ID < rows[j].ID
	}
	switch key {
	case SortDueDesc:
		if !sort.SliceIsSorted(rows, func(i, j int) bool { return byDue(j, i) }) {
			if !sort.SliceIsSorted(rows, byDue) {
				sort.Slice(rows, byDue)
			}
			slices.Reverse(rows)
		}
	case SortReceivedDesc:
		sort.Slice(rows, func(i, j int) bool {
			if rows[i].Received != rows[j].Received {
				return rows[i].Received > rows[j].Received
			}
			return rows[i].ID > rows[j].ID
		})
	case SortNumber:
		sort.Slice(rows, func(i, j int) bool { return rows[i].Number < rows[j].Number })
	default:
		if !sort.SliceIsSorted(rows, byDue) {
			if sort.SliceIsSorted(rows, func(i, j int) bool { return byDue(j, i) }) {
				slices.Reverse(rows)
			} else {
				sort.Slice(rows, byDue)
			}
		}
	}
}

// Open shows a request's detail.
func (s *Screen) Open(number string) {
	s.selected = number
	s.Detail.Load(number)
}

// Rows is the queue as loaded and sorted (tests).
func (s *Screen) Rows() []store.RequestRow { return s.rows }

// row is one list row: a label per column.
type row struct {
	widget.BaseWidget
	cells []*widget.Label
	box   *fyne.Container
}

func newRow() fyne.CanvasObject {
	r := &row{}
	objs := make([]fyne.CanvasObject, len(columns.Widths))
	for i := range columns.Widths {
		l := shell.CellLabel("")
		r.cells = append(r.cells, l)
		objs[i] = l
	}
	r.box = container.New(columns, objs...)
	r.ExtendBaseWidget(r)
	return r
}

func (r *row) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

func (s *Screen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	r := o.(*row)
	if id < 0 || id >= len(s.rows) {
		return
	}
	q := s.rows[id]
	left, over := "", false
	if q.State.Open() && s.cal != nil {
		due, _ := time.Parse("2006-01-02", q.Due)
		n := s.cal.Between(s.today, due)
		over = s.today.After(due)
		switch {
		case over:
			left = lang.L("overdue {{.N}}", map[string]any{"N": -n})
		case n == 0:
			left = lang.L("due today")
		default:
			left = strconv.Itoa(n)
		}
	}
	texts := []string{q.Number, KindName(q.Kind), StateName(q.State), showDay(q.Received), showDay(q.Due), left, q.Assignee, q.Requester}
	for i, t := range texts {
		if r.cells[i].Text != t {
			r.cells[i].SetText(t)
		}
	}
	imp := widget.MediumImportance
	if over {
		imp = widget.DangerImportance
	} else if left == lang.L("due today") {
		imp = widget.WarningImportance
	}
	for _, i := range []int{4, 5} {
		if r.cells[i].Importance != imp {
			r.cells[i].Importance = imp
			r.cells[i].Refresh()
		}
	}
}

// contains reports whether s holds v.
func contains[T comparable](s []T, v T) bool { return slices.Contains(s, v) }

// showDay shows a stored YYYY-MM-DD date in the UI language's one date
// format (shell.DateLayout), as every other screen does.
func showDay(iso string) string {
	if t, err := time.Parse("2006-01-02", iso); err == nil {
		return t.Format(shell.DateLayout())
	}
	return iso
}
