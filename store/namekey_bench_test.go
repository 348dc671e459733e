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

// BenchmarkNameKeyRows is BenchmarkUsersRowFloor's SQLCipher case (only
// the users rows, one prepared statement, 50,000-row transactions) with
// the keys written and without (NULL, which the index appends at its
// start): what SQLite's maintenance of users_name adds to each row.
// Keys are computed beforehand; their CPU is BenchmarkNameKeys' keys-cpu-s.
func BenchmarkNameKeyRows(b *testing.B) {
	n := benchUsers()
	g := demo.New(42)
	users := make([]exportfile.User, n)
	keys := make([]any, n)
	for i := range users {
		users[i] = g.User(i)
		keys[i] = nameKeyArg(users[i].FullName)
	}
	ctx := context.Background()
	for _, withKey := range []bool{false, true} {
		name := map[bool]string{false: "without-key", true: "with-key"}[withKey]
		b.Run(name, func(b *testing.B) {
			for range b.N {
				key, _ := keyslot.NewKey()
				db, err := openDB(filepath.Join(b.TempDir(), "rows.db"), key)
				if err != nil {
					b.Fatal(err)
				}
				db.SetMaxOpenConns(1)
				if err := migrate(ctx, db, len(migrations)); err != nil {
					b.Fatal(err)
				}
				if _, err := db.Exec(`INSERT INTO import_batches(id, kind, file_name, file_sha256, started_at, staff) VALUES (1, 'users', 'b', '', '', 'b')`); err != nil {
					b.Fatal(err)
				}
				c0, t0 := cpuSeconds(), time.Now()
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
					now := time.Now().UTC().Format(time.RFC3339Nano)
					for i := lo; i < min(lo+50_000, n); i++ {
						v := users[i]
						var k any
						if withKey {
							k = keys[i]
						}
						if _, err := st.Exec(v.AccountID, v.FullName, nullable(v.IIN), nullable(v.Phone), nullable(v.Email), nullable(v.BirthDate),
							nullable(v.Address), nullable(v.EntityBIN), nullable(v.EntityName), timeText(v.RegisteredAt), 1, now, now, k); err != nil {
							b.Fatal(err)
						}
					}
					st.Close()
					if err := tx.Commit(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n)/time.Since(t0).Seconds(), "rows/s")
				b.ReportMetric(cpuSeconds()-c0, "cpu-s")
				db.Close()
			}
		})
	}
}
