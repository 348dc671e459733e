// Package records is the Records screen: the register of LegCo users'
// personal data (privacy policy clause 1.1). A search box and filters
// over a virtualised list that scrolls through a million users while
// holding only their ids and a few pages of rows; a user's detail view
// grouped by clause 1.1.1 (registration data), 1.1.2 (access log, paged)
// and 1.1.3 (data from other sources) with the user's audit history; the
// processing operations of clauses 1.4 and 4.1 (edit a field, block,
// unblock, depersonalize, destroy with a destruction act), each with a
// mandatory reason; and the import of LegCo export files.
//
// Everything that touches the store runs off the UI goroutine; widgets
// change only on it (shell.Do, env.Run's done).
package records

import (
	"context"
	"errors"
	"image/color"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

// Register makes this package the Records section's screen. Call it
// before ui.Start (cmd does).
func Register() {
	shell.Register(shell.Section{ID: shell.SectionRecords, New: New})
}

// New is the section's ScreenFactory.
func New(env *shell.Env) fyne.CanvasObject { return NewScreen(env) }

// Debounce is how long the screen waits after the last key typed in the
// search box (or the batch filter) before it searches.
var Debounce = 250 * time.Millisecond

// columns of the list: account id, full name, IIN, phone, e-mail, state.
// The identifiers and the state badges keep their width; names and
// e-mails give way.
var columns = &shell.Columns{Widths: []float32{112, 250, 120, 128, 200, 130}, Keep: []bool{true, false, true, true, false, true}}

// Screen is the Records screen.
type Screen struct {
	widget.BaseWidget
	env *shell.Env

	Search         *widget.Entry
	Blocked        *widget.Check
	Depersonalized *widget.Check
	Entity         *widget.Check
	Batch          *widget.Entry
	Count          *widget.Label
	List           *widget.List
	Empty          *widget.Label // the list's empty, loading or error state
	ImportButton   *widget.Button
	ActsButton     *widget.Button // the register of destruction acts
	ActAgain       *widget.Button // exports the act of a destroyed account id searched for
	Detail         *Detail
	// The titles that sort the list (by name, the default, or by account id).
	NameHeader    *sortHeader
	AccountHeader *sortHeader
	order         store.UserOrder

	win        *window
	gen        int // list reloads
	typing     int // debounce generation
	cancelLoad context.CancelFunc
	viewFirst  atomic.Int64 // the rows in view when the last page load started:
	viewLast   atomic.Int64 // page loads far from them are skipped
	bound      map[int]*row // row id -> the list row showing it
	// lightChange marks a change of this screen's that leaves the set
	// of users as it was (an edit, a block): the list reloads rows only.
	lightChange bool
	// nameChanged marks an edit of a full name: in name order the row
	// moves, so the ids are read again.
	nameChanged bool
	listPage    fyne.CanvasObject
	stack       *fyne.Container

	// Counters for tests and benchmarks.
	fetches      atomic.Int64 // UsersByID calls
	idsRequested atomic.Int64 // ids passed to UsersByID
	skipped      atomic.Int64 // page loads skipped because the list moved on

	content fyne.CanvasObject
}

// NewScreen builds the screen and starts loading the list.
func NewScreen(env *shell.Env) *Screen {
	s := &Screen{env: env, win: newWindow(store.UserFilter{}, ""), bound: map[int]*row{}, order: store.OrderByName}
	s.ExtendBaseWidget(s)

	s.Search = widget.NewEntry()
	s.Search.SetPlaceHolder(lang.L("Search by name, IIN, phone, e-mail or account id"))
	s.Search.ActionItem = widget.NewIcon(theme.SearchIcon())
	s.Search.OnChanged = func(string) { s.typed() }
	s.Search.OnSubmitted = func(string) { s.Reload() }

	s.Blocked = widget.NewCheck(lang.L("Blocked"), func(bool) { s.Reload() })
	s.Depersonalized = widget.NewCheck(lang.L("Depersonalized"), func(bool) { s.Reload() })
	s.Entity = widget.NewCheck(lang.L("Legal-entity representatives"), func(bool) { s.Reload() })
	s.Batch = widget.NewEntry()
	s.Batch.SetPlaceHolder(lang.L("Import batch no."))
	s.Batch.Validator = func(v string) error {
		if _, err := parseBatch(v); err != nil {
			return err
		}
		return nil
	}
	s.Batch.OnChanged = func(string) { s.typed() }
	s.Batch.OnSubmitted = func(string) { s.Reload() }

	s.Count = widget.NewLabel(lang.L("Loading…"))
	s.Count.Importance = widget.LowImportance

	clear := widget.NewButtonWithIcon(lang.L("Clear"), theme.ContentClearIcon(), s.ClearFilters)
	clear.Importance = widget.LowImportance
	refresh := widget.NewButtonWithIcon(lang.L("Refresh"), theme.ViewRefreshIcon(), s.Reload)
	s.ImportButton = widget.NewButtonWithIcon(lang.L("Import…"), theme.DownloadIcon(), s.ShowImport)
	s.ImportButton.Importance = widget.HighImportance
	if !env.Can(store.PermRecordsImport) {
		s.ImportButton.Hide()
	}

	s.ActsButton = widget.NewButtonWithIcon(lang.L("Destruction acts…"), theme.ListIcon(), s.ShowActs)
	batchBox := container.NewGridWrap(fyne.NewSize(170, s.Batch.MinSize().Height), s.Batch)
	filters := container.NewHBox(s.Blocked, s.Depersonalized, s.Entity, batchBox, clear)
	// The filters scroll sideways rather than widen the window (1024 px).
	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(refresh, s.ActsButton, s.ImportButton), s.Search),
		container.NewHScroll(filters),
	)

	s.List = widget.NewList(func() int { return s.win.length() }, newRow, s.updateRow)
	s.List.OnSelected = s.onSelected
	header := s.newHeader()
	s.Empty = widget.NewLabel("")
	s.Empty.Alignment = fyne.TextAlignCenter
	s.Empty.Wrapping = fyne.TextWrapWord
	s.Empty.Importance = widget.LowImportance
	s.Empty.Hide()
	s.ActAgain = widget.NewButtonWithIcon(lang.L("Export the act again (PDF)…"), theme.DocumentSaveIcon(), s.exportShownAct)
	s.ActAgain.Hide()
	listArea := container.NewBorder(header, nil, nil, nil,
		container.NewStack(s.List, container.NewVBox(layoutSpacerH(48), s.Empty, container.NewCenter(s.ActAgain))))
	s.listPage = container.NewBorder(container.NewVBox(top, widget.NewSeparator()), s.Count, nil, nil, listArea)

	s.Detail = newDetail(s)
	s.Detail.content.Hide()
	s.stack = container.NewStack(s.listPage, s.Detail.content)
	s.content = s.stack

	env.OnChanged(s.changed)
	s.Reload()
	return s
}

// CreateRenderer implements fyne.Widget.
func (s *Screen) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(s.content) }

// Shown puts the cursor in the search box when the section is opened
// again on the list (changes made elsewhere reach the screen through
// env.OnChanged).
func (s *Screen) Shown() {
	if s.listPage.Visible() {
		s.env.Window.Canvas().Focus(s.Search)
	}
}

func layoutSpacerH(h float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(0, h))
	return r
}

// parseBatch reads the batch filter ("" = none).
func parseBatch(v string) (int64, error) {
	v = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "#"))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, shell.UserError(lang.L("An import batch is a whole number, e.g. 3."))
	}
	return n, nil
}

// Filter is what the filters select (the batch filter is ignored while it
// is not a number).
func (s *Screen) Filter() store.UserFilter {
	b, _ := parseBatch(s.Batch.Text)
	return store.UserFilter{Blocked: s.Blocked.Checked, Depersonalized: s.Depersonalized.Checked, Entity: s.Entity.Checked, BatchID: b, Order: s.order}
}

// ClearFilters clears the search box and the filters and shows every user.
func (s *Screen) ClearFilters() {
	s.typing++
	for _, c := range []*widget.Check{s.Blocked, s.Depersonalized, s.Entity} {
		f := c.OnChanged
		c.OnChanged = nil
		c.SetChecked(false)
		c.OnChanged = f
	}
	for _, e := range []*widget.Entry{s.Search, s.Batch} {
		f := e.OnChanged
		e.OnChanged = nil
		e.SetText("")
		e.OnChanged = f
	}
	s.Reload()
}

// ShowBatch shows the users of one import batch.
func (s *Screen) ShowBatch(batch int64) {
	s.ClearFilters()
	f := s.Batch.OnChanged
	s.Batch.OnChanged = nil
	s.Batch.SetText(strconv.FormatInt(batch, 10))
	s.Batch.OnChanged = f
	s.Reload()
}

// typed restarts the debounce timer after a key in the search box or the
// batch filter; the search runs when typing pauses.
func (s *Screen) typed() {
	s.typing++
	g := s.typing
	s.env.Go(func(ctx context.Context) {
		t := time.NewTimer(Debounce)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
		shell.Do(func() {
			if g == s.typing && !s.env.Stopped() {
				s.Reload()
			}
		})
	})
}

// changed reloads after a change to the workspace (ours or another
// screen's): the list keeps its place, the open detail is read again.
func (s *Screen) changed() {
	light := s.lightChange && !(s.nameChanged && s.order == store.OrderByName)
	s.lightChange, s.nameChanged = false, false
	if light && !s.win.search && !filtered(s.win.filter) {
		// Which users are listed did not change: reading a million ids
		// again is not needed, only the rows.
		s.refreshRows()
	} else {
		s.reload(true)
	}
	if s.Detail.Visible() {
		s.Detail.Reload()
	}
}

// refreshRows forgets the loaded rows and loads those in view again.
func (s *Screen) refreshRows() {
	old := s.win
	w := newWindow(old.filter, old.query)
	w.total, w.ids = old.total, old.ids
	s.win = w // page loads under way for the old window are dropped
	first, last := s.visibleRows()
	for id := first; id <= last; id++ {
		if r := s.bound[id]; r != nil && r.id == id {
			s.fill(r, id)
		}
	}
}

// Reload reads the list again with the current search and filters.
func (s *Screen) Reload() { s.reload(false) }

func (s *Screen) reload(keep bool) {
	s.typing++ // a pending debounce is superseded
	s.gen++
	gen := s.gen
	if s.cancelLoad != nil {
		s.cancelLoad() // a stale search or id load stops
	}
	ctx, cancel := context.WithCancel(s.env.Context())
	s.cancelLoad = cancel
	if _, err := parseBatch(s.Batch.Text); err != nil {
		s.Count.SetText(err.Error())
		cancel()
		return
	}
	f := s.Filter()
	q := strings.TrimSpace(s.Search.Text)
	if !keep {
		s.Count.SetText(lang.L("Loading…"))
		if s.win.length() == 0 {
			s.setEmpty(lang.L("Loading…"))
		}
	}
	ws := s.env.WS
	counted := func(total int) {
		if keep {
			return
		}
		shell.Do(func() {
			if gen == s.gen && !s.env.Stopped() {
				s.Count.SetText(lang.L("Users: {{.Count}} · reading the list…", map[string]any{"Count": Group(total)}))
			}
		})
	}
	s.env.Go(func(context.Context) {
		defer cancel()
		w, first, err := load(ctx, ws, f, q, counted)
		if err == nil && first != nil {
			s.fetches.Add(1)
			s.idsRequested.Add(int64(len(w.pageIDs(0))))
		}
		shell.Do(func() {
			if gen != s.gen || s.env.Stopped() {
				return
			}
			if err != nil {
				if !errors.Is(err, context.Canceled) {
					s.Count.SetText(lang.L("The list could not be read."))
					s.setEmpty(shell.ErrorText(err))
				}
				return
			}
			if first != nil {
				w.loading[0] = true
				w.put(0, first)
			}
			s.apply(w, keep)
			// The memory script (.ci/rss.sh) waits for this line.
			s.env.Logf("records first page shown rows=%d of %d", len(first), w.total)
			if w.partial() {
				s.readRest(w, gen)
			}
		})
	})
}

// readRest reads all the ids of a list shown from its first page's, and
// lets the rows past that page load as they come into view.
func (s *Screen) readRest(w *window, gen int) {
	ctx, cancel := context.WithCancel(s.env.Context())
	s.cancelLoad = cancel
	ws, f := s.env.WS, w.filter
	s.env.Go(func(context.Context) {
		defer cancel()
		ids, err := ws.UserIDs(ctx, f)
		shell.Do(func() {
			if gen != s.gen || s.win != w || s.env.Stopped() {
				return
			}
			if err != nil {
				if !errors.Is(err, context.Canceled) {
					s.Count.SetText(shell.ErrorText(err))
				}
				return
			}
			w.setIDs(ids)
			if len(ids) != w.total {
				w.total = len(ids) // changed meanwhile
				s.updateCount()
			}
			s.List.Refresh() // the rows in view that waited for their ids
			s.env.Logf("records list ids read: %d", len(ids))
		})
	})
}

// load reads the ids (browsing) or the matches (searching), and the first
// page of rows.
func load(ctx context.Context, ws *store.Workspace, f store.UserFilter, q string, counted func(total int)) (*window, []store.UserSummary, error) {
	w := newWindow(f, q)
	var err error
	if w.total, err = ws.CountUsers(ctx, store.UserFilter{}); err != nil {
		return nil, nil, err
	}
	if q == "" && !filtered(f) {
		counted(w.total) // reading every id takes a few seconds at a million
	}
	if q == "" && !filtered(f) && w.total > 2*pageSize {
		// Reading a million ids in name order takes about a second: show
		// the first page from its own ids and read the rest after.
		if w.ids, err = ws.FirstUserIDs(ctx, f, pageSize); err != nil {
			return nil, nil, err
		}
		w.pending = w.total
	} else if q == "" || filtered(f) {
		ids := f
		if q != "" {
			ids.Order = store.OrderByID // only to filter the matches (keepMatching)
		}
		if w.ids, err = ws.UserIDs(ctx, ids); err != nil {
			return nil, nil, err
		}
	}
	if q != "" {
		limit := searchLimit
		if filtered(f) {
			limit = searchLimitFiltered
		}
		found, err := ws.Search(ctx, q, store.SearchOptions{Limit: limit})
		if err != nil {
			return nil, nil, err
		}
		res := make([]store.UserSummary, len(found.Hits))
		w.kinds = make(map[int64]store.MatchKind, len(found.Hits))
		for i, h := range found.Hits {
			res[i] = h.UserSummary
			w.kinds[h.ID] = h.Match
		}
		w.matches, w.atLeast, w.destroyed = found.Total, found.TotalAtLeast, found.Destroyed
		w.truncated = found.More
		if filtered(f) {
			res = keepMatching(res, w.ids)
			w.matches, w.atLeast = len(res), found.More
		}
		if len(res) > searchLimit {
			res, w.truncated = res[:searchLimit], true
		}
		w.results, w.ids = res, nil
		return w, nil, nil
	}
	if len(w.ids) == 0 {
		return w, nil, nil
	}
	first, err := ws.UsersByID(ctx, w.pageIDs(0))
	if err != nil {
		return nil, nil, err
	}
	return w, first, nil
}

// apply shows a freshly loaded window.
func (s *Screen) apply(w *window, keep bool) {
	offset := s.List.GetScrollOffset()
	s.win = w
	clear(s.bound)
	s.updateCount()
	switch {
	case w.length() > 0:
		s.Empty.Hide()
		s.ActAgain.Hide()
	case w.destroyed != nil:
		s.showDestroyed(w.destroyed)
	case w.search:
		s.setEmpty(lang.L("No user matches “{{.Query}}”. Search by a word of the name or its beginning, an IIN, a phone number, an e-mail or an account id.", map[string]any{"Query": w.query}))
	case filtered(w.filter):
		s.setEmpty(lang.L("No user matches the filters."))
	default:
		s.setEmpty(lang.L("There are no user records yet. Import a users export from LegCo (Import…)."))
	}
	s.List.UnselectAll()
	s.List.Refresh()
	if keep {
		s.List.ScrollToOffset(offset)
	} else {
		s.List.ScrollToTop()
	}
}

func (s *Screen) setEmpty(text string) {
	s.Empty.SetText(text)
	s.Empty.Show()
	s.ActAgain.Hide()
}

func (s *Screen) updateCount() {
	w := s.win
	switch {
	case w.search && w.truncated && w.atLeast:
		s.Count.SetText(lang.L("Found: {{.Count}} of more than {{.Total}}; narrow the search.", map[string]any{"Count": Group(w.length()), "Total": Group(w.matches)}))
	case w.search && w.truncated && w.matches > w.length():
		s.Count.SetText(lang.L("Found: {{.Count}} of {{.Total}}", map[string]any{"Count": Group(w.length()), "Total": Group(w.matches)}))
	case w.search && w.truncated:
		s.Count.SetText(lang.L("Found: the first {{.Count}} matches; narrow the search.", map[string]any{"Count": Group(w.length())}))
	case w.search:
		s.Count.SetText(lang.L("Found: {{.Count}}", map[string]any{"Count": Group(w.length())}))
	case filtered(w.filter):
		s.Count.SetText(lang.L("Matching: {{.Count}} of {{.Total}}", map[string]any{"Count": Group(w.length()), "Total": Group(w.total)}))
	default:
		s.Count.SetText(lang.L("Users: {{.Count}}", map[string]any{"Count": Group(w.total)}))
	}
}

// Group writes n with thin groups of three digits: 1 000 000.
func Group(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// rowHeight is the height of a list row and its separator, as the list
// lays them out.
func rowHeight() float32 {
	return metricsFor(fyne.TextStyle{}).lineH + 2*theme.InnerPadding() + theme.Padding()
}

// visibleRows is the range of rows in view, from the scroll offset.
func (s *Screen) visibleRows() (first, last int) {
	h := rowHeight()
	n := s.win.length()
	if h <= 0 || n == 0 {
		return 0, -1
	}
	first = min(int(s.List.GetScrollOffset()/h), n-1)
	last = min(first+int(s.List.Size().Height/h)+1, n-1)
	return first, last
}

// noteView publishes the rows in view to page loads under way.
func (s *Screen) noteView() {
	first, last := s.visibleRows()
	s.viewFirst.Store(int64(first))
	s.viewLast.Store(int64(last))
}

// fetch loads the page of row i if it is not there yet.
func (s *Screen) fetch(i int) {
	w := s.win
	page, ids, ok := w.need(i)
	if !ok {
		return
	}
	s.noteView()
	ws := s.env.WS
	lo, hi := int64(page*pageSize), int64(page*pageSize+len(ids)-1)
	var got []store.UserSummary
	skipped := false
	s.env.Run(func(ctx context.Context) error {
		// Dragging the scroll bar through a million rows asks for many
		// pages on the way: skip those already out of view by the time
		// their turn comes.
		if hi < s.viewFirst.Load()-pageSize || lo > s.viewLast.Load()+pageSize {
			skipped = true
			s.skipped.Add(1)
			return nil
		}
		s.fetches.Add(1)
		s.idsRequested.Add(int64(len(ids)))
		var err error
		got, err = ws.UsersByID(ctx, ids)
		return err
	}, func(err error) {
		if w != s.win {
			return // reloaded meanwhile
		}
		first, last := s.visibleRows()
		from, to := max(first, int(lo)), min(last, int(hi))
		if err != nil || skipped {
			w.failed(page)
			if err != nil {
				s.Count.SetText(shell.ErrorText(err))
			} else if from <= to {
				s.fetch(from) // in view after all: ask again
			}
			return
		}
		w.put(page, got)
		// Fill the rows in view; a List.Refresh would rebuild them all.
		for id := from; id <= to; id++ {
			if r := s.bound[id]; r != nil && r.id == id {
				s.fill(r, id)
			}
		}
	})
}

// updateRow is the list's UpdateItem.
func (s *Screen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	r := rowOf(o)
	s.bind(r, id)
	s.fill(r, id)
}

// bind remembers which row shows id, so that a page that arrives later
// fills the rows in view without refreshing the whole list.
func (s *Screen) bind(r *row, id int) {
	if old := s.bound[r.id]; old == r && r.id != id {
		delete(s.bound, r.id)
	}
	r.id = id
	s.bound[id] = r
	if len(s.bound) > 512 { // rows recycled or dropped by the list
		first, last := s.visibleRows()
		for k := range s.bound {
			if k < first-64 || k > last+64 {
				delete(s.bound, k)
			}
		}
	}
}

// fill shows row id's user (or its loading or gone state) in r.
func (s *Screen) fill(r *row, id int) {
	u, st := s.win.row(id)
	switch st {
	case rowLoading:
		r.set(0, "", widget.LowImportance)
		r.set(1, lang.L("Loading…"), widget.LowImportance)
		for i := 2; i < len(r.texts); i++ {
			r.set(i, "", widget.MediumImportance)
		}
		r.setTags(store.UserSummary{})
		s.fetch(id)
		return
	case rowGone:
		r.set(0, "", widget.LowImportance)
		r.set(1, lang.L("(destroyed or removed since the list was read)"), widget.LowImportance)
		for i := 2; i < len(r.texts); i++ {
			r.set(i, "", widget.MediumImportance)
		}
		r.setTags(store.UserSummary{})
		return
	}
	imp := widget.MediumImportance
	if u.State == store.StateDepersonalized {
		imp = widget.LowImportance
	}
	r.set(0, u.AccountID, widget.MediumImportance)
	r.set(1, u.FullName+matchNote(s.win.kinds[u.ID]), imp)
	r.set(2, u.IIN, imp)
	r.set(3, u.Phone, imp)
	r.set(4, u.Email, imp)
	r.setTags(u)
}

func (s *Screen) onSelected(id widget.ListItemID) {
	u, st := s.win.row(id)
	s.List.UnselectAll()
	if st != rowLoaded {
		return
	}
	s.Open(u.AccountID)
}

// Open shows a user's detail view.
func (s *Screen) Open(accountID string) {
	s.listPage.Hide()
	s.Detail.content.Show()
	s.Detail.Load(accountID)
}

// Back returns from the detail view to the list.
func (s *Screen) Back() {
	s.Detail.Close()
	s.Detail.content.Hide()
	s.listPage.Show()
	if row := s.win.rowOfAccount(s.Detail.lastAccount); row >= 0 {
		s.List.ScrollTo(row)
	}
	s.env.Window.Canvas().Focus(s.Search)
}

// rowOfAccount finds a loaded row by account id (-1 if it is not loaded).
func (w *window) rowOfAccount(accountID string) int {
	if accountID == "" {
		return -1
	}
	if w.search {
		for i, u := range w.results {
			if u.AccountID == accountID {
				return i
			}
		}
		return -1
	}
	for p, pg := range w.pages {
		for k, u := range pg {
			if u.AccountID == accountID {
				return p*pageSize + k
			}
		}
	}
	return -1
}
