package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestBlockRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		es   []indexEntry
	}{
		{"one entry", []indexEntry{{"i 900101300123", 7}}},
		{"repeated key", []indexEntry{{"n иванов", 1}, {"n иванов", 2}, {"n иванов", 900}, {"n иванов", 1 << 40}}},
		{"shared prefixes", []indexEntry{{"n әлібек", 5}, {"n әлібеков", 3}, {"n әлібекова", 4}, {"n әлібекұлы", 1}, {"p 77011234567", 2}}},
		{"kazakh letters", []indexEntry{{"n ғалым", 1}, {"n қасым", 2}, {"n ұлан", 3}, {"n үміт", 4}, {"n һ", 5}, {"n ін", 6}, {"n өмір", 7}, {"n ңә", 8}}},
		{"empty key after long", []indexEntry{{"e a@b.kz", 1}, {"e a@b.kz.example", 2}, {"e b", 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := encodeBlock([]byte{}, tt.es)
			got, err := decodeBlock(nil, tt.es[0].key, tt.es[0].id, data)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.es) {
				t.Fatalf("decoded %v, want %v", got, tt.es)
			}
		})
	}
	// A damaged block is an error, not a panic or a wrong answer.
	data := encodeBlock([]byte{}, tests[2].es)
	for cut := 1; cut < len(data); cut++ {
		if _, err := decodeBlock(nil, "n әлібек", 5, data[:cut]); err != nil && !errors.Is(err, errBadBlock) {
			t.Fatalf("cut at %d: %v", cut, err)
		}
	}
	if _, err := decodeBlock(nil, "n a", 1, []byte{0xff}); !errors.Is(err, errBadBlock) {
		t.Fatalf("garbage decoded: %v", err)
	}
}

func TestPickMerge(t *testing.T) {
	runs := func(sizes ...int64) []indexRun {
		var out []indexRun
		for i, s := range sizes {
			out = append(out, indexRun{id: int64(i + 1), entries: s})
		}
		return out
	}
	repeat := func(n int, size int64) []int64 {
		var out []int64
		for range n {
			out = append(out, size)
		}
		return out
	}
	tests := []struct {
		name string
		runs []indexRun
		want int // runs merged
	}{
		{"few runs", runs(repeat(16, 5)...), 0},
		{"a large import's equal runs", runs(repeat(20, 300_000)...), 0},
		{"small runs beside big ones", runs(append(repeat(18, 300_000), 6, 12, 30)...), 3},
		{"one small run", runs(append(repeat(17, 300_000), 6)...), 0},
		{"past the hard limit", runs(repeat(33, 300_000)...), 18},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pickMerge(tt.runs)
			if len(got) != tt.want {
				t.Fatalf("merged %d runs %v, want %d", len(got), got, tt.want)
			}
			if n := len(tt.runs) - len(got) + min(len(got), 1); len(got) > 0 && n > runsHard {
				t.Fatalf("%d runs left", n)
			}
		})
	}
}

// migratedTestDB is a fresh encrypted database with the whole schema,
// closed at the end of the test.
func migratedTestDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := openDB(filepath.Join(t.TempDir(), "ix.db"), make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := migrate(context.Background(), db, len(migrations)); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestSearchIndexAgainstModel drives the run index through random writes,
// removals and merges and checks every answer against a plain sorted set.
func TestSearchIndexAgainstModel(t *testing.T) {
	ctx := context.Background()
	db := migratedTestDB(t)
	rng := rand.New(rand.NewSource(1))
	words := []string{"n иванов", "n иванова", "n иван", "n әлібеков", "n әлібек", "n нұрлан", "n серікұлы", "n ахметов"}
	randomEntry := func() indexEntry {
		switch rng.Intn(3) {
		case 0:
			return indexEntry{words[rng.Intn(len(words))], int64(rng.Intn(3000))}
		case 1:
			return indexEntry{fmt.Sprintf("i %012d", rng.Intn(1_000_000)), int64(rng.Intn(3000))}
		default:
			return indexEntry{fmt.Sprintf("p 7701%07d", rng.Intn(10_000_000)), int64(rng.Intn(3000))}
		}
	}
	model := map[indexEntry]bool{}
	prefixes := []string{"n ", "n иван", "n иванов", "n әлібек", "n нұ", "i ", "i 0000", "p 7701", "p 77010", "n я"}
	check := func(step string) {
		t.Helper()
		var all []indexEntry
		for e := range model {
			all = append(all, e)
		}
		slices.SortFunc(all, compareEntries)
		for _, p := range prefixes {
			var want []int64
			seen := map[int64]bool{}
			n := 0
			for _, e := range all {
				if strings.HasPrefix(e.key, p) {
					n++
					if !seen[e.id] && len(want) < 50 {
						seen[e.id] = true
						want = append(want, e.id)
					}
				}
			}
			got, err := prefixIDs(ctx, db, 50, p)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s: prefix %q: got %v, want %v", step, p, got, want)
			}
			cnt, err := prefixCount(ctx, db, p, 1<<30)
			if err != nil {
				t.Fatal(err)
			}
			if cnt != n {
				t.Fatalf("%s: prefix %q: count %d, want %d", step, p, cnt, n)
			}
			checkPrefixSet(t, step, db, p, all)
		}
		runs, err := indexRuns(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		var total int64
		for _, r := range runs {
			if r.entries <= 0 {
				t.Fatalf("%s: run %d has %d entries", step, r.id, r.entries)
			}
			total += r.entries
		}
		if len(runs) > runsHard {
			t.Fatalf("%s: %d runs", step, len(runs))
		}
		if total != int64(len(model)) {
			t.Fatalf("%s: runs count %d entries, model has %d", step, total, len(model))
		}
	}
	for step := range 60 {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		ix := &indexEdit{}
		// Add: a big run now and then, small ones mostly. The store only
		// adds keys a user does not have (setField adds the new minus the
		// old), so neither does the test.
		n := 1 + rng.Intn(20)
		if step%10 == 0 {
			n = 2000
		}
		for range n {
			e := randomEntry()
			if model[e] {
				continue
			}
			ix.insert(e.id, []string{e.key})
			model[e] = true
		}
		// Remove some present entries and some absent ones.
		var present []indexEntry
		for e := range model {
			present = append(present, e)
		}
		slices.SortFunc(present, compareEntries)
		for range rng.Intn(30) {
			var e indexEntry
			if rng.Intn(4) == 0 || len(present) == 0 {
				e = randomEntry()
			} else {
				e = present[rng.Intn(len(present))]
			}
			if err := ix.remove(ctx, tx, e.id, []string{e.key}); err != nil {
				t.Fatal(err)
			}
			delete(model, e)
		}
		if err := ix.flush(ctx, tx); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("step %d", step))
	}
}

// TestMigrationCarriesSearchIndex: a workspace made before migration 0004
// keeps finding its users after it, and the carried-over index merges and
// shrinks like any other.
func TestMigrationCarriesSearchIndex(t *testing.T) {
	ctx := context.Background()
	db, err := openDB(filepath.Join(t.TempDir(), "old.db"), make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := migrate(ctx, db, 3); err != nil {
		t.Fatal(err)
	}
	old := []indexEntry{{"n әлібеков", 2}, {"n әлібеков", 1}, {"n нұрлан", 1}, {"i 900101300123", 1}, {"p 77011234567", 2}}
	for _, e := range old {
		if _, err := db.Exec(`INSERT INTO search_index(key, user_id) VALUES (?, ?)`, e.key, e.id); err != nil {
			t.Fatal(err)
		}
	}
	if err := migrate(ctx, db, len(migrations)); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		prefix string
		want   []int64
	}{
		{"n әліб", []int64{1, 2}},
		{"n нұр", []int64{1}},
		{"i 9001", []int64{1}},
		{"p 7701", []int64{2}},
		{"e ", nil},
	} {
		got, err := prefixIDs(ctx, db, 10, tt.prefix)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("after migration, %q found %v, want %v", tt.prefix, got, tt.want)
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	ix := &indexEdit{}
	if err := ix.remove(ctx, tx, 1, []string{"n әлібеков", "i 900101300123"}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, _ := prefixIDs(ctx, db, 10, "n әліб"); !slices.Equal(got, []int64{2}) {
		t.Errorf("after removal, found %v", got)
	}
	if n, _ := prefixCount(ctx, db, "", 100); n != 3 {
		t.Errorf("%d entries left, want 3", n)
	}
}

// checkPrefixSet: prefixIDSet reads the prefix's entries as the model
// has them — their number, their users, and (keyOrder) the users in key
// order as an indexIter walks them — and stops at the most asked for.
func checkPrefixSet(t *testing.T, step string, q querier, p string, all []indexEntry) {
	t.Helper()
	ctx := context.Background()
	var order []int64
	users := map[int64]bool{}
	for _, e := range all {
		if strings.HasPrefix(e.key, p) {
			order = append(order, e.id)
			users[e.id] = true
		}
	}
	set, err := prefixIDSet(ctx, q, p, 1<<30, true)
	if err != nil {
		t.Fatal(err)
	}
	if set.n != len(order) || set.capped {
		t.Fatalf("%s: prefix %q: set of %d entries (capped %v), want %d", step, p, set.n, set.capped, len(order))
	}
	for id := range users {
		if !set.ids.has(id) {
			t.Fatalf("%s: prefix %q: user %d missing from the set", step, p, id)
		}
	}
	for _, id := range []int64{-1, 0, 2999, 3000, 1 << 40} {
		if set.ids.has(id) != users[id] {
			t.Fatalf("%s: prefix %q: user %d in the set: %v", step, p, id, !users[id])
		}
	}
	if got, ok := keyOrder(set); len(order) <= keepEntries && (!ok || !slices.Equal(got, order)) {
		t.Fatalf("%s: prefix %q: key order %v (ok %v), want %v", step, p, got, ok, order)
	}
	if set, err := prefixIDSet(ctx, q, p, 1<<30, false); err != nil || set.n != len(order) {
		t.Fatalf("%s: prefix %q: without entries: %v, %v", step, p, set, err)
	} else if _, ok := keyOrder(set); ok {
		t.Fatalf("%s: prefix %q: a set without entries gave a key order", step, p)
	}
	if len(order) > 3 {
		set, err := prefixIDSet(ctx, q, p, 3, true)
		if err != nil {
			t.Fatal(err)
		}
		if set.n != 3 || !set.capped {
			t.Fatalf("%s: prefix %q: %d entries read (capped %v), want 3 and capped", step, p, set.n, set.capped)
		}
		if _, ok := keyOrder(set); ok {
			t.Fatalf("%s: prefix %q: a capped set gave a key order", step, p)
		}
	}
}

// TestKeyOrderOfTwoRanges: a fuzzy word is two ranges ('n' and 't');
// keyOrder of both sets is the order an indexIter over both gives.
func TestKeyOrderOfTwoRanges(t *testing.T) {
	ctx := context.Background()
	db := migratedTestDB(t)
	rng := rand.New(rand.NewSource(2))
	keys := []string{"n аиг", "n аигерим", "t аигерим", "t аигул", "n аидос", "t аи", "n аб", "t аг"}
	// Three runs, so an entry may be in two and the runs interleave.
	for range 3 {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		ix := &indexEdit{}
		for range 400 {
			ix.insert(int64(1+rng.Intn(500)), []string{keys[rng.Intn(len(keys))]})
		}
		if err := ix.flush(ctx, tx); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	it, err := newIndexIter(ctx, db, "n аи", "t аи")
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	for {
		e, ok := it.next()
		if !ok {
			break
		}
		want = append(want, e.id)
	}
	if it.err != nil || len(want) == 0 {
		t.Fatal(it.err, len(want))
	}
	n, err := prefixIDSet(ctx, db, "n аи", 1<<30, true)
	if err != nil {
		t.Fatal(err)
	}
	tt, err := prefixIDSet(ctx, db, "t аи", 1<<30, true)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := keyOrder(n, tt); !ok || !slices.Equal(got, want) {
		t.Fatalf("key order %v (ok %v), want %v", got, ok, want)
	}
	if _, ok := keyOrder(); ok {
		t.Fatal("no sets gave a key order")
	}
}

// A damaged block read for its ids is an error too, never a panic.
func TestBlockIDsDamaged(t *testing.T) {
	es := []indexEntry{{"n әлібек", 5}, {"n әлібеков", 3}, {"n әлібекова", 4}, {"n әлібекова", 9}, {"n әлібекұлы", 1}, {"p 77011234567", 2}}
	data := encodeBlock([]byte{}, es)
	var got []int64
	collect := func(_ []byte, _ bool, id int64) bool { got = append(got, id); return true }
	if _, err := blockIDs(nil, es[0].key, es[0].id, data, "n әлібеков", "n әлібеков\U0010FFFF", collect); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []int64{3, 4, 9}) {
		t.Fatalf("ids %v, want [3 4 9]", got)
	}
	for cut := 1; cut < len(data); cut++ {
		if _, err := blockIDs(nil, es[0].key, es[0].id, data[:cut], "n ", "o", collect); err != nil && !errors.Is(err, errBadBlock) {
			t.Fatalf("cut at %d: %v", cut, err)
		}
	}
	if _, err := blockIDs(nil, "n a", 1, []byte{0xff}, "n ", "o", collect); !errors.Is(err, errBadBlock) {
		t.Fatalf("garbage read: %v", err)
	}
}

// sortEntries' two-goroutine sort gives what one sort gives.
func TestSortEntriesParallel(t *testing.T) {
	for _, n := range []int{parallelSortMin - 1, parallelSortMin, 3*parallelSortMin + 7} {
		es := make([]indexEntry, n)
		for i := range es {
			x := (i * 7919) % 5003
			es[i] = indexEntry{fmt.Sprintf("n %d", x%1000), int64(x % 17)}
		}
		want := slices.Clone(es)
		slices.SortFunc(want, compareEntries)
		want = slices.Compact(want)
		if got := sortEntries(es); !slices.Equal(got, want) {
			t.Fatalf("n=%d: sorted entries differ", n)
		}
	}
}
