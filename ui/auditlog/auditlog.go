// Package auditlog is the Audit log screen: the hash-chained log, newest
// first, in a virtualised list that loads pages off the UI goroutine;
// filters by object, staff and action; a detail panel; and verification
// of the whole chain with progress and cancel.
package auditlog

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

// columns of the list: seq, time, staff, role, action, object, reason.
// The object (user:LC-…, act:DA-…, request:RQ-…) is an identifier: kept
// whole, the staff, role, action and reason give way on a narrow window.
var columns = &shell.Columns{Widths: []float32{56, 200, 120, 110, 160, 170, 140}, Keep: []bool{true, true, false, false, false, true}}

// actionPrefixes are offered in the action filter.
var actionPrefixes = []string{"staff.", "workspace.", "settings.", "user.", "record.", "request.", "consent.", "policy."}

// Screen is the audit log screen.
type Screen struct {
	widget.BaseWidget
	env        *shell.Env
	summaryRow *fyne.Container

	Object *widget.Entry
	Action *widget.SelectEntry
	Staff  *widget.Select
	List   *widget.List
	// ExpectHead is the verify dialog's expected-head field (while open).
	ExpectHead *widget.Entry
	Summary    *widget.Label
	Detail     *Detail
	// PackButton opens the "Make audit pack" dialog (every role: packing
	// changes nothing).
	PackButton *widget.Button

	staffNames []string
	pager      *pager
	gen        int
	selected   int64 // seq of the selected entry (0: none)
	select_    int64 // seq to select once loaded
	loadedHead int64
	content    fyne.CanvasObject
}

// New is the section's ScreenFactory.
func New(env *shell.Env) fyne.CanvasObject { return NewScreen(env) }

// NewScreen builds the screen and starts loading the log.
func NewScreen(env *shell.Env) *Screen {
	s := &Screen{env: env, pager: newPager(store.AuditFilter{}, 0)}
	s.ExtendBaseWidget(s)

	s.Object = widget.NewEntry()
	s.Object.SetPlaceHolder(lang.L("e.g. staff: or user:LC-000123"))
	s.Object.OnSubmitted = func(string) { s.Reload() }
	s.Action = widget.NewSelectEntry(actionPrefixes)
	s.Action.SetPlaceHolder(lang.L("e.g. staff."))
	s.Action.OnSubmitted = func(string) { s.Reload() }
	s.Staff = widget.NewSelect([]string{lang.L("All staff")}, func(string) { s.Reload() })
	s.Staff.SetSelectedIndex(0)

	apply := widget.NewButtonWithIcon(lang.L("Apply"), theme.SearchIcon(), s.Reload)
	clear := widget.NewButtonWithIcon(lang.L("Clear"), theme.ContentClearIcon(), s.ClearFilters)
	verify := widget.NewButtonWithIcon(lang.L("Verify chain…"), theme.ConfirmIcon(), s.askVerify)
	verify.Importance = widget.HighImportance
	refresh := widget.NewButtonWithIcon(lang.L("Refresh"), theme.ViewRefreshIcon(), s.Reload)
	s.PackButton = widget.NewButtonWithIcon(lang.L("Make audit pack…"), theme.DocumentSaveIcon(), func() { s.askPack() })

	field := func(label string, w fyne.CanvasObject) fyne.CanvasObject {
		return container.NewBorder(nil, nil, widget.NewLabel(label), nil, w)
	}
	filterRow := container.NewGridWithColumns(3,
		field(lang.L("Object starts with"), s.Object),
		field(lang.L("Staff member"), s.Staff),
		field(lang.L("Action starts with"), s.Action))
	s.Summary = widget.NewLabel(lang.L("Loading…"))
	s.Summary.TextStyle = fyne.TextStyle{Italic: true}

	s.List = widget.NewList(func() int { return s.pager.length() }, newRow, s.updateRow)
	s.List.OnSelected = s.onSelected
	s.List.OnUnselected = func(widget.ListItemID) {}
	header := shell.HeaderRow(columns, lang.L("No."), lang.L("Time"), lang.L("Staff member"), lang.L("Role"),
		lang.L("Action"), lang.L("Object"), lang.L("Reason"))

	s.Detail = newDetail(env)
	listArea := container.NewBorder(header, nil, nil, nil, s.List)
	split := container.NewVSplit(listArea, container.NewVScroll(s.Detail.Content()))
	split.Offset = 0.58
	// At 1024 px the buttons that do not fit go into a "More" menu and
	// the filters scroll sideways: nothing widens the window.
	buttons := shell.NewOverflowBar(apply, clear, refresh, verify, s.PackButton)
	s.summaryRow = container.NewBorder(nil, nil, s.Summary, nil, buttons)
	s.content = container.NewBorder(container.NewVBox(container.NewHScroll(filterRow), s.summaryRow), nil, nil, nil, split)

	env.OnChanged(func() { s.Reload(); s.loadStaff() })
	s.loadStaff()
	s.Reload()
	return s
}

// CreateRenderer implements fyne.Widget.
func (s *Screen) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(s.content) }

// Shown reloads when the section is opened again.
func (s *Screen) Shown() { s.Reload() }

// Filter is what the filters select.
func (s *Screen) Filter() store.AuditFilter {
	f := store.AuditFilter{
		ObjectLike: strings.TrimSpace(s.Object.Text),
		Action:     strings.TrimSpace(s.Action.Text),
	}
	if i := s.Staff.SelectedIndex(); i > 0 && i-1 < len(s.staffNames) {
		f.Staff = s.staffNames[i-1]
	}
	return f
}

// ClearFilters shows the whole log again.
func (s *Screen) ClearFilters() {
	s.Object.SetText("")
	s.Action.SetText("")
	s.Staff.OnChanged = nil
	s.Staff.SetSelectedIndex(0)
	s.Staff.OnChanged = func(string) { s.Reload() }
	s.Reload()
}

func (s *Screen) loadStaff() {
	var names []string
	s.env.Run(func(ctx context.Context) error {
		staff, err := s.env.WS.ListStaff(ctx, true)
		for _, m := range staff {
			names = append(names, m.Name)
		}
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		cur := s.Staff.Selected
		s.staffNames = names
		s.Staff.OnChanged = nil
		s.Staff.Options = append([]string{lang.L("All staff")}, names...)
		s.Staff.SetSelectedIndex(0)
		for i, n := range names {
			if n == cur {
				s.Staff.SetSelectedIndex(i + 1)
			}
		}
		s.Staff.OnChanged = func(string) { s.Reload() }
	})
}

// Reload reads the log again with the current filters, keeping the
// selected entry selected if it is still listed.
func (s *Screen) Reload() {
	s.gen++
	gen := s.gen
	f := s.Filter()
	var head store.AuditHead
	var first []store.AuditEntry
	s.env.Run(func(ctx context.Context) error {
		var err error
		if head, err = s.env.WS.AuditHead(ctx); err != nil {
			return err
		}
		q := f
		q.Limit = pageSize
		first, err = s.env.WS.AuditEntries(ctx, q)
		return err
	}, func(err error) {
		if gen != s.gen {
			return
		}
		if err != nil {
			s.Summary.SetText(shell.ErrorText(err))
			return
		}
		s.pager = newPager(f, head.Seq)
		if s.pager.filtered {
			s.pager.loading[0] = true
			s.pager.put(0, first)
		} else if len(first) > 0 {
			s.pager.loading[0] = true
			s.pager.put(0, first)
		}
		s.loadedHead = head.Seq
		s.updateSummary()
		s.List.UnselectAll()
		s.List.Refresh()
		want := s.select_
		if want == 0 {
			want = s.selected
		}
		s.select_ = 0
		if want > 0 {
			if row := s.pager.rowOf(want); row >= 0 {
				s.List.ScrollTo(row)
				s.List.Select(row)
				return
			}
		}
		s.selected = 0
		s.Detail.Clear()
	})
}

func (s *Screen) updateSummary() {
	// The row was laid out for the summary before: without a new layout
	// the longer text ran under the buttons.
	defer s.summaryRow.Refresh()
	p := s.pager
	switch {
	case !p.filtered:
		s.Summary.SetText(lang.L("All {{.Count}} entries, newest first.", map[string]any{"Count": p.head}))
	case p.more:
		s.Summary.SetText(lang.L("Filtered: {{.Count}} matching entries loaded so far, newest first; scroll down for more.", map[string]any{"Count": len(p.rows)}))
	default:
		s.Summary.SetText(lang.L("Filtered: {{.Count}} matching entries, newest first.", map[string]any{"Count": len(p.rows)}))
	}
}

// ShowObject shows only the entries of objects starting with object
// (the other filters are cleared).
func (s *Screen) ShowObject(object string) {
	s.Object.SetText(object)
	s.Action.SetText("")
	s.Staff.OnChanged = nil
	s.Staff.SetSelectedIndex(0)
	s.Staff.OnChanged = func(string) { s.Reload() }
	s.selected = 0
	s.Reload()
}

// Select shows entry seq: the filters are cleared and the list scrolls
// to it.
func (s *Screen) Select(seq int64) {
	s.select_ = seq
	s.ClearFilters()
}

// SelectedSeq is the seq of the selected entry (0: none).
func (s *Screen) SelectedSeq() int64 { return s.selected }

func (s *Screen) fetch(i int) {
	page, f, ok := s.pager.need(i)
	if !ok {
		return
	}
	p := s.pager
	var got []store.AuditEntry
	s.env.Run(func(ctx context.Context) error {
		var err error
		got, err = s.env.WS.AuditEntries(ctx, f)
		return err
	}, func(err error) {
		if p != s.pager {
			return // the filters changed meanwhile
		}
		if err != nil {
			p.failed(page)
			s.Summary.SetText(shell.ErrorText(err))
			return
		}
		p.put(page, got)
		if p.filtered {
			s.updateSummary()
		}
		s.List.Refresh()
		s.showPending()
	})
}

type row struct {
	cells []*widget.Label
	box   *fyne.Container
}

func newRow() fyne.CanvasObject {
	cells := make([]*widget.Label, len(columns.Widths))
	objs := make([]fyne.CanvasObject, len(cells))
	for i := range cells {
		cells[i] = shell.CellLabel("")
		objs[i] = cells[i]
	}
	cells[0].Alignment = fyne.TextAlignTrailing
	return container.New(columns, objs...)
}

func (s *Screen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	cells := o.(*fyne.Container).Objects
	set := func(i int, text string, imp widget.Importance) {
		l := cells[i].(*widget.Label)
		if l.Text != text || l.Importance != imp {
			l.Importance = imp
			l.Text = text
			l.Refresh()
		}
	}
	e, ok, missing := s.pager.entry(id)
	if !ok {
		seq := s.pager.seqAt(id)
		num := ""
		if seq > 0 {
			num = fmt.Sprint(seq)
		}
		if missing {
			set(0, num, widget.DangerImportance)
			set(1, lang.L("missing from the log"), widget.DangerImportance)
		} else {
			set(0, num, widget.LowImportance)
			set(1, lang.L("Loading…"), widget.LowImportance)
			s.fetch(id)
		}
		for i := 2; i < len(cells); i++ {
			set(i, "", widget.MediumImportance)
		}
		return
	}
	set(0, fmt.Sprint(e.Seq), widget.MediumImportance)
	set(1, shell.FormatTimeSeconds(s.env, e.At), widget.MediumImportance)
	set(2, e.Staff, widget.MediumImportance)
	set(3, shell.RoleName(e.Role), widget.MediumImportance)
	set(4, shell.ActionWord(e.Action), widget.MediumImportance)
	set(5, e.Object, widget.MediumImportance)
	set(6, shell.SystemReason(e.Reason), widget.MediumImportance)
	s.fetch(id) // filtered: fetch the next page near the end
}

func (s *Screen) onSelected(id widget.ListItemID) {
	e, ok, _ := s.pager.entry(id)
	if !ok {
		// Shown when its page arrives (showPending).
		s.selected = s.pager.seqAt(id)
		s.Detail.Clear()
		return
	}
	s.selected = e.Seq
	s.Detail.Show(e)
}

// showPending fills the detail panel once the selected entry's page has
// arrived.
func (s *Screen) showPending() {
	if s.selected == 0 || s.Detail.Seq() == s.selected {
		return
	}
	if row := s.pager.rowOf(s.selected); row >= 0 {
		if e, ok, _ := s.pager.entry(row); ok {
			s.Detail.Show(e)
		}
	}
}

// TimeFormat was the log's time layout; times now go through
// shell.FormatTimeSeconds (kept for code written against it).
//
// Deprecated: use shell.FormatTimeSeconds.
const TimeFormat = "2006-01-02 15:04:05"

// entryTime is entryTimeIn in the default zone (Asia/Almaty).
func entryTime(t time.Time) string { return entryTimeIn(nil, t) }

// entryTimeIn formats an entry's time for the detail panel: the
// workspace's clock, and the exact UTC instant the chain stores.
func entryTimeIn(env *shell.Env, t time.Time) string {
	return shell.FormatTimeSeconds(env, t) + "  (" + t.UTC().Format("2006-01-02 15:04:05.000000 UTC") + ")"
}
