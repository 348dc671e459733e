package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"
)

// Settings are the workspace-wide settings staff can change.
type Settings struct {
	// AutoLock is how long the app may stay idle before it locks.
	AutoLock time.Duration
}

// DefaultSettings apply until an admin changes them.
var DefaultSettings = Settings{AutoLock: 10 * time.Minute}

// Settings reads the workspace settings.
func (w *Workspace) Settings(ctx context.Context) (Settings, error) {
	s := DefaultSettings
	var v string
	err := w.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'autolock_seconds'`).Scan(&v)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s, err
	}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		s.AutoLock = time.Duration(n) * time.Second
	}
	return s, nil
}

// SetAutoLock changes the idle time after which the app locks.
func (w *Workspace) SetAutoLock(ctx context.Context, d time.Duration) error {
	if d < 30*time.Second || d > 8*time.Hour {
		return &ValidationError{Field: "auto-lock", Reason: "must be between 30 seconds and 8 hours"}
	}
	secs := strconv.Itoa(int(d / time.Second))
	return w.change(ctx, Change{Perm: PermSettings, Action: "settings.autolock", Object: "settings", Reason: "auto-lock changed",
		Details: map[string]any{"autolock_seconds": secs}},
		func(tx *sql.Tx, c *Change) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES ('autolock_seconds', ?)
				ON CONFLICT(key) DO UPDATE SET value = excluded.value`, secs)
			return err
		})
}
