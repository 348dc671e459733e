package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// A large users import into a table that is empty or small beside it
// drops the index users_name (the records list's name order, migration
// 0011) in the transaction of its second chunk and builds it again in
// the transaction of its last: one sorted build instead of a random
// B-tree insert per row, whose pages every chunk would rewrite and
// encrypt again (the index's keys are collation keys of names, in no
// relation to the file's order).
//
// Between those chunks the workspace is consistent without the index:
// the list falls back to sorting (userIDs), and meta 'deferred_indexes'
// names what is missing, written in the transaction that dropped it. A
// run that fails or is cancelled builds it before it returns; a killed
// one leaves the meta row, and the next open builds it (afterConnect,
// unless a holder file says an import may be running), as does the end
// of the next users import.
var deferrableIndexes = map[string]string{
	"users_name": `CREATE INDEX IF NOT EXISTS users_name ON users (name_key, account_id)`,
}

const deferredIndexesKey = "deferred_indexes"

type execQuerier interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// deferIndex drops index name (one of deferrableIndexes) in tx and
// records that it is to be built again.
func deferIndex(ctx context.Context, tx execQuerier, name string) error {
	if _, ok := deferrableIndexes[name]; !ok {
		return fmt.Errorf("index %s cannot be deferred", name)
	}
	names, err := deferredIndexes(ctx, tx)
	if err != nil {
		return err
	}
	if !strings.Contains(","+names+",", ","+name+",") {
		if names != "" {
			names += ","
		}
		names += name
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
		deferredIndexesKey, names); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `DROP INDEX IF EXISTS `+name)
	return err
}

func deferredIndexes(ctx context.Context, q execQuerier) (string, error) {
	var names string
	err := q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, deferredIndexesKey).Scan(&names)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return names, err
}

// buildDeferredIndexes builds the indexes a users import dropped, in tx.
func buildDeferredIndexes(ctx context.Context, tx execQuerier) error {
	names, err := deferredIndexes(ctx, tx)
	if err != nil || names == "" {
		return err
	}
	for name := range strings.SplitSeq(names, ",") {
		if q, ok := deferrableIndexes[name]; ok {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("build index %s: %w", name, err)
			}
		}
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM meta WHERE key = ?`, deferredIndexesKey)
	return err
}

// restoreDeferredIndexes builds, in a transaction of its own, indexes an
// import dropped and did not build again (it failed, was cancelled or
// killed). Nothing is written when none is missing.
func (w *Workspace) restoreDeferredIndexes(ctx context.Context) error {
	names, err := deferredIndexes(ctx, w.db)
	if err != nil || names == "" {
		return err
	}
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := buildDeferredIndexes(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// indexExists reports whether the schema has index name.
func indexExists(ctx context.Context, q execQuerier, name string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?`, name).Scan(&n)
	return n > 0, err
}
