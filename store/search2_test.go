package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"legco.kz/compliance/store/exportfile"
)

// spellingUsers are users whose names are written every way the search
// must reconcile.
var spellingUsers = []struct{ id, name string }{
	{"SP-01", "Әуезов Айдос Бекұлы"},
	{"SP-02", "Ауезов Айдос"},
	{"SP-03", "Жолдасбеков Нұрлан Серікұлы"},
	{"SP-04", "Zholdasbekov Nurlan"},
	{"SP-05", "Сейітқали Айгерим"},
	{"SP-06", "Фёдорова Алёна"},
	{"SP-07", "Қасымов Ілияс"},
	{"SP-08", "Ахметова Әйгерім"},
	{"SP-09", "Мұхтаров Шыңғыс"},
	{"SP-10", "Смирнов Иван"},
}

func importSpellingUsers(t *testing.T, w *Workspace, extra int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("account_id;full_name\n")
	for _, u := range spellingUsers {
		fmt.Fprintf(&b, "%s;%s\n", u.id, u.name)
	}
	for i := range extra {
		fmt.Fprintf(&b, "EX-%05d;Әуезов Ерлан %d\n", i, i)
	}
	res, err := w.ImportUsers(context.Background(), strings.NewReader(b.String()), "spell.csv", exportfile.CSV, ImportOptions{})
	if err != nil || res.Rejected > 0 {
		t.Fatalf("import: %v %+v", err, res)
	}
}

func TestSearchSpellings(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	importSpellingUsers(t, w, 0)
	type want struct {
		id   string
		kind MatchKind
	}
	cases := []struct {
		q    string
		want []want // in this order, exact ones first; nothing else
	}{
		{"ауезов", []want{{"SP-02", MatchExact}, {"SP-01", MatchFolded}}},
		{"әуезов", []want{{"SP-01", MatchExact}, {"SP-02", MatchFolded}}},
		{"АУЕЗОВ АЙДОС", []want{{"SP-02", MatchExact}, {"SP-01", MatchFolded}}},
		{"ауезов бекулы", []want{{"SP-01", MatchFolded}}},
		{"Auezov", []want{{"SP-01", MatchTransliterated}, {"SP-02", MatchTransliterated}}},
		{"Zholdasbekov", []want{{"SP-04", MatchExact}, {"SP-03", MatchTransliterated}}},
		{"Joldasbekov Nurlan", []want{{"SP-03", MatchTransliterated}, {"SP-04", MatchFolded}}},
		{"жолдасбеков", []want{{"SP-03", MatchExact}, {"SP-04", MatchTransliterated}}},
		{"нурлан", []want{{"SP-03", MatchFolded}, {"SP-04", MatchTransliterated}}},
		{"NURLAN", []want{{"SP-04", MatchExact}, {"SP-03", MatchTransliterated}}},
		{"Aigerim", []want{{"SP-08", MatchTransliterated}, {"SP-05", MatchTransliterated}}},
		{"айгерим", []want{{"SP-05", MatchExact}, {"SP-08", MatchFolded}}},
		{"федорова алена", []want{{"SP-06", MatchExact}}}, // ё/е
		{"ФЁДОРОВА", []want{{"SP-06", MatchExact}}},
		{"Fedorova", []want{{"SP-06", MatchTransliterated}}},
		{"касымов илияс", []want{{"SP-07", MatchFolded}}},
		{"Qasymov", []want{{"SP-07", MatchTransliterated}}},
		{"Kasymov Iliyas", []want{{"SP-07", MatchTransliterated}}},
		{"мухтаров шынгыс", []want{{"SP-09", MatchFolded}}},
		{"Mukhtarov Shyngys", []want{{"SP-09", MatchTransliterated}}},
		{"Muhtarov Şyñğys", []want{{"SP-09", MatchTransliterated}}},
		{"жолд", []want{{"SP-03", MatchExact}, {"SP-04", MatchTransliterated}}},
		{"Smirnov", []want{{"SP-10", MatchTransliterated}}},
		{"несуществующий", nil},
	}
	for _, tc := range cases {
		t.Run(tc.q, func(t *testing.T) {
			res, err := w.Search(ctx, tc.q, SearchOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var got []want
			for _, h := range res.Hits {
				got = append(got, want{h.AccountID, h.Match})
			}
			// Within a kind, the order is by name; compare kinds in order
			// and the set of ids.
			for i := 1; i < len(got); i++ {
				if got[i].kind == MatchExact && got[i-1].kind != MatchExact {
					t.Errorf("exact hit %s after a %s one", got[i].id, got[i-1].kind)
				}
			}
			if !sameHits(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if res.Total != len(tc.want) || res.More || res.TotalAtLeast {
				t.Errorf("total %d (at least %v, more %v), want %d", res.Total, res.TotalAtLeast, res.More, len(tc.want))
			}
		})
	}
}

// sameHits: the same hits in any order.
func sameHits[T comparable](got, want []T) bool {
	if len(got) != len(want) {
		return false
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			return false
		}
	}
	return true
}

func TestSearchCountsAndExactFirst(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	importSpellingUsers(t, w, 120)
	res, err := w.Search(ctx, "ауезов", SearchOptions{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	// SP-02 is the one exact match; 121 more are Әуезов.
	if len(res.Hits) != 50 || res.Total != 122 || !res.More || res.TotalAtLeast {
		t.Fatalf("hits %d total %d more %v atLeast %v", len(res.Hits), res.Total, res.More, res.TotalAtLeast)
	}
	if res.Hits[0].AccountID != "SP-02" || res.Hits[0].Match != MatchExact {
		t.Fatalf("first hit %+v, want the exact SP-02", res.Hits[0])
	}
	for _, h := range res.Hits[1:] {
		if h.Match != MatchFolded {
			t.Fatalf("hit %s matched %s, want folded", h.AccountID, h.Match)
		}
	}
	all, err := w.Search(ctx, "ауезов", SearchOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Hits) != 122 || all.Total != 122 || all.More {
		t.Fatalf("--all: hits %d total %d more %v", len(all.Hits), all.Total, all.More)
	}
	capped, err := w.Search(ctx, "әуезов", SearchOptions{Limit: 10, CountUpTo: 60})
	if err != nil {
		t.Fatal(err)
	}
	if len(capped.Hits) != 10 || !capped.TotalAtLeast || capped.Total < 60 || !capped.More {
		t.Fatalf("capped: hits %d total %d atLeast %v", len(capped.Hits), capped.Total, capped.TotalAtLeast)
	}
	// A rename takes the old spellings out of the index too.
	if err := w.UpdateUserField(ctx, "SP-04", "full_name", "Smith John", "user's request"); err != nil {
		t.Fatal(err)
	}
	if res, _ := w.Search(ctx, "жолдасбеков", SearchOptions{}); res.Total != 1 {
		t.Fatalf("after rename: %d matches, want 1", res.Total)
	}
}

// A workspace indexed before the skeleton keys gets them on open.
func TestSkeletonBackfill(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	importSpellingUsers(t, w, 0)
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := removeKeysWithPrefix(ctx, tx, "t "); err != nil {
		t.Fatal(err)
	}
	tx.ExecContext(ctx, `DELETE FROM meta WHERE key = 'search_skeleton'`)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if res, _ := w.Search(ctx, "ауезов", SearchOptions{}); res.Total != 1 {
		t.Fatalf("without skeleton keys: %d, want 1", res.Total)
	}
	w.Close()
	w2, err := Open(ctx, path, "Админ", []byte("correct horse"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	if res, _ := w2.Search(ctx, "ауезов", SearchOptions{}); res.Total != 2 {
		t.Fatalf("after reopening: %d, want 2", res.Total)
	}
}
