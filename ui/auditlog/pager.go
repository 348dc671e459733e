package auditlog

import (
	"legco.kz/compliance/store"
)

// pageSize is how many entries one query fetches.
const pageSize = 200

// maxPages bounds the pages kept in memory when browsing the whole log
// (random access): about 8,000 entries.
const maxPages = 40

// pager is the list's window onto the audit log. It is only touched on
// the UI goroutine; the queries run elsewhere and hand their pages back.
//
// Unfiltered, row i is the entry with seq head-i: the list has exactly
// head rows, any page can be fetched directly (BeforeSeq), and pages far
// from the view are dropped. Filtered, the number of matches is unknown:
// pages are fetched in order as the user scrolls, and the list grows.
type pager struct {
	filter   store.AuditFilter
	filtered bool
	head     int64

	pages   map[int][]store.AuditEntry // unfiltered: page index -> entries
	order   []int                      // unfiltered: pages by last use
	rows    []store.AuditEntry         // filtered: entries loaded so far
	more    bool                       // filtered: more may follow
	loading map[int]bool
}

func newPager(f store.AuditFilter, head int64) *pager {
	p := &pager{
		filter:   f,
		filtered: f.ObjectLike != "" || f.Staff != "" || f.Action != "" || f.Object != "",
		head:     head,
		pages:    map[int][]store.AuditEntry{},
		loading:  map[int]bool{},
	}
	p.more = p.filtered
	return p
}

// length is the number of list rows (filtered: plus one "loading" row
// while more may follow).
func (p *pager) length() int {
	if !p.filtered {
		return int(p.head)
	}
	n := len(p.rows)
	if p.more {
		n++
	}
	return n
}

// entry returns row i's entry; ok is false while it is not loaded. missing
// is true when its page is loaded but the entry is not there (a gap in
// the chain, which verification will report).
func (p *pager) entry(i int) (e store.AuditEntry, ok, missing bool) {
	if p.filtered {
		if i < len(p.rows) {
			return p.rows[i], true, false
		}
		return e, false, false
	}
	pg, loaded := p.pages[i/pageSize]
	if !loaded {
		return e, false, false
	}
	p.touch(i / pageSize)
	seq := p.head - int64(i)
	// Entries come newest first; with no gaps the offset is exact.
	if k := i % pageSize; k < len(pg) && pg[k].Seq == seq {
		return pg[k], true, false
	}
	for _, x := range pg {
		if x.Seq == seq {
			return x, true, false
		}
	}
	return e, false, true
}

// seqAt is the seq row i shows (unfiltered) or 0.
func (p *pager) seqAt(i int) int64 {
	if !p.filtered {
		return p.head - int64(i)
	}
	if i < len(p.rows) {
		return p.rows[i].Seq
	}
	return 0
}

// rowOf is the row showing seq, or -1.
func (p *pager) rowOf(seq int64) int {
	if !p.filtered {
		if seq < 1 || seq > p.head {
			return -1
		}
		return int(p.head - seq)
	}
	for i, e := range p.rows {
		if e.Seq == seq {
			return i
		}
	}
	return -1
}

// need returns the query for the page row i is in, if it is neither
// loaded nor being loaded; ok is false otherwise.
func (p *pager) need(i int) (page int, f store.AuditFilter, ok bool) {
	f = p.filter
	f.Limit = pageSize
	if p.filtered {
		if i < len(p.rows)-pageSize/4 || !p.more {
			return 0, f, false
		}
		page = len(p.rows) / pageSize
		if p.loading[page] {
			return 0, f, false
		}
		if len(p.rows) > 0 {
			f.BeforeSeq = p.rows[len(p.rows)-1].Seq
		}
		p.loading[page] = true
		return page, f, true
	}
	page = i / pageSize
	if _, loaded := p.pages[page]; loaded || p.loading[page] || i < 0 || int64(i) >= p.head {
		return 0, f, false
	}
	f.BeforeSeq = p.head - int64(page*pageSize) + 1
	p.loading[page] = true
	return page, f, true
}

// put stores a fetched page.
func (p *pager) put(page int, entries []store.AuditEntry) {
	delete(p.loading, page)
	if p.filtered {
		if page*pageSize != len(p.rows) {
			return // stale
		}
		p.rows = append(p.rows, entries...)
		p.more = len(entries) == pageSize
		return
	}
	p.pages[page] = entries
	p.touch(page)
	for len(p.order) > maxPages {
		delete(p.pages, p.order[0])
		p.order = p.order[1:]
	}
}

// failed forgets a page whose query failed, so that it can be retried.
func (p *pager) failed(page int) {
	delete(p.loading, page)
	if p.filtered {
		p.more = false
	}
}

func (p *pager) touch(page int) {
	for k, x := range p.order {
		if x == page {
			if k == len(p.order)-1 {
				return
			}
			p.order = append(p.order[:k], p.order[k+1:]...)
			break
		}
	}
	p.order = append(p.order, page)
}
