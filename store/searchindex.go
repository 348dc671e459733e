package store

import (
	"cmp"
	"container/heap"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// The search index (migration 0004) is a set of sorted runs, each cut
// into blocks of packed (key, user id) entries. Why runs and not one
// B-tree row per key: an import of a million users makes six million
// keys, and SQLite inserting them row by row into one tree costs a
// B-tree insert per key plus a rewrite of most of the tree per chunk.
// A run is written once, in order, a block (about a hundred keys) per
// row. A search reads the few blocks of each run that overlap the
// prefix and merges the runs in key order. Removing a key (update,
// depersonalize, destroy) rewrites the one block that holds it; with
// secure_delete the old block's bytes are overwritten.

// indexEntry is one search key of one user.
type indexEntry struct {
	key string
	id  int64
}

func compareEntries(a, b indexEntry) int {
	if c := strings.Compare(a.key, b.key); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

// Block size: small enough that a search for a rare key decodes little
// and a block stays on one 4 KiB page, large enough that a run is a few
// rows per thousand keys.
const (
	blockMaxEntries = 128
	blockMaxBytes   = 1536
)

// encodeBlock packs entries[1:] after entries[0], which goes in the
// row's columns. Each entry is the length of the prefix it shares with
// the previous key, the rest of the key, and the user id — as the
// difference from the previous id when the key repeats (ids ascend
// within a key), whole otherwise.
func encodeBlock(dst []byte, es []indexEntry) []byte {
	prev := es[0]
	for _, e := range es[1:] {
		shared := 0
		for shared < len(prev.key) && shared < len(e.key) && prev.key[shared] == e.key[shared] {
			shared++
		}
		dst = binary.AppendUvarint(dst, uint64(shared))
		dst = binary.AppendUvarint(dst, uint64(len(e.key)-shared))
		dst = append(dst, e.key[shared:]...)
		if e.key == prev.key {
			dst = binary.AppendUvarint(dst, uint64(e.id-prev.id))
		} else {
			dst = binary.AppendUvarint(dst, uint64(e.id))
		}
		prev = e
	}
	return dst
}

var errBadBlock = errors.New("search index block is damaged")

// decodeBlock appends the block's entries to dst.
func decodeBlock(dst []indexEntry, firstKey string, firstID int64, data []byte) ([]indexEntry, error) {
	prev := indexEntry{firstKey, firstID}
	dst = append(dst, prev)
	var key []byte
	key = append(key, firstKey...)
	for len(data) > 0 {
		shared, n := binary.Uvarint(data)
		if n <= 0 || shared > uint64(len(key)) {
			return dst, errBadBlock
		}
		data = data[n:]
		rest, n := binary.Uvarint(data)
		if n <= 0 || rest > uint64(len(data)-n) {
			return dst, errBadBlock
		}
		data = data[n:]
		same := rest == 0 && shared == uint64(len(key))
		if !same {
			key = append(key[:shared], data[:rest]...)
		}
		data = data[rest:]
		id, n := binary.Uvarint(data)
		if n <= 0 {
			return dst, errBadBlock
		}
		data = data[n:]
		e := indexEntry{key: prev.key, id: int64(id)}
		if same {
			e.id = prev.id + int64(id)
		} else {
			e.key = string(key)
		}
		dst = append(dst, e)
		prev = e
	}
	return dst, nil
}

// writeRun stores sorted, distinct entries as a new run.
func writeRun(ctx context.Context, tx *sql.Tx, es []indexEntry) error {
	if len(es) == 0 {
		return nil
	}
	lo, hi := es[0].id, es[0].id
	for _, e := range es {
		lo, hi = min(lo, e.id), max(hi, e.id)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO search_runs(entries, min_id, max_id) VALUES (?, ?, ?)`, len(es), lo, hi)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	run, _ := res.LastInsertId()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO search_blocks(run, first_key, first_id, entries, data) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	defer ins.Close()
	buf := make([]byte, 0, 2*blockMaxBytes)
	for start := 0; start < len(es); {
		// Grow the block entry by entry until it is full.
		end, size := start+1, 0
		for end < len(es) && end-start < blockMaxEntries && size < blockMaxBytes {
			size += 3 + len(es[end].key) - sharedPrefix(es[end-1].key, es[end].key)
			end++
		}
		buf = encodeBlock(buf[:0], es[start:end])
		if _, err := ins.ExecContext(ctx, run, es[start].key, es[start].id, end-start, buf); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		start = end
	}
	return nil
}

func sharedPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// sortEntries sorts entries and drops repeats. Many entries (an import
// chunk's) are sorted in two halves on two goroutines, then merged: the
// writer of an import waits for this sort, and the other core is free.
func sortEntries(es []indexEntry) []indexEntry {
	if len(es) < parallelSortMin {
		slices.SortFunc(es, compareEntries)
	} else {
		half := len(es) / 2
		a, b := es[:half], es[half:]
		var wg sync.WaitGroup
		wg.Go(func() { slices.SortFunc(a, compareEntries) })
		slices.SortFunc(b, compareEntries)
		wg.Wait()
		a = slices.Clone(a) // es receives the merge
		i, j, k := 0, 0, 0
		for i < len(a) && j < len(b) {
			if compareEntries(b[j], a[i]) < 0 {
				es[k] = b[j]
				j++
			} else {
				es[k] = a[i]
				i++
			}
			k++
		}
		k += copy(es[k:], a[i:])
		// What is left of b is already in place: es[k:] is b[j:].
	}
	return slices.CompactFunc(es, func(a, b indexEntry) bool { return a.key == b.key && a.id == b.id })
}

// parallelSortMin is the fewest entries sortEntries sorts on two
// goroutines.
const parallelSortMin = 1 << 15

type indexRun struct {
	id      int64
	entries int64
	minID   int64 // the user ids the run may hold
	maxID   int64
}

// mayHold reports whether the run can hold an entry of user id.
func (r indexRun) mayHold(id int64) bool { return id >= r.minID && id <= r.maxID }

func indexRuns(ctx context.Context, q querier) ([]indexRun, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, entries, coalesce(min_id, -9223372036854775808), coalesce(max_id, 9223372036854775807)
		FROM search_runs ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []indexRun
	for rows.Next() {
		var r indexRun
		if err := rows.Scan(&r.id, &r.entries, &r.minID, &r.maxID); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// runCursor reads one run's entries whose key starts with a prefix, in
// order, a few blocks at a time.
type runCursor struct {
	run     int64
	lo, hi  string
	posKey  string // the last block read
	posID   int64
	started bool
	done    bool
	page    int
	// bulk: the caller reads the whole range (counts, sets), so pages
	// start at the largest size instead of growing from two blocks.
	bulk bool
	buf  []indexEntry
}

func (c *runCursor) fill(ctx context.Context, q querier) error {
	for len(c.buf) == 0 && !c.done {
		var rows *sql.Rows
		var err error
		first := !c.started
		if first {
			c.started = true
			c.page = 2
			if c.bulk {
				c.page = 64
			}
			// The last block before lo may hold the first matching
			// entries; one statement reads it and the blocks from lo on.
			rows, err = q.QueryContext(ctx, `SELECT * FROM (SELECT first_key, first_id, data FROM search_blocks
				WHERE run = ?1 AND first_key < ?2 ORDER BY first_key DESC, first_id DESC LIMIT 1)
				UNION ALL SELECT * FROM (SELECT first_key, first_id, data FROM search_blocks
				WHERE run = ?1 AND first_key >= ?2 AND first_key < ?3 ORDER BY first_key, first_id LIMIT ?4)`,
				c.run, c.lo, c.hi, c.page)
		} else {
			c.page = min(c.page*2, 64)
			rows, err = q.QueryContext(ctx, `SELECT first_key, first_id, data FROM search_blocks
				WHERE run = ? AND (first_key, first_id) > (?, ?) AND first_key < ? ORDER BY first_key, first_id LIMIT ?`,
				c.run, c.posKey, c.posID, c.hi, c.page)
		}
		if err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		n := 0
		var lastKey string
		var lastID int64
		for rows.Next() {
			var data []byte
			var k string
			var id int64
			if err := rows.Scan(&k, &id, &data); err != nil {
				rows.Close()
				return fmt.Errorf("search index: %w", err)
			}
			if k >= c.lo {
				n++ // the block before lo is not one of the page's
			}
			if n == 1 || compareEntries(indexEntry{k, id}, indexEntry{lastKey, lastID}) > 0 {
				lastKey, lastID = k, id
			}
			from := len(c.buf)
			if c.buf, err = decodeBlock(c.buf, k, id, data); err != nil {
				rows.Close()
				return fmt.Errorf("search index run %d block %q: %w", c.run, c.posKey, err)
			}
			// Keep the entries in [lo, hi).
			kept := c.buf[:from]
			for _, e := range c.buf[from:] {
				if e.key >= c.lo && e.key < c.hi {
					kept = append(kept, e)
				}
			}
			c.buf = kept
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		if n > 0 {
			c.posKey, c.posID = lastKey, lastID
		}
		if first {
			// UNION ALL does not promise its order: put the entries in it.
			slices.SortFunc(c.buf, compareEntries)
		}
		if n < c.page {
			c.done = true
		}
	}
	return nil
}

// indexIter walks the entries whose key starts with a prefix, over all
// runs, in key order.
type indexIter struct {
	ctx  context.Context
	q    querier
	h    cursorHeap
	last indexEntry
	any  bool
	err  error
}

type cursorHeap []*runCursor

func (h cursorHeap) Len() int           { return len(h) }
func (h cursorHeap) Less(i, j int) bool { return compareEntries(h[i].buf[0], h[j].buf[0]) < 0 }
func (h cursorHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(x any)        { *h = append(*h, x.(*runCursor)) }
func (h *cursorHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// newIndexIter walks the entries starting with any of the prefixes
// (which must not overlap one another).
func newIndexIter(ctx context.Context, q querier, prefixes ...string) (*indexIter, error) {
	runs, err := indexRuns(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	it := &indexIter{ctx: ctx, q: q}
	for _, r := range runs {
		for _, prefix := range prefixes {
			c := &runCursor{run: r.id, lo: prefix, hi: prefix + "\U0010FFFF"}
			if err := c.fill(ctx, q); err != nil {
				return nil, err
			}
			if len(c.buf) > 0 {
				it.h = append(it.h, c)
			}
		}
	}
	heap.Init(&it.h)
	return it, nil
}

// next returns the next entry; ok is false at the end or on an error
// (see err). An entry kept by two runs comes once.
func (it *indexIter) next() (e indexEntry, ok bool) {
	for len(it.h) > 0 {
		c := it.h[0]
		e = c.buf[0]
		c.buf = c.buf[1:]
		if len(c.buf) == 0 {
			if it.err = c.fill(it.ctx, it.q); it.err != nil {
				return e, false
			}
		}
		if len(c.buf) == 0 {
			heap.Pop(&it.h)
		} else {
			heap.Fix(&it.h, 0)
		}
		if it.any && it.last == e {
			continue
		}
		it.last, it.any = e, true
		return e, true
	}
	return e, false
}

// prefixIDs returns up to limit distinct users with a key starting with
// one of the prefixes, in key order.
func prefixIDs(ctx context.Context, q querier, limit int, prefixes ...string) ([]int64, error) {
	it, err := newIndexIter(ctx, q, prefixes...)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var out []int64
	for len(out) < limit {
		e, ok := it.next()
		if !ok {
			break
		}
		if !seen[e.id] {
			seen[e.id] = true
			out = append(out, e.id)
		}
	}
	return out, it.err
}

// eachPrefixEntry calls fn with the entries whose key starts with one of
// the prefixes, run after run — not in key order, which counting and
// building sets do not need — until fn returns false.
func eachPrefixEntry(ctx context.Context, q querier, prefixes []string, fn func(indexEntry) bool) error {
	runs, err := indexRuns(ctx, q)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	for _, r := range runs {
		for _, prefix := range prefixes {
			if more, err := eachInRun(ctx, q, r, prefix, fn); err != nil || !more {
				return err
			}
		}
	}
	return nil
}

// eachInRun is eachPrefixEntry for one run and prefix; more is false
// when fn stopped the walk.
func eachInRun(ctx context.Context, q querier, r indexRun, prefix string, fn func(indexEntry) bool) (more bool, err error) {
	c := &runCursor{run: r.id, lo: prefix, hi: prefix + "\U0010FFFF", bulk: true}
	for {
		if err := c.fill(ctx, q); err != nil {
			return false, err
		}
		if len(c.buf) == 0 {
			return true, nil
		}
		for _, e := range c.buf {
			if !fn(e) {
				return false, nil
			}
		}
		c.buf = c.buf[:0]
	}
}

// prefixSet is the users of the entries whose key starts with a prefix.
type prefixSet struct {
	n      int  // entries read (a user may have several)
	capped bool // reading stopped at the most asked for: the range holds more
	ids    idSet
	// While the range has at most keepEntries entries, its entries too,
	// so the word can be walked in key order without reading it again
	// (keyOrder): keys are the distinct keys met, ents each entry as
	// its key's place in keys << entryKeyShift | user id.
	keys  []string
	ents  []uint64
	whole bool // ents holds every entry read
}

// keepEntries is the most entries a prefixSet keeps (256 KiB): a word
// walked in key order is the rarest of a search's words, at a million
// users rarely commoner than that (a four-letter beginning of a common
// surname: 27,000); keeping the entries of the commoner words cost more
// than it saved.
var keepEntries = 1 << 15 // a variable for the tests

const entryKeyShift = 40 // ids below 1<<40: those an import gives

// prefixIDSet reads the users of the entries whose key starts with
// prefix, up to most entries, and with keep the entries too (see
// prefixSet). Where eachPrefixEntry makes an entry of each (a key
// string, a slice to grow, a sort of the first page), this decodes the
// ids alone, straight into a bitmap: a common three-letter beginning
// («сер») has 100,000 entries and more at a million users, and decoding
// them as entries was most of a two-word search.
func prefixIDSet(ctx context.Context, q querier, prefix string, most int, keep bool) (*prefixSet, error) {
	set := &prefixSet{whole: keep}
	// Size the bitmap for the largest id the runs hold (it grows if a run
	// does not say).
	var top int64
	if err := q.QueryRowContext(ctx, `SELECT coalesce(max(max_id), 0) FROM search_runs WHERE max_id < ?`, denseIDs).Scan(&top); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	set.ids = newIDSet(top + 1)
	keyAt := map[string]uint64{}
	var at uint64 // the current key's place in set.keys
	add := func(key []byte, fresh bool, id int64) bool {
		set.ids.add(id)
		set.n++
		if set.whole {
			if fresh {
				var ok bool
				if at, ok = keyAt[string(key)]; !ok {
					at = uint64(len(set.keys))
					keyAt[string(key)] = at
					set.keys = append(set.keys, string(key))
				}
			}
			if set.n > keepEntries || id < 0 || id >= 1<<entryKeyShift || at >= 1<<(64-entryKeyShift) {
				set.whole, set.keys, set.ents = false, nil, nil
			} else {
				set.ents = append(set.ents, at<<entryKeyShift|uint64(id))
			}
		}
		return set.n < most
	}
	lo, hi := prefix, prefix+"\U0010FFFF"
	var key []byte
	var data sql.RawBytes
	// One statement for all the runs (a rare word's range is a block or
	// two a run, so a statement per run was mostly overhead): each run's
	// blocks from lo on, and its last block before lo, which may hold the
	// first matching entries.
	rows, err := q.QueryContext(ctx, `SELECT b.run, b.first_key, b.first_id, b.data FROM search_runs r
		CROSS JOIN search_blocks b ON b.run = r.id AND b.first_key >= ?1 AND b.first_key < ?2
		UNION ALL SELECT b.run, b.first_key, b.first_id, b.data FROM search_runs r
		CROSS JOIN search_blocks b ON b.id = (SELECT id FROM search_blocks
			WHERE run = r.id AND first_key < ?1 ORDER BY first_key DESC, first_id DESC LIMIT 1)`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var run, id int64
		var k string
		if err := rows.Scan(&run, &k, &id, &data); err != nil {
			return nil, fmt.Errorf("search index: %w", err)
		}
		if key, err = blockIDs(key, k, id, data, lo, hi, add); err != nil {
			return nil, fmt.Errorf("search index run %d block %q: %w", run, k, err)
		}
		if set.n >= most {
			set.capped, set.whole, set.keys, set.ents = true, false, nil, nil
			return set, nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	return set, nil
}

// blockIDs calls fn with the entries of a block whose key is in [lo,
// hi), as decodeBlock reads them, until fn returns false: the key (valid
// until the next call), whether it differs from the previous call's
// (always for a block's first entry in the range) and the user id. key is
// scratch space, returned for the next block.
func blockIDs(key []byte, firstKey string, firstID int64, data []byte, lo, hi string, fn func(key []byte, fresh bool, id int64) bool) ([]byte, error) {
	key = append(key[:0], firstKey...)
	in := firstKey >= lo && firstKey < hi
	fresh := true
	if in {
		if !fn(key, true, firstID) {
			return key, nil
		}
		fresh = false
	}
	prev := firstID
	for len(data) > 0 {
		shared, n := binary.Uvarint(data)
		if n <= 0 || shared > uint64(len(key)) {
			return key, errBadBlock
		}
		data = data[n:]
		rest, n := binary.Uvarint(data)
		if n <= 0 || rest > uint64(len(data)-n) {
			return key, errBadBlock
		}
		data = data[n:]
		same := rest == 0 && shared == uint64(len(key))
		if !same {
			key = append(key[:shared], data[:rest]...)
			if string(key) >= hi {
				return key, nil // keys ascend: the rest are past the range
			}
			in = string(key) >= lo
			fresh = true
		}
		data = data[rest:]
		id, n := binary.Uvarint(data)
		if n <= 0 {
			return key, errBadBlock
		}
		data = data[n:]
		if same {
			id += uint64(prev)
		}
		prev = int64(id)
		if in {
			if !fn(key, fresh, prev) {
				return key, nil
			}
			fresh = false
		}
	}
	return key, nil
}

// keyOrder returns the users of the sets' entries in the order of the
// entries' keys, then ids — the order an indexIter over the sets'
// prefixes gives, an entry kept by two runs once; ok is false when a set
// did not keep its entries.
func keyOrder(sets ...*prefixSet) (ids []int64, ok bool) {
	if len(sets) == 0 {
		return nil, false
	}
	var keys []string
	n := 0
	for _, s := range sets {
		if !s.whole {
			return nil, false
		}
		keys = append(keys, s.keys...)
		n += len(s.ents)
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	if len(keys) > 1<<(64-entryKeyShift) {
		return nil, false
	}
	ents := make([]uint64, 0, n)
	for _, s := range sets {
		place := make([]uint64, len(s.keys))
		for i, k := range s.keys {
			j, _ := slices.BinarySearch(keys, k)
			place[i] = uint64(j)
		}
		for _, e := range s.ents {
			ents = append(ents, place[e>>entryKeyShift]<<entryKeyShift|e&(1<<entryKeyShift-1))
		}
	}
	slices.Sort(ents)
	ents = slices.Compact(ents)
	ids = make([]int64, len(ents))
	for i, e := range ents {
		ids[i] = int64(e & (1<<entryKeyShift - 1))
	}
	return ids, true
}

// prefixCount counts the entries with a key starting with prefix, up to
// most.
func prefixCount(ctx context.Context, q querier, prefix string, most int) (int, error) {
	return prefixesCount(ctx, q, []string{prefix}, most)
}

// prefixesCount counts the entries starting with any of the prefixes.
func prefixesCount(ctx context.Context, q querier, prefixes []string, most int) (int, error) {
	n := 0
	err := eachPrefixEntry(ctx, q, prefixes, func(indexEntry) bool {
		n++
		return n < most
	})
	return n, err
}

// indexEdit gathers one transaction's changes to the search index.
// Removals happen at once (and cancel additions still pending); the
// additions become one new run at flush, so an import chunk or an
// operation adds one run, however many keys it changed.
type indexEdit struct {
	add []indexEntry
	// runs are the index's runs as this transaction last read them
	// (remove reads them once; flush, which may merge runs, forgets them).
	runs []indexRun
	// pending: the users with additions, built when a removal first
	// needs it.
	pending map[int64]bool
	// drop are removals from the existing runs put off to the end of the
	// transaction (removeLater), so that each block is rewritten once.
	drop []indexEntry
}

// pendingFor reports whether keys of userID may be among the additions
// (so a removal must look there: rare, a user twice in one chunk).
func (e *indexEdit) pendingFor(userID int64) bool {
	if e.pending == nil {
		e.pending = make(map[int64]bool, len(e.add)/4)
		for _, a := range e.add {
			e.pending[a.id] = true
		}
	}
	return e.pending[userID]
}

func (e *indexEdit) insert(userID int64, keys []string) {
	if e.add == nil {
		e.add = make([]indexEntry, 0, 1024)
	}
	if e.pending != nil {
		e.pending[userID] = true
	}
	for _, k := range keys {
		e.add = append(e.add, indexEntry{k, userID})
	}
}

// remove deletes a user's keys from the index.
func (e *indexEdit) remove(ctx context.Context, tx *sql.Tx, userID int64, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	gone := map[string]bool{}
	for _, k := range keys {
		gone[k] = true
	}
	if len(e.add) > 0 && e.pendingFor(userID) {
		e.add = slices.DeleteFunc(e.add, func(a indexEntry) bool { return a.id == userID && gone[a.key] })
	}
	if e.runs == nil {
		runs, err := indexRuns(ctx, tx)
		if err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		e.runs = runs
	}
	for _, k := range keys {
		for _, r := range e.runs {
			if !r.mayHold(userID) {
				continue
			}
			if err := removeEntry(ctx, tx, r.id, indexEntry{k, userID}); err != nil {
				return err
			}
		}
	}
	return nil
}

// removeLater is remove for a whole import chunk: additions still
// pending are cancelled at once, the removals from existing runs wait for
// applyRemovals, which rewrites each block they touch once (a re-import
// changing 10% of users otherwise rewrote a block per key, with four
// statements each).
func (e *indexEdit) removeLater(userID int64, keys []string) {
	if len(keys) == 0 {
		return
	}
	if len(e.add) > 0 && e.pendingFor(userID) {
		e.add = slices.DeleteFunc(e.add, func(a indexEntry) bool { return a.id == userID && slices.Contains(keys, a.key) })
	}
	for _, k := range keys {
		e.drop = append(e.drop, indexEntry{k, userID})
	}
}

// applyRemovals carries out the removals of removeLater in the runs as
// they are now (before flush adds this transaction's run): per run, the
// wanted entries in key order, each block that holds some of them read
// and rewritten (or deleted) once, the run's count changed once.
func (e *indexEdit) applyRemovals(ctx context.Context, tx *sql.Tx) error {
	if len(e.drop) == 0 {
		return nil
	}
	drop := sortEntries(e.drop)
	e.drop = nil
	runs, err := indexRuns(ctx, tx)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	e.runs = nil
	find, err := tx.PrepareContext(ctx, `SELECT id, first_key, first_id, data FROM search_blocks
		WHERE run = ? AND (first_key, first_id) <= (?, ?) ORDER BY first_key DESC, first_id DESC LIMIT 1`)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	defer find.Close()
	upd, err := tx.PrepareContext(ctx, `UPDATE search_blocks SET first_key = ?, first_id = ?, entries = ?, data = ? WHERE id = ?`)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	defer upd.Close()
	del, err := tx.PrepareContext(ctx, `DELETE FROM search_blocks WHERE id = ?`)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	defer del.Close()
	var es []indexEntry
	buf := []byte{} // a one-entry block encodes to no bytes, not NULL
	for _, r := range runs {
		removed := 0
		for i := 0; i < len(drop); {
			t := drop[i]
			if !r.mayHold(t.id) {
				i++
				continue
			}
			var id, firstID int64
			var firstKey string
			var data []byte
			err := find.QueryRowContext(ctx, r.id, t.key, t.id).Scan(&id, &firstKey, &firstID, &data)
			if errors.Is(err, sql.ErrNoRows) {
				i++
				continue
			}
			if err != nil {
				return fmt.Errorf("search index: %w", err)
			}
			if es, err = decodeBlock(es[:0], firstKey, firstID, data); err != nil {
				return fmt.Errorf("search index run %d: %w", r.id, err)
			}
			// Every wanted entry up to the block's last one is in this
			// block or nowhere in the run; the next one past it starts
			// the next lookup (or, when even t is past it, t is not in
			// the run).
			last := es[len(es)-1]
			n := len(es)
			j := i
			for ; j < len(drop) && compareEntries(drop[j], last) <= 0; j++ {
				if !r.mayHold(drop[j].id) {
					continue
				}
				if k, found := slices.BinarySearchFunc(es, drop[j], compareEntries); found {
					es = slices.Delete(es, k, k+1)
				}
			}
			if j == i {
				i++
				continue
			}
			i = j
			if len(es) == n {
				continue
			}
			removed += n - len(es)
			if len(es) == 0 {
				_, err = del.ExecContext(ctx, id)
			} else {
				buf = encodeBlock(buf[:0], es)
				_, err = upd.ExecContext(ctx, es[0].key, es[0].id, len(es), buf, id)
			}
			if err != nil {
				return fmt.Errorf("search index: %w", err)
			}
		}
		if removed == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE search_runs SET entries = entries - ? WHERE id = ?`, removed, r.id); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_runs WHERE id = ? AND entries <= 0`, r.id); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
	}
	return nil
}

// removeEntry takes one entry out of a run's block that would hold it,
// if it is there, rewriting or deleting the block.
func removeEntry(ctx context.Context, tx *sql.Tx, run int64, target indexEntry) error {
	var id, firstID int64
	var firstKey string
	var data []byte
	err := tx.QueryRowContext(ctx, `SELECT id, first_key, first_id, data FROM search_blocks
		WHERE run = ? AND (first_key, first_id) <= (?, ?) ORDER BY first_key DESC, first_id DESC LIMIT 1`,
		run, target.key, target.id).Scan(&id, &firstKey, &firstID, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	es, err := decodeBlock(nil, firstKey, firstID, data)
	if err != nil {
		return fmt.Errorf("search index run %d: %w", run, err)
	}
	i, found := slices.BinarySearchFunc(es, target, compareEntries)
	if !found {
		return nil
	}
	es = slices.Delete(es, i, i+1)
	if len(es) == 0 {
		_, err = tx.ExecContext(ctx, `DELETE FROM search_blocks WHERE id = ?`, id)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE search_blocks SET first_key = ?, first_id = ?, entries = ?, data = ? WHERE id = ?`,
			es[0].key, es[0].id, len(es), encodeBlock([]byte{}, es), id)
	}
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE search_runs SET entries = entries - 1 WHERE id = ?`, run); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM search_runs WHERE id = ? AND entries <= 0`, run)
	return err
}

// flush writes the pending additions as a run and merges runs if there
// are too many.
func (e *indexEdit) flush(ctx context.Context, tx *sql.Tx) error {
	if len(e.add) == 0 {
		return nil
	}
	es := sortEntries(e.add)
	e.add, e.runs, e.pending = e.add[:0], nil, nil
	if err := writeRun(ctx, tx, es); err != nil {
		return err
	}
	return compactIndex(ctx, tx)
}

// Runs are merged when there are more than runsSoft of them: first the
// small ones (under a tenth of the biggest) together, which is cheap and
// is what single changes and small imports leave behind. The big runs of
// a large import are left alone until there are more than runsHard runs,
// when the smallest are merged down to runsSoft, so a search never reads
// more than runsHard runs and a big run is not rewritten for every small
// change.
const (
	runsSoft = 16
	runsHard = 32
)

// pickMerge chooses the runs to merge: none, or two or more.
func pickMerge(runs []indexRun) []int64 {
	if len(runs) <= runsSoft {
		return nil
	}
	runs = slices.Clone(runs)
	slices.SortStableFunc(runs, func(a, b indexRun) int { return cmp.Compare(a.entries, b.entries) })
	biggest := runs[len(runs)-1].entries
	var ids []int64
	for i, r := range runs {
		if len(runs) > runsHard && i <= len(runs)-runsSoft || r.entries*10 <= biggest {
			ids = append(ids, r.id)
		}
	}
	if len(ids) < 2 {
		return nil
	}
	return ids
}

// compactIndex merges runs as pickMerge says.
func compactIndex(ctx context.Context, tx *sql.Tx) error {
	runs, err := indexRuns(ctx, tx)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	ids := pickMerge(runs)
	if ids == nil {
		return nil
	}
	var all []indexEntry
	for _, run := range ids {
		rows, err := tx.QueryContext(ctx, `SELECT first_key, first_id, data FROM search_blocks WHERE run = ?`, run)
		if err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		for rows.Next() {
			var k string
			var id int64
			var data []byte
			if err := rows.Scan(&k, &id, &data); err != nil {
				rows.Close()
				return fmt.Errorf("search index: %w", err)
			}
			if all, err = decodeBlock(all, k, id, data); err != nil {
				rows.Close()
				return fmt.Errorf("search index run %d: %w", run, err)
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_blocks WHERE run = ?`, run); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_runs WHERE id = ?`, run); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
	}
	return writeRun(ctx, tx, sortEntries(all))
}

// stmtCache prepares each query text once per workspace. A search reads
// a prefix with a few small queries per run of the index (tens in all),
// and preparing each anew cost a seventh of a search at a million users.
type stmtCache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func (c *stmtCache) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.m[q]; st != nil {
		return st, nil
	}
	st, err := c.db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[q] = st
	return st, nil
}

func (c *stmtCache) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := c.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := c.stmt(ctx, q)
	if err != nil {
		return c.db.QueryRowContext(ctx, q, args...) // reports the same error
	}
	return st.QueryRowContext(ctx, args...)
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}
