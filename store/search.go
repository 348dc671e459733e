package store

import (
	"context"
	"slices"
	"sort"
	"strings"
	"unicode"

	"legco.kz/compliance/store/kz"
)

// SearchUsers finds users by any word of the name or its beginning
// (case-insensitive, «ё» found by «е», Kazakh letters as they are), by
// IIN, by phone written any common way (8 701…, +7 (701)…), by e-mail or
// by account id. It returns at most limit users, ordered by name; ask for
// one more than you show to know whether there are more.
//
// Every path is a range scan of an index that stops after limit matches,
// so the cost depends on the limit, not on the number of users or on how
// common a name is. A query of several words walks the matches of its
// longest word and keeps the users whose name also has the other words.
func (w *Workspace) SearchUsers(ctx context.Context, query string, limit int) ([]UserSummary, error) {
	query = strings.TrimSpace(kz.NFC(query))
	if query == "" {
		return nil, nil
	}
	if limit <= 0 {
		limit = 100
	}
	ids := map[int64]bool{}
	add := func(found []int64) {
		for _, id := range found {
			ids[id] = true
		}
	}
	found, err := w.rangeIDs(ctx, `SELECT id FROM users WHERE account_id >= ? AND account_id < ? LIMIT ?`, query, limit)
	if err != nil {
		return nil, err
	}
	add(found)
	if !strings.ContainsAny(query, " \t") {
		if found, err = w.keyRange(ctx, "e "+strings.ToLower(query), limit); err != nil {
			return nil, err
		}
		add(found)
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
			if found, err = w.keyRange(ctx, p, limit); err != nil {
				return nil, err
			}
			add(found)
		}
	} else if toks := nameTokens(query); len(toks) > 0 {
		if found, err = w.nameMatches(ctx, toks, limit); err != nil {
			return nil, err
		}
		add(found)
	}
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	out, err := w.UsersByID(ctx, list)
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].FullName != out[j].FullName {
			return out[i].FullName < out[j].FullName
		}
		return out[i].ID < out[j].ID
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
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

func (w *Workspace) keyRange(ctx context.Context, prefix string, limit int) ([]int64, error) {
	return prefixIDs(ctx, w.db, prefix, limit)
}

// intersectCap is the most index entries a word may match and still be
// intersected; commoner words are checked on the candidates' names.
const intersectCap = 100_000

// nameMatches finds users whose name has a word starting with each of
// toks. The words that match fewer than intersectCap index entries are
// intersected through the index; the commoner words are then checked on
// each candidate's name by the SQL function legco_name_has. If every word
// is that common, the range of the longest is walked with the same check.
// Either way the walk stops at limit.
func (w *Workspace) nameMatches(ctx context.Context, toks []string, limit int) ([]int64, error) {
	if len(toks) == 1 {
		return w.keyRange(ctx, "n "+toks[0], limit)
	}
	type word struct {
		t string
		n int // index entries, counted up to intersectCap
	}
	var rare []word
	var common []string
	for _, t := range toks {
		n, err := prefixCount(ctx, w.db, "n "+t, intersectCap)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, nil
		}
		if n < intersectCap {
			rare = append(rare, word{t, n})
		} else {
			common = append(common, t)
		}
	}
	if len(rare) == 0 {
		sort.Slice(common, func(i, j int) bool { return len(common[i]) > len(common[j]) })
		rare, common = []word{{t: common[0]}}, common[1:]
	}
	// Walk the commonest of the rare words in key order and keep the
	// users in every other rare word's set; the sets are small (under
	// intersectCap). The walk stops at the limit.
	sort.Slice(rare, func(i, j int) bool { return rare[i].n > rare[j].n })
	var sets []map[int64]bool
	for _, x := range rare[1:] {
		set := make(map[int64]bool, x.n)
		if err := eachPrefixEntry(ctx, w.db, "n "+x.t, func(e indexEntry) bool {
			set[e.id] = true
			return true
		}); err != nil {
			return nil, err
		}
		sets = append(sets, set)
	}
	it, err := newIndexIter(ctx, w.db, "n "+rare[0].t)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var out, batch []int64
	// check keeps the batch's users whose names have the common words.
	check := func() error {
		if len(common) == 0 {
			out = append(out, batch...)
		} else if len(batch) > 0 {
			found, err := w.namesHave(ctx, batch, strings.Join(common, " "))
			if err != nil {
				return err
			}
			out = append(out, found...)
		}
		batch = batch[:0]
		return nil
	}
next:
	for len(out) < limit {
		e, ok := it.next()
		if !ok {
			break
		}
		if seen[e.id] {
			continue
		}
		seen[e.id] = true
		for _, s := range sets {
			if !s[e.id] {
				continue next
			}
		}
		batch = append(batch, e.id)
		if len(batch) >= 256 || len(common) == 0 {
			if err := check(); err != nil {
				return nil, err
			}
		}
	}
	if it.err != nil {
		return nil, it.err
	}
	if err := check(); err != nil {
		return nil, err
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// namesHave keeps the ids, in their order, whose names have a word
// starting with each of the space-separated words.
func (w *Workspace) namesHave(ctx context.Context, ids []int64, words string) ([]int64, error) {
	var b strings.Builder
	args := make([]any, 0, len(ids)+1)
	args = append(args, words)
	b.WriteString(`SELECT id FROM users WHERE legco_name_has(full_name, ?) AND id IN (`)
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
