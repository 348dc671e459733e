package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand"
	"path/filepath"
	"testing"
	"time"

	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/keyslot"
)

// The encryption benchmarks run the same work on the same engine twice,
// once opened without a key (plain SQLite) and once with the workspace's
// raw key, with the workspace's page cache, and report the ratio.

const benchRows = 200_000

func benchDB(b *testing.B, encrypted bool) *sql.DB {
	b.Helper()
	var key []byte
	if encrypted {
		key, _ = keyslot.NewKey()
	}
	db, err := openDB(filepath.Join(b.TempDir(), "bench.db"), key)
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE people (id INTEGER PRIMARY KEY, account_id TEXT NOT NULL UNIQUE, full_name TEXT, iin TEXT, phone TEXT, email TEXT, address TEXT);
		CREATE INDEX people_iin ON people(iin)`); err != nil {
		b.Fatal(err)
	}
	return db
}

func fillPeople(b *testing.B, db *sql.DB) {
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	st, err := tx.Prepare(`INSERT INTO people(account_id, full_name, iin, phone, email, address) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < benchRows; i++ {
		if _, err := st.Exec(fmt.Sprintf("LC-%07d", i), fmt.Sprintf("Әлібеков Нұрлан %d", i), fmt.Sprintf("%012d", i*7919),
			fmt.Sprintf("+7701%07d", i), fmt.Sprintf("user%d@mail.kz", i), "Алматы қ., Абай даңғылы, 150-үй"); err != nil {
			b.Fatal(err)
		}
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// pair times fn on a plain and an encrypted database and reports both and
// their ratio (encrypted / plain).
func pair(b *testing.B, setup func(*testing.B, *sql.DB), fn func(*testing.B, *sql.DB) int) {
	var took [2]time.Duration
	var ops [2]int
	for i, enc := range []bool{false, true} {
		db := benchDB(b, enc)
		if setup != nil {
			setup(b, db)
		}
		b.StartTimer()
		t0 := time.Now()
		for n := 0; n < b.N; n++ {
			ops[i] += fn(b, db)
		}
		took[i] = time.Since(t0)
		b.StopTimer()
		db.Close()
	}
	per := func(i int) float64 { return float64(took[i].Nanoseconds()) / float64(ops[i]) }
	b.ReportMetric(per(0), "plain-ns/op")
	b.ReportMetric(per(1), "sqlcipher-ns/op")
	b.ReportMetric(per(1)/per(0), "ratio")
	b.ReportMetric(0, "ns/op")
}

func BenchmarkEncryption(b *testing.B) {
	b.Run("insert-200k", func(b *testing.B) {
		b.StopTimer()
		pair(b, nil, func(b *testing.B, db *sql.DB) int {
			db.Exec(`DELETE FROM people`)
			fillPeople(b, db)
			return 1
		})
	})
	b.Run("indexed-lookup", func(b *testing.B) {
		b.StopTimer()
		r := rand.New(rand.NewSource(1))
		pair(b, fillPeople, func(b *testing.B, db *sql.DB) int {
			var id int64
			for k := 0; k < 1000; k++ {
				iin := fmt.Sprintf("%012d", r.Intn(benchRows)*7919)
				if err := db.QueryRow(`SELECT id FROM people WHERE iin = ?`, iin).Scan(&id); err != nil {
					b.Fatal(err)
				}
			}
			return 1000
		})
	})
	b.Run("full-scan-200k", func(b *testing.B) {
		b.StopTimer()
		pair(b, func(b *testing.B, db *sql.DB) {
			fillPeople(b, db)
			var n int
			db.QueryRow(`SELECT count(*) FROM people WHERE full_name LIKE '%999%'`).Scan(&n) // warm the cache
		}, func(b *testing.B, db *sql.DB) int {
			var n int
			if err := db.QueryRow(`SELECT count(*) FROM people WHERE full_name LIKE '%999%'`).Scan(&n); err != nil {
				b.Fatal(err)
			}
			return 1
		})
	})
}

// BenchmarkOpen is the cost of unlocking a workspace with the production
// Argon2id parameters (what a passphrase guess costs too).
func BenchmarkOpen(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "ws.db")
	w, err := Create(ctx, path, "admin", []byte("benchmark pass"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	w.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w, err := Open(ctx, path, "admin", []byte("benchmark pass"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		w.Close()
	}
}

// BenchmarkUsersRowFloor measures the floor under the users import: only
// the users table rows of real demo users (no parsing, validation, search
// keys or extra fields), inserted the way the import does (one prepared
// statement, 50,000-row transactions) into the real schema, plain and
// encrypted. No import can be faster than this on the machine it runs on.
func BenchmarkUsersRowFloor(b *testing.B) {
	const n = 200_000
	g := demo.New(42)
	users := make([]exportfile.User, n)
	for i := range users {
		users[i] = g.User(i)
	}
	ctx := context.Background()
	for _, encrypted := range []bool{false, true} {
		name := map[bool]string{false: "plain", true: "sqlcipher"}[encrypted]
		b.Run(name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				var key []byte
				if encrypted {
					key, _ = keyslot.NewKey()
				}
				db, err := openDB(filepath.Join(b.TempDir(), "floor.db"), key)
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
				b.StartTimer()
				t := time.Now()
				for lo := 0; lo < n; lo += 50_000 {
					tx, err := db.Begin()
					if err != nil {
						b.Fatal(err)
					}
					st, err := tx.Prepare(`INSERT INTO users(account_id, full_name, iin, phone, email, birth_date, address, entity_bin, entity_name,
						registered_at, batch_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(account_id) DO NOTHING`)
					if err != nil {
						b.Fatal(err)
					}
					now := time.Now().UTC().Format(time.RFC3339Nano)
					for _, v := range users[lo : lo+50_000] {
						if _, err := st.Exec(v.AccountID, v.FullName, nullable(v.IIN), nullable(v.Phone), nullable(v.Email), nullable(v.BirthDate),
							nullable(v.Address), nullable(v.EntityBIN), nullable(v.EntityName), timeText(v.RegisteredAt), 1, now, now); err != nil {
							b.Fatal(err)
						}
					}
					st.Close()
					if err := tx.Commit(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n)/time.Since(t).Seconds(), "rows/s")
				b.StopTimer()
				db.Close()
				b.StartTimer()
			}
		})
	}
}
