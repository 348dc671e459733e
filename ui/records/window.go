package records

import (
	"slices"

	"legco.kz/compliance/store"
)

// pageSize is how many users one UsersByID query loads.
const pageSize = 200

// maxPages bounds the pages kept in memory (about 2,400 rows); pages far
// from the view are dropped, least recently used first.
const maxPages = 12

// searchLimit is how many matches a search shows; searchLimitFiltered is
// asked for when filters narrow the matches afterwards.
const (
	searchLimit         = 500
	searchLimitFiltered = 5000
)

// rowState tells what a list row can show.
type rowState int

const (
	rowLoading rowState = iota // its page is not loaded yet
	rowLoaded
	rowGone // destroyed since the ids were read
)

// window is the list's view onto the users. It is only touched on the UI
// goroutine; queries run elsewhere and hand their pages back.
//
// Browsing, the list keeps only the ids of the users matching the
// filters (8 bytes a user, in the list's order) and loads the rows of the pages
// that scroll into view. Searching, the matches (at most searchLimit)
// come with their rows.
type window struct {
	filter store.UserFilter
	query  string
	total  int // users in the workspace

	ids []int64 // browsing: ids matching the filter
	// Browsing a big unfiltered list: the rows announced (the users
	// counted) while only the first page's ids are read; the rest of the
	// ids follow (Screen.readRest) and rows past them show as loading.
	pending   int
	results   []store.UserSummary // searching: the matches
	search    bool
	truncated bool // searching: the limit was reached
	// Searching: how each match matched (by user id), how many matched
	// (a lower bound when atLeast), and the act of a destroyed account id.
	kinds     map[int64]store.MatchKind
	matches   int
	atLeast   bool
	destroyed *store.DestructionAct

	pages   map[int][]store.UserSummary // page -> rows aligned with ids (ID 0: gone)
	order   []int                       // pages by last use, oldest first
	loading map[int]bool
}

func newWindow(f store.UserFilter, query string) *window {
	return &window{filter: f, query: query, search: query != "", pages: map[int][]store.UserSummary{}, loading: map[int]bool{}}
}

// filtered reports whether any filter is set.
func filtered(f store.UserFilter) bool {
	return f.Blocked || f.Depersonalized || f.Entity || f.BatchID > 0
}

// length is the number of rows.
func (w *window) length() int {
	if w.search {
		return len(w.results)
	}
	return max(len(w.ids), w.pending)
}

// partial reports whether only the first ids are read yet.
func (w *window) partial() bool { return !w.search && w.pending > len(w.ids) }

// setIDs replaces the first page's ids with all of them. A page read
// from the first ids stays only if the full list begins with the same
// ids (a change in between would misalign its rows).
func (w *window) setIDs(all []int64) {
	n := len(w.ids)
	same := len(all) >= n && slices.Equal(all[:n], w.ids)
	w.ids, w.pending = all, 0
	if !same {
		clear(w.pages)
		clear(w.loading)
		w.order = w.order[:0]
	}
}

// row returns row i.
func (w *window) row(i int) (store.UserSummary, rowState) {
	if i < 0 || i >= w.length() {
		return store.UserSummary{}, rowGone
	}
	if w.search {
		return w.results[i], rowLoaded
	}
	if i >= len(w.ids) {
		return store.UserSummary{}, rowLoading // its id is not read yet
	}
	p := i / pageSize
	pg, ok := w.pages[p]
	if !ok {
		return store.UserSummary{ID: w.ids[i]}, rowLoading
	}
	w.touch(p)
	u := pg[i%pageSize]
	if u.ID == 0 {
		return store.UserSummary{ID: w.ids[i]}, rowGone
	}
	return u, rowLoaded
}

// need returns the ids of the page row i is in when that page is neither
// loaded nor being loaded (and marks it loading); ok is false otherwise.
func (w *window) need(i int) (page int, ids []int64, ok bool) {
	if w.search || i < 0 || i >= len(w.ids) {
		return 0, nil, false
	}
	page = i / pageSize
	if _, loaded := w.pages[page]; loaded || w.loading[page] {
		return 0, nil, false
	}
	w.loading[page] = true
	return page, w.pageIDs(page), true
}

func (w *window) pageIDs(page int) []int64 {
	lo := page * pageSize
	hi := min(lo+pageSize, len(w.ids))
	return w.ids[lo:hi]
}

// put stores a loaded page. users come in the order of the page's ids,
// without the ones that are gone.
func (w *window) put(page int, users []store.UserSummary) {
	delete(w.loading, page)
	ids := w.pageIDs(page)
	aligned := make([]store.UserSummary, len(ids))
	j := 0
	for k, id := range ids {
		if j < len(users) && users[j].ID == id {
			aligned[k] = users[j]
			j++
		}
	}
	w.pages[page] = aligned
	w.touch(page)
	for len(w.order) > maxPages {
		delete(w.pages, w.order[0])
		w.order = w.order[1:]
	}
}

// failed forgets a page that was not loaded, so that it is asked for
// again when it scrolls into view.
func (w *window) failed(page int) { delete(w.loading, page) }

func (w *window) touch(page int) {
	if n := len(w.order); n > 0 && w.order[n-1] == page {
		return
	}
	if k := slices.Index(w.order, page); k >= 0 {
		w.order = slices.Delete(w.order, k, k+1)
	}
	w.order = append(w.order, page)
}

// rowOf is the row of the user with this id, or -1.
func (w *window) rowOf(id int64) int {
	if w.search {
		for i, u := range w.results {
			if u.ID == id {
				return i
			}
		}
		return -1
	}
	// The ids are in the list's order (by name or account id), not sorted.
	return slices.Index(w.ids, id)
}

// loadedPages lists the pages held, for tests.
func (w *window) loadedPages() []int {
	out := make([]int, 0, len(w.pages))
	for p := range w.pages {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// keepMatching keeps the search matches whose ids are in ids (sorted).
func keepMatching(users []store.UserSummary, ids []int64) []store.UserSummary {
	out := users[:0]
	for _, u := range users {
		if _, ok := slices.BinarySearch(ids, u.ID); ok {
			out = append(out, u)
		}
	}
	return out
}
