package store

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/kz"
)

// oldNameMatches is nameMatches as it was before the ranges were read as
// bitmaps (every word's entries decoded, the rarest word walked in key
// order through an indexIter): the reference the new one must agree
// with, hit for hit and in the same order. Only the intersected path:
// the test's words are far below intersectCap.
func oldNameMatches(ctx context.Context, w *Workspace, toks []string, fuzzy bool, limit int) ([]int64, error) {
	if len(toks) == 1 {
		return w.keyRange(ctx, limit, wordPrefixes(toks[0], fuzzy)...)
	}
	type word struct {
		t   string
		ids []int64
	}
	var words []word
	for _, t := range toks {
		var ids []int64
		if err := eachPrefixEntry(ctx, w.searchQ(), wordPrefixes(t, fuzzy), func(e indexEntry) bool {
			ids = append(ids, e.id)
			return true
		}); err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			return nil, nil
		}
		words = append(words, word{t, ids})
	}
	sort.SliceStable(words, func(i, j int) bool { return len(words[i].ids) < len(words[j].ids) })
	var others []map[int64]bool
	for _, x := range words[1:] {
		m := map[int64]bool{}
		for _, id := range x.ids {
			m[id] = true
		}
		others = append(others, m)
	}
	it, err := newIndexIter(ctx, w.searchQ(), wordPrefixes(words[0].t, fuzzy)...)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var out []int64
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
		for _, m := range others {
			if !m[e.id] {
				continue next
			}
		}
		out = append(out, e.id)
	}
	return out, it.err
}

// importTwoWordUsers imports n demo users and a few whose surname is rare
// beside the demo's common given names (a rare word and a common one in
// one query), and returns every user's id, account id and name.
func importTwoWordUsers(t *testing.T, w *Workspace, n int) map[int64][2]string {
	t.Helper()
	ctx := context.Background()
	up, _, err := demo.New(5).WriteExports(t.TempDir(), n, exportfile.CSV, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(up)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := w.ImportUsers(ctx, f, "users.csv", exportfile.CSV, ImportOptions{ChunkRows: n / 3}); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("account_id;full_name\n")
	for i, name := range []string{"Жолдасбеков Серік Нұрланұлы", "Жолдасбекова Сергей", "Zholdasbekov Serik",
		"Жолдасбеков Сергеевич Ілияс", "Өтепова Сәуле", "Отепова Сауле Серікқызы"} {
		fmt.Fprintf(&b, "RW-%02d;%s\n", i, name)
	}
	// A common beginning, «сер», in blocks enough that the rare word's
	// candidates are checked by name rather than «сер» read.
	for i := range 1500 {
		fmt.Fprintf(&b, "SR-%04d;%s %s\n", i, []string{"Серіков", "Сергеев", "Серова"}[i%3], []string{"Сергей", "Серік", "Серафима", "Айдос"}[i%4])
	}
	if _, err := w.ImportUsers(ctx, strings.NewReader(b.String()), "rare.csv", exportfile.CSV, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	rows, err := w.db.QueryContext(ctx, `SELECT id, account_id, full_name FROM users`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	users := map[int64][2]string{}
	for rows.Next() {
		var id int64
		var acc, name string
		if err := rows.Scan(&id, &acc, &name); err != nil {
			t.Fatal(err)
		}
		users[id] = [2]string{acc, name}
	}
	return users
}

// twoWordQueries are beginnings of two words of users' names, as typed
// and folded, plus the rare-and-common pairs.
func twoWordQueries(users map[int64][2]string, n int) []string {
	ids := make([]int64, 0, len(users))
	for id := range users {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	rng := rand.New(rand.NewSource(3))
	qs := []string{"Жолд Сер", "Сер Жолд", "жолдасбеков серік", "Жолдасбеков Сер", "Zhol Ser", "Отеп Сер", "Өтеп Сәу",
		"Отепова Сау", "Жолд С", "С Ж", "Серік Серік", "Сер Серг", "жолд нур", "Ж С Н"}
	for len(qs) < n {
		toks := strings.Fields(users[ids[rng.Intn(len(ids))]][1])
		if len(toks) < 2 {
			continue
		}
		a, b := toks[0], toks[1+rng.Intn(len(toks)-1)]
		q := prefixRunes(a, 1+rng.Intn(5)) + " " + prefixRunes(b, 1+rng.Intn(4))
		if rng.Intn(3) == 0 {
			q = russianKeyboard(q)
		}
		qs = append(qs, q)
	}
	return qs
}

// TestTwoWordMatchesAsBefore: for two-word queries — a rare word and a
// common one, two common ones, folded — nameMatches finds the same users
// in the same order as the intersection it replaced, at every limit.
func TestTwoWordMatchesAsBefore(t *testing.T) {
	w, _ := newWorkspace(t)
	users := importTwoWordUsers(t, w, 3000)
	t.Run("kept entries", func(t *testing.T) { twoWordMatchesAsBefore(t, w, users) })
	// Words commoner than keepEntries are read again in key order.
	n := keepEntries
	defer func() { keepEntries = n }()
	keepEntries = 20
	t.Run("read again", func(t *testing.T) { twoWordMatchesAsBefore(t, w, users) })
	keepEntries = n
	// Words checked on the candidates' names rather than read: as the
	// test's words are far fewer than a million users', at any ratio.
	defer func(most, ratio int) { verifyMost, verifyRatio = most, ratio }(verifyMost, verifyRatio)
	verifyMost, verifyRatio = 1<<30, 1
	t.Run("verified", func(t *testing.T) { twoWordMatchesAsBefore(t, w, users) })
}

func twoWordMatchesAsBefore(t *testing.T, w *Workspace, users map[int64][2]string) {
	ctx := context.Background()
	for _, q := range twoWordQueries(users, 120) {
		toks := nameTokens(q)
		var skels []string
		for _, tok := range toks {
			if s := kz.Skeleton(tok); s != "" {
				skels = append(skels, s)
			}
		}
		for _, fuzzy := range []bool{false, true} {
			words := toks
			if fuzzy {
				words = skels
			}
			for _, limit := range []int{1000, 50, 3} {
				want, err := oldNameMatches(ctx, w, words, fuzzy, limit)
				if err != nil {
					t.Fatal(err)
				}
				got, err := w.nameMatches(ctx, prefixSets{}, words, fuzzy, limit)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%q (fuzzy %v, limit %d): got %d users %v, want %d %v", q, fuzzy, limit, len(got), got, len(want), want)
				}
			}
		}
	}
}

// TestTwoWordSearchCounts checks Search's answer to two-word queries
// against every user's name: the count is exact, the exact matches come
// first, each hit matched as it says, and a page holding every match
// holds them all.
func TestTwoWordSearchCounts(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	users := importTwoWordUsers(t, w, 3000)
	// has: every word of the query starts one of the name's index keys.
	has := func(name string, words []string, fuzzy bool) bool {
		var keys []string
		for _, k := range searchKeys(name, "", "", "") {
			if strings.HasPrefix(k, "n ") || fuzzy && strings.HasPrefix(k, "t ") {
				keys = append(keys, k[2:])
			}
		}
		return hasAllPrefixes(keys, words)
	}
	for _, q := range twoWordQueries(users, 60) {
		toks := nameTokens(q)
		var skels []string
		for _, tok := range toks {
			skels = append(skels, kz.Skeleton(tok))
		}
		exact, folded := map[string]bool{}, map[string]bool{}
		for _, u := range users {
			switch {
			case has(u[1], toks, false):
				exact[u[0]] = true
			case has(u[1], skels, true):
				folded[u[0]] = true
			}
		}
		for _, limit := range []int{5000, 50, 2} {
			res, err := w.Search(ctx, q, SearchOptions{Limit: limit, CountUpTo: 5000})
			if err != nil {
				t.Fatal(err)
			}
			total := len(exact) + len(folded)
			if res.Total != total || res.TotalAtLeast || res.More != (total > len(res.Hits)) || len(res.Hits) != min(total, limit) {
				t.Fatalf("%q limit %d: %d hits, total %d (at least %v, more %v), want total %d", q, limit, len(res.Hits), res.Total, res.TotalAtLeast, res.More, total)
			}
			for i, h := range res.Hits {
				if (h.Match == MatchExact) != exact[h.AccountID] || h.Match != MatchExact && !folded[h.AccountID] {
					t.Fatalf("%q: hit %s (%s) matched %s", q, h.AccountID, h.FullName, h.Match)
				}
				if i > 0 && h.Match == MatchExact && res.Hits[i-1].Match != MatchExact {
					t.Fatalf("%q: exact hit %s after a %s one", q, h.AccountID, res.Hits[i-1].Match)
				}
			}
		}
	}
}

// An idSet holds a depersonalized record's far random id without a
// bitmap that large, and a union keeps both kinds.
func TestIDSetFarIDs(t *testing.T) {
	a := newIDSet(100)
	far := int64(1)<<60 | 12345
	for _, id := range []int64{1, 64, 99, 5000, far, -7} {
		a.add(id)
	}
	if len(a.bits) > 5000/64+1 {
		t.Fatalf("bitmap of %d words", len(a.bits))
	}
	var b idSet
	b.add(2)
	b.add(far + 1)
	u := a.union(&b)
	for _, id := range []int64{1, 2, 64, 99, 5000, far, far + 1, -7} {
		if !u.has(id) {
			t.Errorf("union lacks %d", id)
		}
	}
	for _, id := range []int64{0, 3, 100, 4999, far + 2, -1} {
		if u.has(id) || a.has(id) && id != far {
			t.Errorf("union has %d", id)
		}
	}
	if a.has(2) || a.has(far+1) {
		t.Error("the union changed a set")
	}
}
