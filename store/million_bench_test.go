package store

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
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
	n := 100_000
	if s := os.Getenv("LEGCO_BENCH_USERS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
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

	// Search: a mix of what officers type, over users spread through the set.
	var queries []string
	var accounts []string
	for k := 0; k < 200; k++ {
		i := (k * 7919) % n
		u := g.User(i)
		accounts = append(accounts, u.AccountID)
		switch k % 5 {
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
		default:
			if u.Email != "" {
				queries = append(queries, u.Email)
			} else {
				queries = append(queries, u.AccountID)
			}
		}
	}
	lat := make([]time.Duration, 0, len(queries))
	var pairs, others []time.Duration
	for k, q := range queries {
		t := time.Now()
		if _, err := w.SearchUsers(ctx, q, 100); err != nil {
			b.Fatal(err)
		}
		d := time.Since(t)
		lat = append(lat, d)
		if k%5 == 1 {
			pairs = append(pairs, d)
		} else {
			others = append(others, d)
		}
	}
	p50, p95 := percentiles(lat)
	b.ReportMetric(float64(p95.Microseconds())/1000, "search-p95-ms")
	b.ReportMetric(float64(p50.Microseconds())/1000, "search-p50-ms")
	// Two word beginnings ("Әліб Нұр") are the costly kind: both ranges
	// are read. Everything else stops at the limit.
	_, p95 = percentiles(pairs)
	b.ReportMetric(float64(p95.Microseconds())/1000, "search-2prefix-p95-ms")
	_, p95 = percentiles(others)
	b.ReportMetric(float64(p95.Microseconds())/1000, "search-other-p95-ms")

	lat = lat[:0]
	for _, a := range accounts {
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
