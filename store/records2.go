package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// skeletonVersion marks workspaces whose search index has the 't' keys
// of kz.Skeleton (searchKeys); raise it when Skeleton changes.
const skeletonVersion = "1"

// afterConnect brings data up to what this build expects: the search
// index's skeleton keys for users imported before them, the index of
// the records list an import killed before its end left dropped, and a
// wipe a destruction could not finish (see finishPendingWipe).
func (w *Workspace) afterConnect(ctx context.Context) error {
	if err := w.backfillSkeletons(ctx); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	if err := w.refreshNameKeys(ctx); err != nil {
		return fmt.Errorf("records list sort keys: %w", err)
	}
	// An import killed while it had users_name dropped (deferindex.go).
	// Not while a holder file says an import may be under way in another
	// program (that import builds it at its end; a killed one's file goes
	// with the next import, which builds it too), and a busy workspace
	// only puts it off: the list sorts meanwhile.
	if readHolder(w.path) == nil {
		if err := w.restoreDeferredIndexes(ctx); err != nil && !isBusy(err) {
			return fmt.Errorf("records list index: %w", err)
		}
		// A consent import killed before it wrote its day counts
		// (consents_daily.go).
		if err := w.countUncounted(ctx); err != nil && !isBusy(err) {
			return fmt.Errorf("consent day counts: %w", err)
		}
	}
	return w.finishPendingWipe(ctx)
}

// backfillSkeletons adds the 't' keys to a workspace imported by an
// older build, once, as one run.
func (w *Workspace) backfillSkeletons(ctx context.Context) error {
	var v string
	err := w.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'search_skeleton'`).Scan(&v)
	if err == nil && v == skeletonVersion {
		return nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Old 't' keys (an earlier Skeleton) go first.
	if v != "" {
		if err := removeKeysWithPrefix(ctx, tx, "t "); err != nil {
			return err
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, coalesce(full_name, '') FROM users`)
	if err != nil {
		return err
	}
	var ix indexEdit
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return err
		}
		var keys []string
		for _, k := range searchKeys(name, "", "", "") {
			if strings.HasPrefix(k, "t ") {
				keys = append(keys, k)
			}
		}
		ix.insert(id, keys)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := ix.flush(ctx, tx); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES ('search_skeleton', ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, skeletonVersion); err != nil {
		return err
	}
	return tx.Commit()
}

// removeKeysWithPrefix deletes every index entry whose key starts with
// prefix, block by block.
func removeKeysWithPrefix(ctx context.Context, tx *sql.Tx, prefix string) error {
	var gone []indexEntry
	if err := eachPrefixEntry(ctx, tx, []string{prefix}, func(e indexEntry) bool {
		gone = append(gone, e)
		return true
	}); err != nil {
		return err
	}
	runs, err := indexRuns(ctx, tx)
	if err != nil {
		return err
	}
	for _, e := range gone {
		for _, r := range runs {
			if err := removeEntry(ctx, tx, r.id, e); err != nil {
				return err
			}
		}
	}
	return nil
}

// destroyedAccount finds the act of a destroyed account id.
func (w *Workspace) destroyedAccount(ctx context.Context, accountID string) (*DestructionAct, error) {
	act, err := w.DestructionActFor(ctx, accountID)
	if errors.Is(err, ErrNoAct) || act != nil && act.AccountID != accountID {
		return nil, nil // not an account id (an act number is not a search)
	}
	return act, err
}
