// Package store is the workspace: one SQLCipher 4 database holding the
// LegCo compliance data, unlocked through per-staff key slots, with every
// change written in the same transaction as its hash-chained audit entry.
// Domain types and rules live here with the SQL behind them; callers (the
// UI, the CLI, reports) never see SQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"legco.kz/compliance/store/keyslot"
)

// Workspace is an unlocked workspace, opened by one staff member.
type Workspace struct {
	path  string
	db    *sql.DB
	slots *keyslot.File
	me    Staff
	now   func() time.Time

	mu  sync.Mutex // guards key and slots
	key []byte

	loc atomic.Pointer[time.Location] // the workspace time zone, read once

	sealOnce sync.Mutex // guards sealK
	sealK    []byte     // the seals' MAC key (seal.go)

	headDir  string   // the head memory's folder (headmemory.go); "" = off
	warnings []string // found on open

	sqOnce sync.Once
	sq     *stmtCache // the search index's prepared reads (searchindex.go)
}

// searchQ is the querier the search reads the index through: w.db with
// its statements prepared once.
func (w *Workspace) searchQ() *stmtCache {
	w.sqOnce.Do(func() { w.sq = &stmtCache{db: w.db} })
	return w.sq
}

// Options tune Create and Open. The zero value is right for production.
type Options struct {
	// KDF sets the Argon2id cost of slots written by this session;
	// zero means keyslot.DefaultParams.
	KDF keyslot.Params
	// Now replaces the clock (tests).
	Now func() time.Time
	// CacheKiB is the page cache per connection; zero means the default.
	CacheKiB int
	// MaxConns bounds the connection pool; zero means 4.
	MaxConns int
	// Demo marks a new workspace as synthetic demo data: its credentials
	// are published in the key-slot file for the unlock screen's banner.
	Demo bool
	// HeadMemoryDir is the folder of this computer's memory of audit
	// heads (rollback warnings, headmemory.go); empty turns it off. The
	// CLI and the app pass DefaultHeadMemoryDir().
	HeadMemoryDir string
	// Upgrading, when set, is called before Open brings an existing
	// workspace from schema version from up to to (the migrations run in
	// Open; one rebuilds the consent ledger, which takes a large workspace
	// a minute or more): the unlock screen says so instead of "deriving the key".
	Upgrading func(from, to int)
}

func (o Options) kdf() keyslot.Params {
	if o.KDF.Time == 0 {
		return keyslot.DefaultParams
	}
	return o.KDF
}

func (o Options) clock() func() time.Time {
	if o.Now != nil {
		return func() time.Time { return o.Now().UTC() }
	}
	return func() time.Time { return time.Now().UTC() }
}

// Exists reports whether a workspace (database or key slots) is at path.
func Exists(path string) bool {
	for _, p := range []string{path, keyslot.Path(path)} {
		if _, err := os.Stat(p); err == nil {
			return true
		}
	}
	return false
}

// Create makes a new encrypted workspace at path with one admin.
func Create(ctx context.Context, path, admin string, passphrase []byte, opts Options) (*Workspace, error) {
	admin = strings.TrimSpace(keyslot.NormalizeName(admin))
	if admin == "" {
		return nil, &ValidationError{Field: "admin", Reason: "a staff name is required"}
	}
	if err := checkPassphrase(passphrase); err != nil {
		return nil, err
	}
	if Exists(path) {
		return nil, fmt.Errorf("create workspace %s: a workspace (or its .keys file) is already there; choose another path or remove it", path)
	}
	key, err := keyslot.NewKey()
	if err != nil {
		return nil, err
	}
	slots, err := keyslot.New()
	if err != nil {
		return nil, err
	}
	if err := slots.Put(admin, passphrase, key, opts.kdf()); err != nil {
		return nil, err
	}
	if opts.Demo {
		slots.Demo = &keyslot.Demo{Staff: admin, Passphrase: string(passphrase)}
	}
	// Key slots first: a database whose key was never written down would be
	// lost, while a sidecar without a database is harmless and removed.
	if err := slots.Save(keyslot.Path(path)); err != nil {
		return nil, err
	}
	// Owner-only from the start; SQLite gives the -wal and -shm files the
	// database file's mode. An empty file is a valid new database.
	if f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600); err != nil {
		os.Remove(keyslot.Path(path))
		return nil, fmt.Errorf("create workspace %s: %w", path, err)
	} else {
		f.Close()
		if err := RestrictToOwner(path); err != nil {
			os.Remove(path)
			os.Remove(keyslot.Path(path))
			return nil, fmt.Errorf("create workspace %s: %w", path, err)
		}
	}
	w, err := connect(ctx, path, key, slots, opts)
	if err == nil {
		err = w.bootstrap(ctx, admin)
		if err == nil {
			err = w.initSeals(ctx)
		}
		if err == nil {
			w.headDir = opts.HeadMemoryDir
			err = w.rememberHead(ctx)
		}
		if err != nil {
			w.Close()
		}
	}
	if err != nil {
		os.Remove(path)
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
		os.Remove(keyslot.Path(path))
		return nil, fmt.Errorf("create workspace %s: %w", path, err)
	}
	return w, nil
}

func checkPassphrase(p []byte) error {
	if len(p) < 8 {
		return &ValidationError{Field: "passphrase", Reason: "must be at least 8 characters"}
	}
	return nil
}

// DemoCredentials returns the published credentials when the workspace at
// path is a demo workspace; it reads only the key-slot file.
func DemoCredentials(path string) (staff, passphrase string, ok bool) {
	f, err := keyslot.Load(keyslot.Path(path))
	if err != nil || f.Demo == nil {
		return "", "", false
	}
	return f.Demo.Staff, f.Demo.Passphrase, true
}

// Open unlocks the workspace at path as staff. A wrong name or passphrase
// returns ErrBadCredentials and touches no file.
func Open(ctx context.Context, path, staff string, passphrase []byte, opts Options) (*Workspace, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open workspace %s: %w (create one with `legco-compliance init` or `demo`)", path, err)
	}
	slots, err := keyslot.Load(keyslot.Path(path))
	if err != nil {
		return nil, fmt.Errorf("open workspace %s: %w", path, err)
	}
	u, err := slots.Unlock(strings.TrimSpace(staff), passphrase)
	// Argon2id's 128 MiB of blocks, derived from the passphrase, are
	// garbage now: hand them back to the system before the database's
	// page caches fill, rather than when the collector gets round to it.
	// The app's peak memory at a million users was Argon2's blocks plus
	// the first pages read (make rss), and the pages come back zeroed.
	debug.FreeOSMemory()
	if err != nil {
		return nil, err
	}
	w, err := connect(ctx, path, u.Key, slots, opts)
	rotated := false
	if err != nil && u.Pending != nil && isNotADatabase(err) {
		// A key rotation stopped after PRAGMA rekey and before the key
		// slots were rewritten: the pending key is the database's key now.
		w, err = connect(ctx, path, u.Pending, slots, opts)
		if err == nil {
			rotated = true
			err = w.finishRotation(u.Staff, passphrase)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open workspace %s: %w", path, Explain(err))
	}
	me, err := w.staffByName(ctx, u.Staff)
	if err != nil || me.Removed {
		w.Close()
		return nil, ErrBadCredentials
	}
	w.me = me
	if rotated && me.Role.Can(PermWorkspaceRekey) {
		if err := w.recordRotation(ctx, "key rotation interrupted, completed when the workspace was next opened", -1, true); err != nil {
			w.Close()
			return nil, fmt.Errorf("open workspace %s: %w", path, err)
		}
	}
	if err := w.initSeals(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open workspace %s: %w", path, Explain(err))
	}
	w.headDir = opts.HeadMemoryDir
	if warn, err := w.checkHeadMemory(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open workspace %s: %w", path, Explain(err))
	} else if warn != "" {
		w.warnings = append(w.warnings, warn)
	}
	return w, nil
}

func isNotADatabase(err error) bool {
	return err != nil && strings.Contains(err.Error(), "file is not a database")
}

// connect opens the database under key, checks that SQLCipher is really
// there, and brings the schema up to date.
func connect(ctx context.Context, path string, key []byte, slots *keyslot.File, opts Options) (*Workspace, error) {
	db, err := openDBWith(path, key, opts.CacheKiB)
	if err != nil {
		return nil, err
	}
	n := opts.MaxConns
	if n <= 0 {
		n = 4
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := checkCipher(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	if err := migrateTelling(ctx, db, len(migrations), opts.Upgrading); err != nil {
		db.Close()
		return nil, err
	}
	w := &Workspace{path: path, db: db, slots: slots, now: opts.clock(), key: append([]byte(nil), key...)}
	if err := w.afterConnect(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return w, nil
}

func checkCipher(ctx context.Context, db *sql.DB) error {
	var v sql.NullString
	if err := db.QueryRowContext(ctx, "PRAGMA cipher_version").Scan(&v); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if strings.TrimSpace(v.String) == "" {
		return ErrNotEncrypted
	}
	// The first real read is where a wrong key shows.
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		return err
	}
	return nil
}

func (w *Workspace) bootstrap(ctx context.Context, admin string) error {
	w.me = Staff{Name: admin, Role: RoleAdmin}
	return w.change(ctx, Change{Perm: PermStaffManage, Action: "workspace.create", Object: "workspace", Reason: "new workspace",
		Details: map[string]any{"admin": admin, "workspace_id": w.slots.Workspace}},
		func(tx *sql.Tx, c *Change) error {
			now := w.stamp()
			if _, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES ('workspace_id', ?), ('created_at', ?)`, w.slots.Workspace, now); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO staff(name, role, created_at, created_by) VALUES (?, 'admin', ?, ?)`, admin, now, admin)
			if err != nil {
				return err
			}
			w.me.ID, _ = res.LastInsertId()
			return nil
		})
}

// Path is the database file.
func (w *Workspace) Path() string { return w.path }

// Me is the signed-in staff member.
func (w *Workspace) Me() Staff { return w.me }

// WorkspaceID is the random id shared by the database and its key slots.
func (w *Workspace) WorkspaceID() string { return w.slots.Workspace }

// IsDemo reports whether this is a workspace of synthetic demo data.
func (w *Workspace) IsDemo() bool { return w.slots.Demo != nil }

// Close wipes the key from memory and closes the database.
func (w *Workspace) Close() error {
	if w.db != nil && w.key != nil {
		w.rememberHead(context.Background()) // best effort: the next open checks again
	}
	w.mu.Lock()
	keyslot.Wipe(w.key)
	w.key = nil
	w.mu.Unlock()
	if w.db == nil {
		return nil
	}
	// A checkpoint folds the WAL back so the files at rest are compact;
	// the WAL is encrypted either way. It does not wait for another
	// process (an import) that holds the workspace: that one folds it.
	if w.sq != nil {
		w.sq.close()
	}
	closeCheckpoint(w.db)
	err := w.db.Close()
	w.db = nil
	return err
}

func (w *Workspace) stamp() string { return w.now().Format(time.RFC3339Nano) }

// Change describes one audited change. Details must not hold personal
// data; that goes in Personal, which a destruction can erase.
type Change struct {
	Perm     Permission
	Action   string
	Object   string
	Reason   string
	Details  map[string]any
	Personal *Personal
	// Seal names further audit objects the change touched (an import
	// chunk's rows); Object is sealed anyway. See seal.go.
	Seal []string
	// SealUnlinked names records sealed without binding them to this
	// entry (seq 0): a depersonalized record's surrogate id must not be
	// linkable, through its seal, to the entry naming the former account.
	SealUnlinked []string
	// Forget names objects whose seals are deleted instead of renewed
	// (Object included): after a depersonalization no table may keep the
	// former account id; the record is gone, so nothing is left to seal.
	Forget []string
	// sealKnown are records the change wrote itself, with their content
	// (an import's new users): sealed with the entry without a read.
	sealKnown []sealedContent
}

// Personal is personal data an audit entry keeps, filed under its subject
// (e.g. "user:LC-000123") so destroying the subject's data can erase it.
type Personal struct {
	Subject string
	Data    map[string]any
}

// can returns a *ForbiddenError unless the signed-in role grants p.
func (w *Workspace) can(p Permission) error {
	if !w.me.Role.Can(p) {
		return &ForbiddenError{Staff: w.me.Name, Role: w.me.Role, Action: p}
	}
	return nil
}

// Can reports whether the signed-in staff member may do p (for the UI to
// hide what the role cannot do; the store checks again on every change).
func (w *Workspace) Can(p Permission) bool { return w.me.Role.Can(p) }

// change runs fn and appends c's audit entry in one transaction, after
// checking the signed-in role. fn may fill in c's details.
func (w *Workspace) change(ctx context.Context, c Change, fn func(tx *sql.Tx, c *Change) error) error {
	if err := w.can(c.Perm); err != nil {
		return err
	}
	tx, err := w.beginWrite(ctx) // busy.go: waits for an import, then says who holds it
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if fn != nil {
		if err := fn(tx, &c); err != nil {
			return err
		}
	}
	if id := RequestFrom(ctx); id != "" {
		if c.Details == nil {
			c.Details = map[string]any{}
		}
		c.Details["request"] = id
	}
	e, err := appendAudit(ctx, tx, w.now(), w.me, c)
	if err != nil {
		return fmt.Errorf("audit entry for %s: %w", c.Action, err)
	}
	var sealed []string
	for _, o := range append([]string{c.Object}, c.Seal...) {
		if !slices.Contains(c.Forget, o) {
			sealed = append(sealed, o)
		}
	}
	if err := w.sealObjects(ctx, tx, e.Seq, sealed); err != nil {
		return err
	}
	if err := w.sealKnown(ctx, tx, e.Seq, c.sealKnown); err != nil {
		return err
	}
	if err := w.sealObjects(ctx, tx, 0, c.SealUnlinked); err != nil {
		return err
	}
	for _, o := range c.Forget {
		if _, err := tx.ExecContext(ctx, `DELETE FROM seals WHERE object = ?`, o); err != nil {
			return fmt.Errorf("forget the seal of %s: %w", o, err)
		}
	}
	return tx.Commit()
}

// IntegrityCheck runs PRAGMA integrity_check and returns its findings
// (nil when the database is sound).
func (w *Workspace) IntegrityCheck(ctx context.Context) ([]string, error) {
	rows, err := w.db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		if s != "ok" {
			out = append(out, s)
		}
	}
	return out, rows.Err()
}
