package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/keyslot"
)

// BenchmarkNameKeys measures what the records list's sort key costs
// (issue #14) at LEGCO_BENCH_USERS users (default 100,000; run once,
// -benchtime 1x): computing the keys alone, the users import that now
// writes and indexes them (BenchmarkImportUsersCPU gives the same import
// for a build without keys), listing the ids in each order, the first
// page in name order, and migration 0011's fill of an older workspace.
func BenchmarkNameKeys(b *testing.B) {
	n := benchUsers()
	ctx := context.Background()
	dir := b.TempDir()
	g := demo.New(42)
	usersPath, _, err := g.WriteExports(dir, n, exportfile.CSV, nil)
	if err != nil {
		b.Fatal(err)
	}
	names := make([]string, n)
	for i := range names {
		names[i] = g.User(i).FullName
	}
	b.ResetTimer()

	c0, t0 := cpuSeconds(), time.Now()
	var size int
	for _, s := range names {
		size += len(NameKey(s))
	}
	b.ReportMetric(cpuSeconds()-c0, "keys-cpu-s")
	b.ReportMetric(float64(time.Since(t0).Nanoseconds())/float64(n), "ns/key")
	b.ReportMetric(float64(size)/float64(n), "key-bytes")

	w, err := Create(ctx, filepath.Join(dir, "ws.db"), "admin", []byte("benchmark pass"), Options{KDF: keyslot.TestParams})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	users, cpu, wall := importUsersTimed(b, w, usersPath)
	b.ReportMetric(float64(users)/wall, "import-users/s")
	b.ReportMetric(cpu, "import-cpu-s")

	for _, o := range []struct {
		name  string
		order UserOrder
	}{{"name", OrderByName}, {"account", OrderByAccountID}, {"id", OrderByID}} {
		c0, t0 = cpuSeconds(), time.Now()
		ids, err := w.UserIDs(ctx, UserFilter{Order: o.order})
		if err != nil || len(ids) != n {
			b.Fatalf("ids by %s: %d %v", o.name, len(ids), err)
		}
		b.ReportMetric(float64(time.Since(t0).Microseconds())/1000, "list-ids-by-"+o.name+"-ms")
		if o.order == OrderByName {
			b.ReportMetric(cpuSeconds()-c0, "list-ids-by-name-cpu-s")
			t0 = time.Now()
			if us, err := w.UsersByID(ctx, ids[:200]); err != nil || len(us) != 200 {
				b.Fatalf("first page: %d %v", len(us), err)
			}
			b.ReportMetric(float64(time.Since(t0).Microseconds())/1000, "first-page-ms")
		}
	}
	// A filter that keeps half the users, in name order: the filter's
	// index, then a sort on the keys read from the table.
	t0 = time.Now()
	if _, err := w.UserIDs(ctx, UserFilter{BatchID: 1, Order: OrderByName}); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(time.Since(t0).Microseconds())/1000, "list-batch-by-name-ms")

	// Migration 0011 on a workspace of n users imported by an older
	// build: the same statements, on rows without keys.
	if _, err := w.db.ExecContext(ctx, `DROP INDEX users_name; UPDATE users SET name_key = NULL`); err != nil {
		b.Fatal(err)
	}
	if _, err := w.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	c0, t0 = cpuSeconds(), time.Now()
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{`UPDATE users SET name_key = legco_name_key(full_name) WHERE full_name IS NOT NULL`,
		`CREATE INDEX users_name ON users (name_key, account_id)`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(time.Since(t0).Seconds(), "migrate-fill-s")
	b.ReportMetric(cpuSeconds()-c0, "migrate-fill-cpu-s")
}
