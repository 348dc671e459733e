package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"

	"legco.kz/compliance/store/kz"
)

// MatchKind says how a search result matched the query.
type MatchKind string

const (
	// MatchExact: the words as typed (case, ё/е and spacing aside), or
	// the IIN, phone, e-mail or account id.
	MatchExact MatchKind = "exact"
	// MatchFolded: in the same script with letters folded — a Kazakh
	// letter typed as the nearest Russian one or back (ә~а, қ~к, і~и …).
	MatchFolded MatchKind = "folded"
	// MatchTransliterated: Latin finding Cyrillic or back (Zholdasbekov,
	// Joldasbekov ~ Жолдасбеков).
	MatchTransliterated MatchKind = "transliterated"
)

// SearchHit is one user found, with how it matched.
type SearchHit struct {
	UserSummary
	Match MatchKind
}

// SearchOptions tune a search.
type SearchOptions struct {
	// Limit is the most hits returned (default 50).
	Limit int
	// All returns every match and counts them all.
	All bool
	// CountUpTo stops counting matches there (default 1,000), so a
	// common name costs little more than a rare one.
	CountUpTo int
}

// SearchResult is a page of matches and how many there are.
type SearchResult struct {
	Hits []SearchHit
	// Total is the number of users matching; a lower bound when
	// TotalAtLeast (counting stopped at SearchOptions.CountUpTo).
	Total        int
	TotalAtLeast bool
	// More: there are matches beyond Hits.
	More bool
	// Destroyed is set when the query is the account id of a destroyed
	// user: what remains is the act.
	Destroyed *DestructionAct
}

// SearchUsers is Search's hits without the counts.
func (w *Workspace) SearchUsers(ctx context.Context, query string, limit int) ([]UserSummary, error) {
	if limit <= 0 {
		limit = 100
	}
	res, err := w.Search(ctx, query, SearchOptions{Limit: limit, CountUpTo: limit})
	if err != nil {
		return nil, err
	}
	out := make([]UserSummary, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.UserSummary
	}
	return out, nil
}

// Search finds users by any word of the name or its beginning, however
// it was typed: case, «ё»/«е», Kazakh letters typed as Russian ones and
// back, Latin (passport or 2021 alphabet) for Cyrillic and back (see
// kz.Skeleton); by IIN, by phone written any common way (8 701…, +7
// (701)…), by e-mail or by account id. Exact matches come first, then
// the folded and transliterated ones, each group ordered by name; each
// hit says how it matched.
//
// Every path is a range scan of the search index that stops after the
// limit (counting stops at CountUpTo), so the cost depends on the limit,
// not on the number of users. Spellings meet in the index: each name word
// whose skeleton differs from it has a 't' key (searchKeys), so a folded
// query reads ranges as an exact one does.
func (w *Workspace) Search(ctx context.Context, query string, opts SearchOptions) (*SearchResult, error) {
	query = strings.TrimSpace(kz.NFC(query))
	res := &SearchResult{}
	if query == "" {
		return res, nil
	}
	limit, countUpTo := opts.Limit, opts.CountUpTo
	if limit <= 0 {
		limit = 50
	}
	if countUpTo <= 0 {
		countUpTo = 1_000
	}
	if opts.All {
		limit, countUpTo = math.MaxInt32, math.MaxInt32
	}
	countUpTo = max(countUpTo, limit)
	exact, fuzzy, total, complete, err := w.matchIDs(ctx, query, limit, countUpTo)
	if err != nil {
		return nil, err
	}
	res.Total, res.TotalAtLeast = total, !complete
	latinQuery := kz.HasLatin(query)
	for _, group := range []struct {
		ids  []int64
		kind MatchKind
	}{{exact, MatchExact}, {fuzzy, ""}} {
		if len(res.Hits) >= limit {
			break
		}
		users, err := w.UsersByID(ctx, group.ids)
		if err != nil {
			return nil, err
		}
		sortByName(users)
		for _, u := range users {
			if len(res.Hits) >= limit {
				break
			}
			kind := group.kind
			if kind == "" {
				kind = MatchFolded
				if kz.HasLatin(u.FullName) != latinQuery {
					kind = MatchTransliterated
				}
			}
			res.Hits = append(res.Hits, SearchHit{u, kind})
		}
	}
	res.More = res.Total > len(res.Hits)
	if len(res.Hits) == 0 && !strings.ContainsAny(query, " \t") {
		if res.Destroyed, err = w.destroyedAccount(ctx, query); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// sortByName puts hits in the records list's alphabetical order (the
// stored sort key's, namekey.go), then by account id.
func sortByName(out []UserSummary) {
	keys := make([][]byte, len(out))
	for i, u := range out {
		keys[i] = NameKey(u.FullName)
	}
	sort.Sort(byNameKey{out, keys})
}

type byNameKey struct {
	us   []UserSummary
	keys [][]byte
}

func (b byNameKey) Len() int { return len(b.us) }
func (b byNameKey) Less(i, j int) bool {
	if c := bytes.Compare(b.keys[i], b.keys[j]); c != 0 {
		return c < 0
	}
	return b.us[i].AccountID < b.us[j].AccountID
}
func (b byNameKey) Swap(i, j int) {
	b.us[i], b.us[j] = b.us[j], b.us[i]
	b.keys[i], b.keys[j] = b.keys[j], b.keys[i]
}

// matchIDs walks each source of matches up to limit users, counting
// them all (total) and keeping the first keep new ones of each: exact
// holds those matching as typed, fuzzy the others that match folded or
// transliterated. complete: no source stopped at the limit, so total
// counts every match.
func (w *Workspace) matchIDs(ctx context.Context, query string, keep, limit int) (exact, fuzzy []int64, total int, complete bool, err error) {
	seen := map[int64]bool{}
	complete = true
	add := func(dst *[]int64, found []int64) {
		if len(found) >= limit && dst == &exact {
			complete = false // the fuzzy walk is checked below, against its own limit
		}
		kept := 0
		for _, id := range found {
			if !seen[id] {
				seen[id] = true
				if kept < keep {
					*dst = append(*dst, id)
					kept++
				}
			}
		}
	}
	found, err := w.rangeIDs(ctx, `SELECT id FROM users WHERE account_id >= ? AND account_id < ? LIMIT ?`, query, limit)
	if err != nil {
		return nil, nil, 0, false, err
	}
	add(&exact, found)
	if !strings.ContainsAny(query, " \t") {
		if found, err = w.keyRange(ctx, limit, "e "+strings.ToLower(query)); err != nil {
			return nil, nil, 0, false, err
		}
		add(&exact, found)
	}
	if onlyPhoneChars(query) {
		var prefixes []string
		if d := keepDigits(query); len(d) >= 2 && len(d) <= 12 {
			prefixes = append(prefixes, "i "+d)
		}
		// The key is the number's digits with the trunk 8 turned into the
		// country code when it was written; without one, try it both as
		// the start of the full number and as the start after 7.
		if key := kz.PhoneSearchKey(query); len(key) >= 3 {
			prefixes = append(prefixes, "p "+key)
			if len(key) <= 10 {
				prefixes = append(prefixes, "p 7"+key)
			}
		}
		for _, p := range prefixes {
			if found, err = w.keyRange(ctx, limit, p); err != nil {
				return nil, nil, 0, false, err
			}
			add(&exact, found)
		}
		return exact, nil, len(seen), complete, nil
	}
	if strings.Contains(query, "@") {
		// An e-mail address is not a name: its words («mail», «ru») would
		// match most of the index.
		return exact, nil, len(seen), complete, nil
	}
	toks := nameTokens(query)
	if len(toks) == 0 {
		return exact, nil, len(seen), complete, nil
	}
	// The exact and the fuzzy pass often read the same index ranges (a
	// word whose skeleton is itself): each range is read once a search.
	sets := prefixSets{}
	if found, err = w.nameMatches(ctx, sets, toks, false, limit); err != nil {
		return nil, nil, 0, false, err
	}
	add(&exact, found)
	skels := make([]string, 0, len(toks))
	for _, t := range toks {
		if s := kz.Skeleton(t); s != "" {
			skels = append(skels, s)
		}
	}
	if len(skels) == 0 {
		return exact, nil, len(seen), complete, nil
	}
	// The exact matches come again here: walk far enough past them.
	if found, err = w.nameMatches(ctx, sets, skels, true, limit+len(seen)); err != nil {
		return nil, nil, 0, false, err
	}
	add(&fuzzy, found)
	if len(found) >= limit+len(seen) {
		complete = false
	}
	return exact, fuzzy, len(seen), complete, nil
}

func (w *Workspace) rangeIDs(ctx context.Context, q, prefix string, limit int) ([]int64, error) {
	return w.queryIDs(ctx, q, prefix, prefix+"\U0010FFFF", limit)
}

// queryIDs runs a query whose rows are single ids.
func (w *Workspace) queryIDs(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := w.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func (w *Workspace) keyRange(ctx context.Context, limit int, prefixes ...string) ([]int64, error) {
	return prefixIDs(ctx, w.searchQ(), limit, prefixes...)
}

// wordPrefixes are the index ranges of one query word: its 'n' range,
// and for a skeleton (fuzzy) also its 't' range — a word whose skeleton
// is itself has no 't' key.
func wordPrefixes(t string, fuzzy bool) []string {
	if fuzzy {
		return []string{"n " + t, "t " + t}
	}
	return []string{"n " + t}
}

// intersectCap is the most index entries a word may match and still be
// intersected; commoner words (a letter or two) are checked on the
// candidates' names. Reading 400,000 entries costs about 0.2 s at a
// million users; checking names costs about 0.1 ms a candidate.
const intersectCap = 400_000

// nameMatches finds users whose name has a word starting with each of
// toks. Each word's users are read from the index once (up to
// intersectCap entries), as a bitmap (prefixIDSet); the rarest word is
// walked in key order — from the entries kept when it was read, or read
// again when it had more than keepEntries — and its users kept when every
// other intersected word's bitmap has them. Words commoner
// than intersectCap are then checked on each candidate's name by the SQL
// function legco_name_has. If every word is that common, the range of
// the longest is walked with the same check. Either way the walk stops
// at limit.
//
// fuzzy: toks are skeletons (kz.Skeleton), matched against the names'
// skeletons through both their 'n' and 't' keys.
func (w *Workspace) nameMatches(ctx context.Context, sets prefixSets, toks []string, fuzzy bool, limit int) ([]int64, error) {
	if len(toks) == 1 {
		return w.keyRange(ctx, limit, wordPrefixes(toks[0], fuzzy)...)
	}
	type word struct {
		t    string
		n    int    // the word's entries (a user may have several)
		ids  *idSet // the users of those entries
		sets []*prefixSet
		// least is a lower bound of n, known before reading: the number of
		// index blocks that start in the word's ranges.
		least  int
		read   bool
		verify bool // checked on the candidates' names, not read
	}
	words := make([]word, len(toks))
	for i, t := range toks {
		words[i].t = t
		for _, prefix := range wordPrefixes(t, fuzzy) {
			n, err := sets.blocksFrom(ctx, w.searchQ(), prefix)
			if err != nil {
				return nil, err
			}
			words[i].least += n
		}
	}
	// keep: the word may be the rarest, walked from its entries.
	read := func(x *word, keep bool) error {
		x.read = true
		for _, prefix := range wordPrefixes(x.t, fuzzy) {
			got := sets[prefix]
			if got == nil {
				var err error
				if got, err = prefixIDSet(ctx, w.searchQ(), prefix, intersectCap, keep); err != nil {
					return err
				}
				sets[prefix] = got
			}
			x.n += got.n
			x.sets = append(x.sets, got)
			if x.ids == nil {
				x.ids = &got.ids
			} else {
				x.ids = x.ids.union(&got.ids) // a new set: the cached ones stay as read
			}
		}
		return nil
	}
	// Read the word that looks rarest first. When it has few users
	// (verifyMost) and another word has many times more entries than
	// that, the other word's range is not read: each candidate's name is
	// checked for it instead (a rare surname beside «Сер» checks a few
	// dozen names rather than read 158,000 entries). Such a word has more
	// entries than the first (least > n), so the rarest word, walked
	// below, is the same as when every word is read.
	order := make([]int, len(words))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return words[order[a]].least < words[order[b]].least })
	first := &words[order[0]]
	if err := read(first, first.least <= keepEntries); err != nil {
		return nil, err
	}
	for _, i := range order[1:] {
		x := &words[i]
		if first.n <= verifyMost && x.least > first.n && x.least >= verifyRatio*first.n {
			x.verify = true
		} else if err := read(x, x.least <= min(first.n, keepEntries)); err != nil {
			return nil, err
		}
	}
	var rare []word
	var common, verify []string
	for _, x := range words {
		if x.read && x.n == 0 {
			return nil, nil
		}
	}
	for _, x := range words {
		capped := false
		for _, s := range x.sets {
			capped = capped || s.capped
		}
		switch {
		case x.verify:
			verify = append(verify, x.t)
		case !capped && x.n < intersectCap:
			rare = append(rare, x)
		default:
			common = append(common, x.t)
		}
	}
	if len(rare) == 0 {
		sort.Slice(common, func(i, j int) bool { return len(common[i]) > len(common[j]) })
		rare, common = []word{{t: common[0]}}, common[1:]
	}
	// Walk the rarest word in key order and keep the users in every other
	// intersected word's set (a bitmap over user ids: ids are the users
	// table's dense row ids).
	sort.SliceStable(rare, func(i, j int) bool { return rare[i].n < rare[j].n })
	var bitmaps []*idSet
	for _, x := range rare[1:] {
		bitmaps = append(bitmaps, x.ids)
	}
	var walkErr error
	// The rarest word's entries were kept when it was read (most words):
	// put them in key order; else read them again in that order.
	var next func() (indexEntry, bool)
	if ordered, ok := keyOrder(rare[0].sets...); ok {
		next = func() (indexEntry, bool) {
			if len(ordered) == 0 {
				return indexEntry{}, false
			}
			id := ordered[0]
			ordered = ordered[1:]
			return indexEntry{id: id}, true
		}
	} else {
		it, err := newIndexIter(ctx, w.searchQ(), wordPrefixes(rare[0].t, fuzzy)...)
		if err != nil {
			return nil, err
		}
		next = func() (indexEntry, bool) {
			e, ok := it.next()
			if !ok && it.err != nil {
				walkErr = it.err
			}
			return e, ok
		}
	}
	var seen idSet
	if rare[0].ids != nil {
		seen = newIDSet(int64(len(rare[0].ids.bits)) * 64)
	}
	var out, batch []int64
	// check keeps the batch's users whose names have the words not
	// intersected.
	check := func() error {
		found := batch
		if len(batch) > 0 && len(verify) > 0 {
			var err error
			if found, err = w.keysHave(ctx, found, verify, fuzzy); err != nil {
				return err
			}
		}
		if len(found) > 0 && len(common) > 0 {
			var err error
			if found, err = w.namesHave(ctx, found, strings.Join(common, " "), fuzzy); err != nil {
				return err
			}
		}
		out = append(out, found...)
		batch = batch[:0]
		return nil
	}
next:
	for len(out) < limit {
		e, ok := next()
		if !ok {
			break
		}
		if seen.has(e.id) {
			continue
		}
		seen.add(e.id)
		for _, s := range bitmaps {
			if !s.has(e.id) {
				continue next
			}
		}
		batch = append(batch, e.id)
		if len(batch) >= 256 || len(common) == 0 && len(verify) == 0 {
			if err := check(); err != nil {
				return nil, err
			}
		}
	}
	if walkErr != nil {
		return nil, walkErr
	}
	if err := check(); err != nil {
		return nil, err
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Verifying instead of intersecting (nameMatches): when the rarest word
// has at most verifyMost entries and another at least verifyRatio times
// as many. Checking a name costs about as much as reading a block of
// entries warm, and a cold page (a user's row; eight blocks) costs more
// than the work on it.
var verifyMost, verifyRatio = 256, 8 // variables for the tests

// prefixSets keeps, for one search, the users of each index range read
// (prefixIDSet), and the number of blocks starting in each range counted
// (blocksFrom, under the key "#" + prefix).
type prefixSets map[string]*prefixSet

// blocksFrom counts the index blocks, over all runs, whose first key
// starts with prefix: a lower bound of the range's entries (every block
// holds its first entry) read from the index's keys alone.
func (sets prefixSets) blocksFrom(ctx context.Context, q querier, prefix string) (int, error) {
	if got := sets["#"+prefix]; got != nil {
		return got.n, nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM search_runs r CROSS JOIN search_blocks b
		ON b.run = r.id AND b.first_key >= ? AND b.first_key < ?`, prefix, prefix+"\U0010FFFF").Scan(&n); err != nil {
		return 0, fmt.Errorf("search index: %w", err)
	}
	sets["#"+prefix] = &prefixSet{n: n}
	return n, nil
}

// keysHave keeps the ids, in their order, whose names have, for each of
// words, a search key in one of its ranges (wordPrefixes): the users an
// intersection with those words' ranges would keep, found from the names
// the keys are made of (searchKeys).
func (w *Workspace) keysHave(ctx context.Context, ids []int64, words []string, fuzzy bool) ([]int64, error) {
	ph := strings.Repeat(",?", len(ids))[1:]
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := w.db.QueryContext(ctx, `SELECT id, full_name FROM users WHERE id IN (`+ph+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	keep := map[int64]bool{}
	for rows.Next() {
		var id int64
		var name sql.NullString
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		keys := searchKeys(name.String, "", "", "")
		ok := true
		for _, t := range words {
			found := false
			for _, prefix := range wordPrefixes(t, fuzzy) {
				for _, k := range keys {
					if strings.HasPrefix(k, prefix) {
						found = true
						break
					}
				}
			}
			if !found {
				ok = false
				break
			}
		}
		keep[id] = ok
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return !keep[id] }), nil
}

// idSet is a set of user ids: a bitmap over the dense ids an import
// gives (from 1 up), a map for the others (a depersonalized record's
// random id, far above them).
type idSet struct {
	bits []uint64
	far  map[int64]bool
}

// denseIDs bounds the bitmap (16 MiB at most).
const denseIDs = 1 << 27

// newIDSet makes a set whose bitmap has room for ids below n.
func newIDSet(n int64) idSet {
	return idSet{bits: make([]uint64, min(max(n, 0), denseIDs)/64+1)}
}

func (s *idSet) add(id int64) {
	if id < 0 || id >= denseIDs {
		if s.far == nil {
			s.far = map[int64]bool{}
		}
		s.far[id] = true
		return
	}
	w := int(id / 64)
	if w >= len(s.bits) {
		s.bits = append(s.bits, make([]uint64, w+1-len(s.bits))...)
	}
	s.bits[w] |= 1 << (id % 64)
}

func (s *idSet) has(id int64) bool {
	if id < 0 || id >= denseIDs {
		return s.far[id]
	}
	return int(id/64) < len(s.bits) && s.bits[id/64]&(1<<(id%64)) != 0
}

// union returns a new set of the ids in s or t.
func (s *idSet) union(t *idSet) *idSet {
	a, b := s.bits, t.bits
	if len(a) < len(b) {
		a, b = b, a
	}
	out := &idSet{bits: slices.Clone(a)}
	for i, x := range b {
		out.bits[i] |= x
	}
	for _, far := range []map[int64]bool{s.far, t.far} {
		for id := range far {
			out.add(id)
		}
	}
	return out
}

// namesHave keeps the ids, in their order, whose names have a word
// starting with each of the space-separated words.
func (w *Workspace) namesHave(ctx context.Context, ids []int64, words string, fuzzy bool) ([]int64, error) {
	var b strings.Builder
	args := make([]any, 0, len(ids)+1)
	args = append(args, words)
	fn := "legco_name_has"
	if fuzzy {
		fn = "legco_name_has_skeleton"
	}
	b.WriteString(`SELECT id FROM users WHERE ` + fn + `(full_name, ?) AND id IN (`)
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('?')
		args = append(args, id)
	}
	b.WriteByte(')')
	found, err := w.queryIDs(ctx, b.String(), args...)
	if err != nil {
		return nil, err
	}
	keep := map[int64]bool{}
	for _, id := range found {
		keep[id] = true
	}
	return slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return !keep[id] }), nil
}

// nameHasPrefixes is the SQL function legco_name_has(full_name, words):
// whether every space-separated word starts some word of the folded name.
func nameHasPrefixes(fullName, prefixes string) bool {
	return hasAllPrefixes(nameTokens(fullName), strings.Fields(prefixes))
}

// nameSkeletonHasPrefixes is legco_name_has_skeleton(full_name, words):
// nameHasPrefixes on the skeletons of the name's words.
func nameSkeletonHasPrefixes(fullName, prefixes string) bool {
	toks := nameTokens(fullName)
	for i, t := range toks {
		toks[i] = kz.Skeleton(t)
	}
	return hasAllPrefixes(toks, strings.Fields(prefixes))
}

func hasAllPrefixes(words, prefixes []string) bool {
	for _, p := range prefixes {
		ok := false
		for _, w := range words {
			if strings.HasPrefix(w, p) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func onlyPhoneChars(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			n++
		case strings.ContainsRune(" +-()./", r):
		default:
			return false
		}
	}
	return n > 0
}

func keepDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
