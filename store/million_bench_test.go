package store

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/keyslot"
)

// BenchmarkMillion builds a workspace the size LegCo may reach —
// LEGCO_BENCH_USERS users (default 100,000; `make bench-1m` sets
// 1,000,000) with their access log (about five rows a user) — by
// importing demo export files through the real CSV import, then measures
// search and detail latency. It runs once (-benchtime 1x).
func BenchmarkMillion(b *testing.B) {
	n := benchUsers()
	ctx := context.Background()
	dir := b.TempDir()
	g := demo.New(42)
	t0 := time.Now()
	usersPath, accessPath, err := g.WriteExports(dir, n, exportfile.CSV, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d users' export files in %s", n, time.Since(t0).Round(time.Millisecond))
	w, err := Create(ctx, filepath.Join(dir, "ws.db"), "admin", []byte("benchmark pass"), Options{KDF: keyslot.TestParams})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	importOne := func(path string, access bool) (*ImportResult, time.Duration) {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		t := time.Now()
		var res *ImportResult
		if access {
			res, err = w.ImportAccessLog(ctx, f, filepath.Base(path), exportfile.CSV, ImportOptions{})
		} else {
			res, err = w.ImportUsers(ctx, f, filepath.Base(path), exportfile.CSV, ImportOptions{})
		}
		if err != nil {
			b.Fatal(err)
		}
		return res, time.Since(t)
	}
	b.ResetTimer()
	ru, du := importOne(usersPath, false)
	ra, da := importOne(accessPath, true)
	b.StopTimer()
	if ru.New != n || ru.Rejected != 0 || ra.Rejected != 0 {
		b.Fatalf("import: users %+v, access %+v", ru, ra)
	}
	b.ReportMetric(float64(ru.New)/du.Seconds(), "users/s")
	b.ReportMetric(float64(ra.New)/da.Seconds(), "access-rows/s")
	b.Logf("imported %d users in %s and %d access rows in %s", ru.New, du.Round(time.Millisecond), ra.New, da.Round(time.Millisecond))

	// The floor under the import in this same run (BenchmarkUsersRowFloor's
	// SQLCipher case): the import as a ratio to it.
	floor := usersRowFloor(b, g, min(n, 200_000))
	b.ReportMetric(floor, "floor-rows/s")
	b.ReportMetric(float64(ru.New)/du.Seconds()/floor, "import/floor")

	// Search: a mix of what officers type, over users spread through the
	// set, seven kinds; the CLI's default (50 hits, matches counted).
	queries, qkinds := searchMix(g, n)
	kinds := qkinds[:7]
	var accounts []string
	for k := 0; k < 280; k++ {
		accounts = append(accounts, g.User((k*7919)%n).AccountID)
	}
	lat := make([]time.Duration, 0, len(queries))
	byKind := map[string][]time.Duration{}
	for k, q := range queries {
		t := time.Now()
		if _, err := w.Search(ctx, q, SearchOptions{Limit: 50}); err != nil {
			b.Fatal(err)
		}
		d := time.Since(t)
		lat = append(lat, d)
		byKind[kinds[k%7]] = append(byKind[kinds[k%7]], d)
	}
	p50, p95 := percentiles(lat)
	b.ReportMetric(float64(p95.Microseconds())/1000, "search-p95-ms")
	b.ReportMetric(float64(p50.Microseconds())/1000, "search-p50-ms")
	for _, k := range kinds {
		_, p95 := percentiles(byKind[k])
		b.ReportMetric(float64(p95.Microseconds())/1000, "search-"+k+"-p95-ms")
	}

	lat = lat[:0]
	for _, a := range accounts[:200] {
		t := time.Now()
		u, err := w.GetUser(ctx, a)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.AccessLog(ctx, u.ID, 0, 50); err != nil {
			b.Fatal(err)
		}
		if _, err := w.AuditEntries(ctx, AuditFilter{Object: "user:" + a, Limit: 50}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	p50, p95 = percentiles(lat)
	b.ReportMetric(float64(p95.Microseconds())/1000, "detail-p95-ms")
	b.ReportMetric(float64(p50.Microseconds())/1000, "detail-p50-ms")

	t := time.Now()
	ids, err := w.UserIDs(ctx, UserFilter{})
	if err != nil || len(ids) != n {
		b.Fatalf("UserIDs: %d, %v", len(ids), err)
	}
	b.ReportMetric(float64(time.Since(t).Microseconds())/1000, "list-ids-ms")
	// The records list's default order (issue #14): alphabetical, a walk
	// of the users_name index; then its first page of rows, as the app
	// shows it.
	t = time.Now()
	ids, err = w.UserIDs(ctx, UserFilter{Order: OrderByName})
	if err != nil || len(ids) != n {
		b.Fatalf("UserIDs by name: %d, %v", len(ids), err)
	}
	b.ReportMetric(float64(time.Since(t).Microseconds())/1000, "list-ids-by-name-ms")
	t = time.Now()
	if us, err := w.UsersByID(ctx, ids[:min(200, len(ids))]); err != nil || len(us) != min(200, n) {
		b.Fatalf("first page by name: %d, %v", len(us), err)
	}
	b.ReportMetric(float64(time.Since(t).Microseconds())/1000, "first-page-by-name-ms")

	// audit verify (issue #9): full, with the record pass, and --quick.
	for _, quick := range []bool{false, true} {
		t = time.Now()
		phase, phaseAt := "", time.Now()
		rep, err := w.Verify(ctx, VerifyOptions{Quick: quick, Progress: func(p string, done, total int64) {
			if p != phase {
				if phase != "" {
					b.Logf("  %s: %s", phase, time.Since(phaseAt).Round(time.Millisecond))
				}
				phase, phaseAt = p, time.Now()
			}
		}})
		if phase != "" {
			b.Logf("  %s: %s", phase, time.Since(phaseAt).Round(time.Millisecond))
		}
		if err != nil || !rep.OK() {
			b.Fatalf("verify quick=%v: %v %+v", quick, err, rep)
		}
		name := "verify-full-s"
		if quick {
			name = "verify-quick-s"
		}
		b.ReportMetric(time.Since(t).Seconds(), name)
		b.Logf("%s: %s, %d entries, %d records", name, time.Since(t).Round(time.Millisecond), rep.Entries, rep.Records)
	}

	// Re-import: the same export with every tenth user's e-mail changed.
	changed := filepath.Join(dir, "users-changed.csv")
	cf, err := os.Create(changed)
	if err != nil {
		b.Fatal(err)
	}
	uw := exportfile.NewUserWriter(cf, exportfile.CSV, demo.ExtraColumns...)
	for i := range n {
		u := g.User(i)
		if i%10 == 0 {
			u.Email = "re" + strconv.Itoa(i) + "@example.kz"
		}
		if err := uw.Write(u); err != nil {
			b.Fatal(err)
		}
	}
	if err := uw.Flush(); err != nil {
		b.Fatal(err)
	}
	cf.Close()
	rr, dr := importOne(changed, false)
	if rr.Updated != (n+9)/10 || rr.New != 0 || rr.Rejected != 0 {
		b.Fatalf("re-import: %+v", rr)
	}
	b.ReportMetric(float64(n)/dr.Seconds(), "reimport-rows/s")
	b.ReportMetric(dr.Seconds(), "reimport-s")
	b.Logf("re-imported %d users (%d changed) in %s", n, rr.Updated, dr.Round(time.Millisecond))
}

// usersRowFloor is BenchmarkUsersRowFloor's SQLCipher case for n users:
// only the users rows, one prepared statement, 50,000-row transactions.
func usersRowFloor(b *testing.B, g *demo.Generator, n int) float64 {
	return usersFloor(b, g, n, false)
}

// usersRecordFloor is the floor under what a users import must write for
// each new user since issues #9 and #14 (after the 0.65× of the users
// import before the records second pass was measured): the users row
// with its name key, its seal row, and the records list's name index
// built at the end — each the plainest way (one prepared statement a
// row, 50,000-row transactions, the index dropped and built once, as a
// large import does). Name keys and MACs are computed beforehand,
// untimed: the engine's writing alone. The search entries are not in
// it: the import wrote those before the second pass too.
func usersRecordFloor(b *testing.B, g *demo.Generator, n int) float64 {
	return usersFloor(b, g, n, true)
}

func usersFloor(b *testing.B, g *demo.Generator, n int, records bool) float64 {
	users := make([]exportfile.User, n)
	keys := make([]any, n)
	macs := make([][]byte, n)
	for i := range users {
		users[i] = g.User(i)
		if records {
			keys[i] = nameKeyArg(users[i].FullName)
			macs[i] = make([]byte, sealMACSize)
			rand.Read(macs[i])
		}
	}
	key, _ := keyslot.NewKey()
	db, err := openDB(filepath.Join(b.TempDir(), "floor.db"), key)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	if err := migrate(ctx, db, len(migrations)); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO import_batches(id, kind, file_name, file_sha256, started_at, staff) VALUES (1, 'users', 'b', '', '', 'b')`); err != nil {
		b.Fatal(err)
	}
	t := time.Now()
	if records {
		if _, err := db.Exec(`DROP INDEX users_name`); err != nil {
			b.Fatal(err)
		}
	}
	for lo := 0; lo < n; lo += 50_000 {
		tx, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		st, err := tx.Prepare(`INSERT INTO users(account_id, full_name, iin, phone, email, birth_date, address, entity_bin, entity_name,
			registered_at, batch_id, created_at, updated_at, name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(account_id) DO NOTHING`)
		if err != nil {
			b.Fatal(err)
		}
		seal, err := tx.Prepare(`INSERT INTO seals(object, seq, mac) VALUES (?, ?, ?)`)
		if err != nil {
			b.Fatal(err)
		}
		now := time.Now().UTC().Format(time.RFC3339Nano)
		for i := lo; i < min(lo+50_000, n); i++ {
			v := &users[i]
			if _, err := st.Exec(v.AccountID, v.FullName, nullable(v.IIN), nullable(v.Phone), nullable(v.Email), nullable(v.BirthDate),
				nullable(v.Address), nullable(v.EntityBIN), nullable(v.EntityName), timeText(v.RegisteredAt), 1, now, now, keys[i]); err != nil {
				b.Fatal(err)
			}
			if records {
				if _, err := seal.Exec("user:"+v.AccountID, 2, macs[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
		st.Close()
		seal.Close()
		if records && lo+50_000 >= n {
			if _, err := tx.Exec(deferrableIndexes["users_name"]); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	return float64(n) / time.Since(t).Seconds()
}

// russianKeyboard writes Kazakh letters as the nearest Russian ones.
func russianKeyboard(s string) string {
	return strings.NewReplacer("ә", "а", "Ә", "А", "ғ", "г", "Ғ", "Г", "қ", "к", "Қ", "К", "ң", "н", "Ң", "Н", "ө", "о", "Ө", "О",
		"ұ", "у", "Ұ", "У", "ү", "у", "Ү", "У", "һ", "х", "Һ", "Х", "і", "и", "І", "И").Replace(s)
}

// passportLatin transliterates a Cyrillic name as Kazakhstan passports do.
func passportLatin(s string) string {
	m := map[rune]string{'а': "a", 'ә': "a", 'б': "b", 'в': "v", 'г': "g", 'ғ': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z",
		'и': "i", 'й': "i", 'і': "i", 'к': "k", 'қ': "k", 'л': "l", 'м': "m", 'н': "n", 'ң': "n", 'о': "o", 'ө': "o", 'п': "p", 'р': "r",
		'с': "s", 'т': "t", 'у': "u", 'ұ': "u", 'ү': "u", 'ф': "f", 'х': "kh", 'һ': "h", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch",
		'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "iu", 'я': "ia"}
	var out strings.Builder
	for _, r := range strings.ToLower(s) {
		if t, ok := m[r]; ok {
			out.WriteString(t)
		} else {
			out.WriteRune(r)
		}
	}
	return strings.ToUpper(out.String())
}

func percentiles(d []time.Duration) (p50, p95 time.Duration) {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)/2], d[len(d)*95/100]
}

func firstWord(s string) string {
	for i, r := range s {
		if r == ' ' {
			return s[:i]
		}
	}
	return s
}

func secondWord(s string) string {
	rest := s[len(firstWord(s)):]
	if len(rest) > 0 {
		rest = rest[1:]
	}
	return firstWord(rest)
}

func prefixRunes(s string, n int) string {
	r := []rune(s)
	if len(r) < n {
		return s
	}
	return string(r[:n])
}

// searchMix is what officers type, over users spread through the set,
// seven kinds (kinds[k] names queries[k]'s kind).
func searchMix(g *demo.Generator, n int) (queries, kinds []string) {
	names := []string{"surname", "two-prefixes", "iin", "phone", "email", "folded", "translit"}
	for k := 0; k < 280; k++ {
		i := (k * 7919) % n
		u := g.User(i)
		kinds = append(kinds, names[k%7])
		switch k % 7 {
		case 0:
			queries = append(queries, firstWord(u.FullName)) // a surname
		case 1:
			queries = append(queries, prefixRunes(firstWord(u.FullName), 4)+" "+prefixRunes(secondWord(u.FullName), 3))
		case 2:
			if u.IIN != "" {
				queries = append(queries, u.IIN)
			} else {
				queries = append(queries, u.AccountID)
			}
		case 3:
			if u.Phone != "" {
				queries = append(queries, "8 "+u.Phone[2:5]+" "+u.Phone[5:8]+" "+u.Phone[8:10]+" "+u.Phone[10:])
			} else {
				queries = append(queries, u.AccountID)
			}
		case 4:
			if u.Email != "" {
				queries = append(queries, u.Email)
			} else {
				queries = append(queries, u.AccountID)
			}
		case 5: // typed on a Russian keyboard: «Эуезов» for «Әуезов»
			queries = append(queries, russianKeyboard(firstWord(u.FullName))+" "+russianKeyboard(secondWord(u.FullName)))
		default: // as in a passport
			queries = append(queries, passportLatin(firstWord(u.FullName)))
		}
	}
	return queries, kinds
}
