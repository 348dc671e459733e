package store

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/keyslot"
)

// BenchmarkMillionSearch is BenchmarkMillion's search mix alone, on a
// workspace of LEGCO_BENCH_USERS users without their access log, kept at
// LEGCO_BENCH_SEARCH_WS when that is set (building a million users takes
// a minute; searching them, a second). It logs the slowest queries, for
// profiling the index (-cpuprofile).
func BenchmarkMillionSearch(b *testing.B) {
	n := benchUsers()
	ctx := context.Background()
	dir := b.TempDir()
	path := filepath.Join(dir, "ws.db")
	if keep := os.Getenv("LEGCO_BENCH_SEARCH_WS"); keep != "" {
		path = keep
	}
	g := demo.New(42)
	if _, err := os.Stat(path); err != nil {
		w, err := Create(ctx, path, "admin", []byte("benchmark pass"), Options{KDF: keyslot.TestParams})
		if err != nil {
			b.Fatal(err)
		}
		usersPath, _, err := g.WriteExports(dir, n, exportfile.CSV, nil)
		if err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(usersPath)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.ImportUsers(ctx, f, "users.csv", exportfile.CSV, ImportOptions{}); err != nil {
			b.Fatal(err)
		}
		f.Close()
		w.Close()
	}
	w, err := Open(ctx, path, "admin", []byte("benchmark pass"), Options{KDF: keyslot.TestParams})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	queries, kinds := searchMix(g, n)
	type timed struct {
		q, kind string
		d       time.Duration
		total   int
	}
	var all []timed
	byKind := map[string][]time.Duration{}
	b.ResetTimer()
	for range b.N {
		all = all[:0]
		for k, q := range queries {
			t := time.Now()
			res, err := w.Search(ctx, q, SearchOptions{Limit: 50})
			if err != nil {
				b.Fatal(err)
			}
			d := time.Since(t)
			all = append(all, timed{q, kinds[k], d, res.Total})
			byKind[kinds[k]] = append(byKind[kinds[k]], d)
		}
	}
	b.StopTimer()
	for kind, ds := range byKind {
		_, p95 := percentiles(ds)
		b.ReportMetric(float64(p95.Microseconds())/1000, "search-"+kind+"-p95-ms")
	}
	sort.Slice(all, func(i, j int) bool { return all[i].d > all[j].d })
	for _, x := range all[:min(12, len(all))] {
		b.Logf("%8s %-12s %q (%d matches)", x.d.Round(100*time.Microsecond), x.kind, x.q, x.total)
	}
}
