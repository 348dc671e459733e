package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/keyslot"
	"legco.kz/compliance/store/kz"
)

// Alphabetical order of the stored key: Kazakh letters after their
// nearest Russian ones, І after Ы, ё as е, case aside, Cyrillic before
// Latin.
func TestNameKeyOrder(t *testing.T) {
	before := []struct{ a, b string }{
		{"Азамат", "Әлия"},
		{"Әлия", "Бауыржан"},
		{"Азамат", "Іліяс"},
		{"Қайратұлы", "Мұратұлы"},
		{"Кенжебеков", "Қайратұлы"},
		{"Гүлнар", "Ғалым"},
		{"Найман", "Ңх"},
		{"Оспанов", "Өтеген"},
		{"Ушаков", "Ұлан"},
		{"Ұлан", "Үмбетов"},
		{"Хасенов", "Һәкім"},
		{"Ыбырай", "Іліяс"},
		{"Іліяс", "Эльвира"},
		{"Игорь", "Іліяс"},
		{"Иван", "Йогурт"},
		{"Елена", "Ёлкин"}, // ё as е: «Ёлкин» is «Елкин»
		{"Ёлкин", "Ерлан"},
		{"Семенов Иван", "Семёнов Пётр"},
		{"Ахмет Бек", "Ахметов"}, // a word ends before a longer one
		{"Яков", "Aigerim"},      // Cyrillic first
		{"Aigerim", "Zhanna"},
		{"Eva", "Ivan"},
		{"Ödön", "Zhanna"}, // Ö is O with an accent: with O, not after Z
	}
	for _, c := range before {
		ka, kb := NameKey(c.a), NameKey(c.b)
		if bytes.Compare(ka, kb) >= 0 {
			t.Errorf("%q should sort before %q (keys % x, % x)", c.a, c.b, ka, kb)
		}
	}
	same := []struct{ a, b string }{
		{"Алёна", "Алена"},
		{"aigerim", "AIGERIM"},
		{"Éva", "Eva"},
		{"  Әлия", "әлия"},
		{"А\u0301за", "Аза"}, // a combining accent, ignored as accents are
	}
	for _, c := range same {
		if ka, kb := NameKey(c.a), NameKey(c.b); !bytes.Equal(ka, kb) {
			t.Errorf("%q and %q should have one key (ties go to the account id): % x, % x", c.a, c.b, ka, kb)
		}
	}
	if NameKey("") != nil || NameKey("   ") != nil {
		t.Error("an empty name has a key")
	}
	// Not the code-point order the list had.
	if "Іліяс" > "Азамат" || "Мұратұлы" > "Қайратұлы" {
		t.Fatal("the cases above no longer test anything: code-point order already agrees")
	}
}

// importNames imports users with these names (accounts LC-N0001, …, in
// the order given) and returns the account ids.
func importNames(t *testing.T, w *Workspace, names ...string) []string {
	t.Helper()
	var b strings.Builder
	b.WriteString("account_id;full_name\n")
	var ids []string
	for i, n := range names {
		id := fmt.Sprintf("LC-N%04d", i+1)
		ids = append(ids, id)
		fmt.Fprintf(&b, "%s;%s\n", id, n)
	}
	res, err := w.ImportUsers(context.Background(), strings.NewReader(b.String()), "names.csv", exportfile.CSV, ImportOptions{})
	if err != nil || res.Rejected > 0 {
		t.Fatalf("import: %v %+v", err, res)
	}
	return ids
}

// accountsOf lists the account ids of ids, in order.
func accountsOf(t *testing.T, w *Workspace, ids []int64) []string {
	t.Helper()
	us, err := w.UsersByID(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.AccountID
	}
	return out
}

// checkNameKeys fails when a user's stored key is not the key of their
// name as this build computes it.
func checkNameKeys(t *testing.T, w *Workspace) {
	t.Helper()
	var n int
	if err := w.db.QueryRow(`SELECT count(*) FROM users WHERE name_key IS NOT legco_name_key(full_name)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n > 0 {
		t.Fatalf("%d users' stored sort key is not their name's", n)
	}
}

func TestRecordsListInNameOrder(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	names := []string{"Мұратұлы Ерлан", "Іліяс Бекұлы", "Бауыржан Сәрсенов", "Әлия Нұрқызы", "Қайратұлы Арман", "Азамат Оспан",
		"Zhanna Ivanova", "азамат оспан", "Ёлкин Пётр", "Елена Серова", "Ерлан Аманов"}
	acc := importNames(t, w, names...)
	checkNameKeys(t, w)
	bs, err := w.ImportBatches(ctx)
	if err != nil || len(bs) != 1 {
		t.Fatalf("batches %+v %v", bs, err)
	}
	batch := bs[0].ID
	if err := w.BlockUser(ctx, acc[0], "test"); err != nil {
		t.Fatal(err)
	}
	if err := w.BlockUser(ctx, acc[5], "test"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		f    UserFilter
		want []int // indexes into names
	}{
		// «Азамат Оспан» and «азамат оспан» tie: by account id.
		{"by name", UserFilter{Order: OrderByName}, []int{5, 7, 3, 2, 9, 8, 10, 4, 0, 1, 6}},
		{"by account id", UserFilter{Order: OrderByAccountID}, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{"by id", UserFilter{}, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{"blocked, by name", UserFilter{Blocked: true, Order: OrderByName}, []int{5, 0}},
		{"blocked, by account id", UserFilter{Blocked: true, Order: OrderByAccountID}, []int{0, 5}},
		{"blocked, by id", UserFilter{Blocked: true}, []int{0, 5}},
		{"batch, by name", UserFilter{BatchID: batch, Order: OrderByName}, []int{5, 7, 3, 2, 9, 8, 10, 4, 0, 1, 6}},
	}
	// A filter that keeps many users picks them out of the walk of the
	// order's index; a few are sorted on their rows. Both ways here.
	for _, sortMax := range []int{filteredSortMax, 1} {
		defer func(was int) { filteredSortMax = was }(filteredSortMax)
		filteredSortMax = sortMax
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s/sort-max-%d", c.name, sortMax), func(t *testing.T) {
				ids, err := w.UserIDs(ctx, c.f)
				if err != nil {
					t.Fatal(err)
				}
				var want []string
				for _, i := range c.want {
					want = append(want, acc[i])
				}
				if got := accountsOf(t, w, ids); !slices.Equal(got, want) {
					t.Errorf("got  %v\nwant %v", got, want)
				}
				// The list's first page: the same order, cut short.
				for _, n := range []int{1, 3, len(ids) + 5} {
					first, err := w.FirstUserIDs(ctx, c.f, n)
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(first, ids[:min(n, len(ids))]) {
						t.Errorf("FirstUserIDs(%d) = %v, want the first of %v", n, first, ids)
					}
				}
			})
		}
	}
	// The plan walks the index, never sorts the table.
	var plan []string
	rows, err := w.db.QueryContext(ctx, `EXPLAIN QUERY PLAN SELECT id FROM users INDEXED BY users_name ORDER BY name_key, account_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a, b, c int
		var d string
		rows.Scan(&a, &b, &c, &d)
		plan = append(plan, d)
	}
	rows.Close()
	if p := strings.Join(plan, "; "); !strings.Contains(p, "COVERING INDEX users_name") || strings.Contains(p, "TEMP B-TREE") {
		t.Errorf("query plan %q: want a walk of the covering index users_name", p)
	}
}

// The key follows the name through every write, and a former name's key
// is nowhere in a decrypted copy once the name is gone.
func TestNameKeyFollowsTheName(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	acc := importNames(t, w, "Тоқтарбекқызы Гүлназ Ерболқызы", "Жұмабаев Дәулет", "Смирнов Пётр", "Ахметов Рүстем")
	key := func(account string) []byte {
		var k []byte
		if err := w.db.QueryRow(`SELECT name_key FROM users WHERE account_id = ?`, account).Scan(&k); err != nil {
			t.Fatal(err)
		}
		return k
	}
	// The key's bytes without the script byte: what a former name leaves.
	trace := func(name string) []byte { return NameKey(name)[1:] }
	for i, n := range []string{"Тоқтарбекқызы Гүлназ Ерболқызы", "Жұмабаев Дәулет"} {
		if !bytes.Equal(key(acc[i]), NameKey(n)) {
			t.Fatalf("import: %s's key is not its name's", acc[i])
		}
	}

	// An edit (clause 4.1).
	if err := w.UpdateUserField(ctx, acc[1], "full_name", "Жұмабаева Дана", "clause 4.1"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(key(acc[1]), NameKey("Жұмабаева Дана")) {
		t.Error("edit: the key still is the old name's")
	}
	// An import that changes a known account's name.
	if res, err := w.ImportUsers(ctx, strings.NewReader("account_id;full_name\n"+acc[2]+";Смирнова Алёна\n"), "again.csv", exportfile.CSV, ImportOptions{}); err != nil || res.Updated != 1 {
		t.Fatalf("re-import: %v %+v", err, res)
	}
	if !bytes.Equal(key(acc[2]), NameKey("Смирнова Алёна")) {
		t.Error("import update: the key still is the old name's")
	}
	checkNameKeys(t, w)

	former := []string{"Тоқтарбекқызы Гүлназ Ерболқызы", "Ахметов Рүстем"}
	b := plainCopy(t, w)
	for _, n := range former {
		if !bytes.Contains(b, trace(n)) {
			t.Fatalf("before: the decrypted copy lacks %q's key; the check below would prove nothing", n)
		}
	}
	if err := w.DepersonalizeUser(ctx, acc[0], "statistics only"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.DestroyUser(ctx, acc[3], "clause 1.4"); err != nil {
		t.Fatal(err)
	}
	u := onlyDepersonalized(t, w)
	if !bytes.Equal(key(u.AccountID), NameKey(u.FullName)) {
		t.Error("depersonalize: the record's key is not its surrogate name's")
	}
	checkNameKeys(t, w)
	b = plainCopy(t, w)
	for _, n := range former {
		if bytes.Contains(b, trace(n)) {
			t.Errorf("the decrypted copy still holds the sort key of %q", n)
		}
	}
	// The old names of the edits are gone too (their index cells were
	// freed with secure_delete).
	for _, n := range []string{"Жұмабаев Дәулет", "Смирнов Пётр"} {
		if bytes.Contains(b, trace(n)) {
			t.Errorf("the decrypted copy still holds the sort key of the former name %q", n)
		}
	}
}

// An older workspace gets every user's key on upgrade, and so does one
// that recorded 0011 when it was a placeholder; keys of another
// collation are recomputed.
func TestUpgradeFillsNameKeys(t *testing.T) {
	ctx := context.Background()
	fx := upgradeFixtures(t)
	if fx[2] == "" {
		t.Fatal("no v2 fixture")
	}
	open := func(path string) *Workspace {
		w, err := Open(ctx, path, "admin", []byte(fixturePass), testOpts)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	check := func(t *testing.T, w *Workspace) {
		t.Helper()
		var n, null int
		if err := w.db.QueryRow(`SELECT count(*), count(*) - count(name_key) FROM users`).Scan(&n, &null); err != nil {
			t.Fatal(err)
		}
		if n == 0 || null != 0 {
			t.Fatalf("%d users, %d without a sort key", n, null)
		}
		checkNameKeys(t, w)
		ids, err := w.UserIDs(ctx, UserFilter{Order: OrderByName})
		if err != nil || len(ids) != n {
			t.Fatalf("by name: %d ids, %v", len(ids), err)
		}
		us, _ := w.UsersByID(ctx, ids)
		for i := 1; i < len(us); i++ {
			if bytes.Compare(NameKey(us[i-1].FullName), NameKey(us[i].FullName)) > 0 {
				t.Errorf("%q listed before %q", us[i-1].FullName, us[i].FullName)
			}
		}
		if bad, err := w.IntegrityCheck(ctx); err != nil || len(bad) > 0 {
			t.Fatalf("integrity: %v %v", bad, err)
		}
	}
	for v := 2; fx[v] != ""; v++ {
		t.Run(fmt.Sprintf("v%d", v), func(t *testing.T) {
			w := open(copyWorkspace(t, fx[v]))
			defer w.Close()
			check(t, w)
		})
	}
	t.Run("0011 recorded as a placeholder", func(t *testing.T) {
		// A build where 0011 was still «SELECT 1;» recorded it as applied.
		path := copyWorkspace(t, fx[2])
		slots, err := keyslot.Load(keyslot.Path(path))
		if err != nil {
			t.Fatal(err)
		}
		u, err := slots.Unlock("admin", []byte(fixturePass))
		if err != nil {
			t.Fatal(err)
		}
		db, err := openDB(path, u.Key)
		if err != nil {
			t.Fatal(err)
		}
		if err := migrate(ctx, db, 10); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO schema_migrations(version, name, applied_at) VALUES (11, '0011_screens', '2026-12-01T00:00:00Z')`); err != nil {
			t.Fatal(err)
		}
		db.Close()
		w := open(path)
		defer w.Close()
		check(t, w)
	})
	t.Run("keys of another collation", func(t *testing.T) {
		path := copyWorkspace(t, fx[2])
		w := open(path)
		if _, err := w.db.Exec(`UPDATE users SET name_key = x'02'; UPDATE meta SET value = 'an-older-collation' WHERE key = 'name_key_version'`); err != nil {
			t.Fatal(err)
		}
		w.Close()
		w = open(path)
		defer w.Close()
		check(t, w)
	})
}

// Search hits (each group: exact, then other spellings) are in the
// list's alphabetical order too.
func TestSearchHitsInNameOrder(t *testing.T) {
	w, _ := newWorkspace(t)
	importNames(t, w, "Іліяс Оспанұлы", "Мұратұлы Оспан", "Азамат Оспанов", "Қайратұлы Оспан", "Әлия Оспанова")
	res, err := w.Search(context.Background(), "оспан", SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range res.Hits {
		got = append(got, h.FullName)
	}
	want := []string{"Азамат Оспанов", "Әлия Оспанова", "Қайратұлы Оспан", "Мұратұлы Оспан", "Іліяс Оспанұлы"}
	if !slices.Equal(got, want) {
		t.Errorf("hits %q\nwant %q", got, want)
	}
}

// The word-by-word key (appendWordKeys, from the cache) is the
// collator's key of the whole name, for every name it takes.
func TestNameKeyWords(t *testing.T) {
	if !wordKeysExact() {
		t.Fatal("the word keys do not add up to the collator's key: the cache is off")
	}
	names := []string{"Медведев Семён Александрович", "Шәріпов Ерлан Болатович", "Ким Ir-Sen", "Д'Артаньян",
		"Anna-Maria Żółć", "Иван 2-й", "Ödön Éva", "Іліяс Ұлан Үмбетов", "Һәкім Ңх Ғалым Қайратұлы", "a b c", "ЁЛКИН ПЁТР"}
	g := demo.New(7)
	for i := range 5000 {
		names = append(names, g.User(i).FullName)
	}
	taken := 0
	for _, n := range names {
		name := yoAsYe.Replace(strings.TrimSpace(kz.NFC(n)))
		whole := appendCollationKey(nil, name)
		for range 2 { // from the collator, then from the cache
			got, ok := appendWordKeys([]byte{9}, name)
			if !ok {
				continue
			}
			taken++
			if !bytes.Equal(got[1:], whole) {
				t.Fatalf("%q: word keys % x, collator % x", n, got[1:], whole)
			}
		}
	}
	if taken != 2*len(names) {
		t.Errorf("only %d of %d names keyed by words", taken/2, len(names))
	}
	for _, n := range []string{"A  B", "А\u0301за", "x\ty", "Ли·на"} {
		if _, ok := appendWordKeys(nil, n); ok {
			t.Errorf("%q keyed by words", n)
		}
	}
}
