package store

import (
	"context"
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
	return w.rangeIDs(ctx, `SELECT user_id FROM search_index WHERE key >= ? AND key < ? LIMIT ?`, prefix, limit)
}

// intersectCap is the most index entries a word may match and still be
// intersected; commoner words are checked on the candidates' names.
const intersectCap = 100_000

// nameMatches finds users whose name has a word starting with each of
// toks. The index ranges of the words that match fewer than intersectCap
// entries are intersected (cost: the sizes of those ranges, read in key
// order); the commoner words are then checked on each candidate's name
// by the SQL function legco_name_has. If every word is that common, the
// range of the longest is walked with the same check, stopping at limit.
func (w *Workspace) nameMatches(ctx context.Context, toks []string, limit int) ([]int64, error) {
	if len(toks) == 1 {
		return w.keyRange(ctx, "n "+toks[0], limit)
	}
	var rare, common []string
	for _, t := range toks {
		var n int
		if err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM search_index WHERE key >= ? AND key < ? LIMIT ?)`,
			"n "+t, "n "+t+"\U0010FFFF", intersectCap).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, nil
		}
		if n < intersectCap {
			rare = append(rare, t)
		} else {
			common = append(common, t)
		}
	}
	if len(rare) == 0 {
		sort.Slice(common, func(i, j int) bool { return len(common[i]) > len(common[j]) })
		rare, common = common[:1], common[1:]
		if len(common) == 0 {
			return w.keyRange(ctx, "n "+rare[0], limit)
		}
		return w.queryIDs(ctx, `SELECT s.user_id FROM search_index s JOIN users u ON u.id = s.user_id
			WHERE s.key >= ? AND s.key < ? AND legco_name_has(u.full_name, ?) LIMIT ?`,
			"n "+rare[0], "n "+rare[0]+"\U0010FFFF", strings.Join(common, " "), limit)
	}
	var parts []string
	var args []any
	for _, t := range rare {
		parts = append(parts, `SELECT user_id FROM search_index WHERE key >= ? AND key < ?`)
		args = append(args, "n "+t, "n "+t+"\U0010FFFF")
	}
	q := `SELECT user_id FROM (` + strings.Join(parts, " INTERSECT ") + `)`
	if len(common) > 0 {
		q = `SELECT i.user_id FROM (` + q + `) i JOIN users u ON u.id = i.user_id WHERE legco_name_has(u.full_name, ?)`
		args = append(args, strings.Join(common, " "))
	}
	return w.queryIDs(ctx, q+` LIMIT ?`, append(args, limit)...)
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
