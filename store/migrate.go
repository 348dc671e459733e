package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations are the numbered files in migrations/, in order. A file is
// never edited once released: a change to the schema is a new file.
var migrations = loadMigrations()

func loadMigrations() []migration {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		panic(err)
	}
	sort.Strings(names)
	var out []migration
	for i, n := range names {
		base := strings.TrimPrefix(n, "migrations/")
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v != i+1 {
			panic(fmt.Sprintf("migration %s: want a name like %04d_what.sql", base, i+1))
		}
		b, _ := migrationFS.ReadFile(n)
		out = append(out, migration{version: v, name: strings.TrimSuffix(base, ".sql"), sql: string(b)})
	}
	return out
}

// SchemaVersion is the schema version this build writes.
func SchemaVersion() int { return len(migrations) }

// migrate applies the migrations above the database's version, up to
// target, each in its own transaction with its record.
func migrate(ctx context.Context, db *sql.DB, target int) error {
	return migrateTelling(ctx, db, target, nil)
}

// migrateTelling is migrate that first calls upgrading, when set, if an
// existing database (version above 0) has migrations to apply.
func migrateTelling(ctx context.Context, db *sql.DB, target int, upgrading func(from, to int)) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("schema migrations: %w", err)
	}
	var cur int
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&cur); err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	if cur > len(migrations) {
		return fmt.Errorf("the workspace has schema version %d, newer than this build knows (%d): use a newer legco-compliance", cur, len(migrations))
	}
	if upgrading != nil && cur > 0 && cur < target {
		upgrading(cur, target)
	}
	for _, m := range migrations[cur:target] {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, time.Now().UTC().Format(time.RFC3339)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}
