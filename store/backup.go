package store

// Backup and restore of a workspace while it is in use.
//
// A backup copies the encrypted pages as they are, never decrypting them:
// SQLite's online backup API would decrypt and re-encrypt every page (and
// restart whenever a writer commits), which at a million users costs
// minutes. The copy is consistent because of how WAL mode works:
//
//  1. A read transaction is held on one connection for the whole copy. A
//     checkpoint then never copies WAL frames newer than that reader's
//     snapshot into the database file, and the WAL file cannot be
//     restarted (overwritten from its start) while the reader uses it.
//  2. The database file is copied, then the WAL file. Pages a concurrent
//     checkpoint wrote into the database file during the copy come from
//     WAL frames that are in the copied WAL too, so they are overwritten
//     on recovery; pages the WAL does not hold were not touched.
//  3. The copy is opened with the workspace key: SQLite's WAL recovery
//     keeps the frames up to the last commit frame whose checksum chain
//     is intact and drops a transaction that was half written when the
//     WAL was read. The result is the workspace as of one commit — whole
//     transactions only (an import chunk is one) — which is then folded
//     into one file (checkpoint) and its audit chain verified.
//
// TestBackupDuringImport takes backups while an import commits chunks
// and checks that each restores to whole chunks with an intact chain.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"legco.kz/compliance/store/keyslot"
)

// testHookBackupSnapshot runs once the copy's read snapshot is taken
// (tests let writers commit between the snapshot and the copy).
var testHookBackupSnapshot func()

// ProgramVersion is recorded in backup manifests; the binary sets it from
// its build version.
var ProgramVersion = "dev"

// Names of the files in a backup folder.
const (
	BackupManifestName = "manifest.json"
	backupDBName       = "workspace.db"
	backupFormat       = "legco-backup"
	backupVersion      = 1
)

// BackupFile is one file of a backup with its size and SHA-256.
type BackupFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// BackupManifest describes a backup folder.
type BackupManifest struct {
	Format         string       `json:"format"`
	Version        int          `json:"version"`
	ID             string       `json:"id"`
	WorkspaceID    string       `json:"workspace_id"`
	Source         string       `json:"source"` // the workspace file's name
	CreatedAt      time.Time    `json:"created_at"`
	CreatedBy      string       `json:"created_by"`
	ProgramVersion string       `json:"program_version"`
	SchemaVersion  int          `json:"schema_version"`
	AuditSeq       int64        `json:"audit_seq"`
	AuditHash      string       `json:"audit_hash"`
	Files          []BackupFile `json:"files"`
}

// Head is the audit head the backup holds.
func (m *BackupManifest) Head() AuditHead { return AuditHead{Seq: m.AuditSeq, Hash: m.AuditHash} }

// Backup writes a consistent, encrypted copy of the workspace, its key
// slots and a manifest into dir (created; it must not exist or be empty),
// while the workspace stays in use. progress gets bytes copied and the
// total. It records the backup in the audit log and as the last backup
// time. Admins only (it holds everything).
func (w *Workspace) Backup(ctx context.Context, dir string, progress func(done, total int64)) (*BackupManifest, error) {
	if err := w.can(PermSettings); err != nil {
		return nil, err
	}
	m, err := w.backup(ctx, dir, progress)
	if err != nil {
		return nil, fmt.Errorf("backup to %s: %w", dir, err)
	}
	// The entry names the workspace, but it changes a setting (the time of
	// the last backup): the settings record is sealed with it, or verify
	// would find settings the log does not vouch for.
	if err := w.change(ctx, Change{Perm: PermSettings, Action: "workspace.backup", Object: "workspace", Reason: "backup",
		Details: map[string]any{"backup_id": m.ID, "audit_seq": m.AuditSeq, "folder": filepath.Base(dir), "bytes": m.Files[0].Size},
		Seal:    []string{"settings"}},
		func(tx *sql.Tx, c *Change) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES ('last_backup_at', ?)
				ON CONFLICT(key) DO UPDATE SET value = excluded.value`, m.CreatedAt.Format(time.RFC3339))
			return err
		}); err != nil {
		return m, fmt.Errorf("backup to %s is complete, but recording it failed: %w", dir, err)
	}
	return m, nil
}

func (w *Workspace) backup(ctx context.Context, dir string, progress func(done, total int64)) (*BackupManifest, error) {
	if err := prepareEmptyDir(dir); err != nil {
		return nil, err
	}
	dst := filepath.Join(dir, backupDBName)
	ok := false
	defer func() {
		if !ok {
			for _, p := range []string{dst, dst + "-wal", dst + "-shm", keyslot.Path(dst), filepath.Join(dir, BackupManifestName)} {
				os.Remove(p)
			}
			os.Remove(dir) // only if empty: a failed or cancelled backup leaves nothing
		}
	}()
	// The key cannot change (rotation) while its pages are copied.
	w.mu.Lock()
	key := append([]byte(nil), w.key...)
	defer keyslot.Wipe(key)
	err := w.copyPages(ctx, dst, progress)
	w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	m := &BackupManifest{Format: backupFormat, Version: backupVersion, WorkspaceID: w.slots.Workspace,
		Source: filepath.Base(w.path), CreatedAt: w.now().Truncate(time.Second), CreatedBy: w.me.Name, ProgramVersion: ProgramVersion}
	id := make([]byte, 8)
	rand.Read(id)
	m.ID = hex.EncodeToString(id)
	head, schema, err := settleCopy(ctx, dst, key)
	if err != nil {
		return nil, err
	}
	m.AuditSeq, m.AuditHash, m.SchemaVersion = head.Seq, head.Hash, schema
	for _, name := range []string{backupDBName, backupDBName + ".keys"} {
		f, err := hashFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		m.Files = append(m.Files, f)
	}
	if err := writeManifest(filepath.Join(dir, BackupManifestName), m); err != nil {
		return nil, err
	}
	syncDir(dir)
	ok = true
	return m, nil
}

// copyPages copies the database, its WAL and the key slots to dst under
// one read transaction (see the file comment).
func (w *Workspace) copyPages(ctx context.Context, dst string, progress func(done, total int64)) error {
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// Fold what the WAL holds now into the database first: less to copy
	// twice. PASSIVE never waits for readers or writers.
	conn.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
	if _, err := conn.ExecContext(ctx, "BEGIN DEFERRED"); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), "ROLLBACK")
	var n int64
	// The first read fixes the snapshot and takes the WAL read lock.
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		return err
	}
	if testHookBackupSnapshot != nil {
		testHookBackupSnapshot()
	}
	var total int64
	for _, p := range []string{w.path, w.path + "-wal"} {
		if st, err := os.Stat(p); err == nil {
			total += st.Size()
		}
	}
	var done int64
	step := func(n int64) {
		done += n
		if progress != nil {
			progress(done, total)
		}
	}
	if err := copyFile(ctx, w.path, dst, step); err != nil {
		return err
	}
	if err := copyFile(ctx, w.path+"-wal", dst+"-wal", step); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	// The key slots are replaced atomically (rename), so one read is one
	// version of the file.
	b, err := os.ReadFile(keyslot.Path(w.path))
	if err != nil {
		return err
	}
	return writeSynced(keyslot.Path(dst), b)
}

// settleCopy opens the copied pages with the key (WAL recovery keeps whole
// transactions), folds the WAL into the one file, checks the copy and
// returns its audit head and schema version.
func settleCopy(ctx context.Context, path string, key []byte) (AuditHead, int, error) {
	var head AuditHead
	db, err := openDBWith(path, key, 16384)
	if err != nil {
		return head, 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if err := checkCipher(ctx, db); err != nil {
		return head, 0, fmt.Errorf("the copy does not open: %w", err)
	}
	if _, err := db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return head, 0, fmt.Errorf("checkpoint of the copy: %w", err)
	}
	// No quick_check here: it decrypts every page (with it, a 100,000-user
	// backup took 62 s at a load average of 30), and a torn copy cannot get
	// this far — WAL recovery keeps only whole transactions, and every
	// page carries its own HMAC, checked as it is read.
	rep, err := verifyAudit(ctx, db, ExpectedHead{}, nil)
	if err != nil {
		return head, 0, err
	}
	if rep.Broken != nil {
		return head, 0, fmt.Errorf("the copy's audit chain is broken at entry #%d: %s", rep.Broken.Seq, rep.Broken.Reason)
	}
	var schema int
	if err := db.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&schema); err != nil {
		return head, 0, err
	}
	if err := db.Close(); err != nil {
		return head, 0, err
	}
	// A clean close removes the empty WAL and the index; make sure.
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	return rep.Head, schema, nil
}

// ReadBackupManifest reads dir's manifest and checks every file's size and
// SHA-256 against it.
func ReadBackupManifest(dir string) (*BackupManifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, BackupManifestName))
	if err != nil {
		return nil, fmt.Errorf("backup %s: %w (a backup folder holds %s, %s and %s.keys)", dir, err, BackupManifestName, backupDBName, backupDBName)
	}
	var m BackupManifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("backup %s: %s is not a backup manifest: %w", dir, BackupManifestName, err)
	}
	if m.Format != backupFormat || m.Version != backupVersion {
		return nil, fmt.Errorf("backup %s: %s has format %q version %d; this build reads %q version %d", dir, BackupManifestName, m.Format, m.Version, backupFormat, backupVersion)
	}
	want := map[string]bool{backupDBName: true, backupDBName + ".keys": true}
	for _, f := range m.Files {
		got, err := hashFile(filepath.Join(dir, f.Name))
		if err != nil {
			return nil, fmt.Errorf("backup %s: %w", dir, err)
		}
		if got.Size != f.Size || got.SHA256 != f.SHA256 {
			return nil, fmt.Errorf("backup %s: %s does not match the manifest (size %d, SHA-256 %s; manifest says %d, %s): the copy is damaged or was changed; use another backup",
				dir, f.Name, got.Size, got.SHA256, f.Size, f.SHA256)
		}
		delete(want, f.Name)
	}
	for name := range want {
		return nil, fmt.Errorf("backup %s: the manifest does not list %s", dir, name)
	}
	return &m, nil
}

// RestoreOptions say who restores and whether to overwrite newer work.
type RestoreOptions struct {
	Staff      string
	Passphrase []byte
	// Force replaces a workspace whose audit log is ahead of the backup's
	// (or that cannot be compared); the replaced files are kept aside.
	Force bool
	Options
}

// RestoreResult says what a restore did.
type RestoreResult struct {
	Manifest *BackupManifest
	// Replaced is where the workspace that was at the path was moved
	// ("" when there was none).
	Replaced string
	// Lost are the audit entries of the replaced workspace that the
	// backup does not hold (non-empty only with Force).
	Lost []AuditEntry
}

// RestoreRefusedError is returned when restoring would lose work.
type RestoreRefusedError struct {
	Path   string
	Reason string
	Lost   []AuditEntry
}

func (e *RestoreRefusedError) Error() string {
	return fmt.Sprintf("restore refused: %s; nothing was changed. Back up %s first if its changes matter, then repeat with --force to replace it (it is kept aside as FILE.replaced-TIME)", e.Reason, e.Path)
}

// Restore puts the backup in from at path. The manifest must match the
// files; the backup must open with opts' credentials as an admin and its
// audit chain must verify. An existing workspace at path whose audit log
// has entries the backup lacks is not replaced unless opts.Force; a
// replaced workspace is moved aside, never deleted.
func Restore(ctx context.Context, from, path string, opts RestoreOptions) (*RestoreResult, error) {
	m, err := ReadBackupManifest(from)
	if err != nil {
		return nil, err
	}
	if m.SchemaVersion > SchemaVersion() {
		return nil, fmt.Errorf("backup %s has schema version %d, newer than this build knows (%d): use a newer legco-compliance", from, m.SchemaVersion, SchemaVersion())
	}
	slots, err := keyslot.Load(filepath.Join(from, backupDBName+".keys"))
	if err != nil {
		return nil, fmt.Errorf("backup %s: %w", from, err)
	}
	u, err := slots.Unlock(strings.TrimSpace(opts.Staff), opts.Passphrase)
	if err != nil {
		return nil, err
	}
	defer keyslot.Wipe(u.Key)
	if slots.Workspace != m.WorkspaceID {
		return nil, fmt.Errorf("backup %s: the key slots belong to workspace %s, the manifest to %s", from, slots.Workspace, m.WorkspaceID)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	// Stage the copy next to the target (same file system: the final step
	// is a rename) and check it there.
	tmp := path + ".restoring"
	for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm", keyslot.Path(tmp)} {
		os.Remove(p)
	}
	staged := false
	defer func() {
		if !staged {
			for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm", keyslot.Path(tmp)} {
				os.Remove(p)
			}
		}
	}()
	if err := copyFile(ctx, filepath.Join(from, backupDBName), tmp, nil); err != nil {
		return nil, err
	}
	if err := copyFile(ctx, filepath.Join(from, backupDBName+".keys"), keyslot.Path(tmp), nil); err != nil {
		return nil, err
	}
	if err := checkStaged(ctx, tmp, u, m); err != nil {
		return nil, fmt.Errorf("backup %s: %w", from, err)
	}
	res := &RestoreResult{Manifest: m}
	if Exists(path) {
		lost, why := compareWithTarget(ctx, path, u.Staff, opts.Passphrase, m)
		res.Lost = lost
		if why != "" && !opts.Force {
			return nil, &RestoreRefusedError{Path: path, Reason: why, Lost: lost}
		}
		aside := fmt.Sprintf("%s.replaced-%s", path, time.Now().UTC().Format("20060102T150405Z"))
		for _, suf := range []string{"", "-wal", ".keys"} {
			if err := os.Rename(path+suf, aside+suf); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("move the current workspace aside: %w", err)
			}
		}
		os.Remove(path + "-shm")
		res.Replaced = aside
	}
	if err := os.Rename(keyslot.Path(tmp), keyslot.Path(path)); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, err
	}
	staged = true
	syncDir(filepath.Dir(path))
	// Record the restore in the restored workspace's own log (this also
	// brings an older backup's schema up to date).
	w, err := Open(ctx, path, u.Staff, opts.Passphrase, opts.Options)
	if err != nil {
		return res, fmt.Errorf("restored %s, but it does not open: %w", path, err)
	}
	defer w.Close()
	details := map[string]any{"backup_id": m.ID, "backup_audit_seq": m.AuditSeq, "backup_created_at": m.CreatedAt.Format(time.RFC3339),
		"forced": opts.Force, "lost_entries": len(res.Lost)}
	if res.Replaced != "" {
		details["replaced"] = filepath.Base(res.Replaced)
	}
	if err := w.change(ctx, Change{Perm: PermSettings, Action: "workspace.restore", Object: "workspace", Reason: "restore from backup", Details: details}, nil); err != nil {
		return res, fmt.Errorf("restored %s, but recording the restore failed: %w", path, err)
	}
	return res, nil
}

// checkStaged opens the staged copy read-only in effect (no migration),
// checks that it is the manifest's workspace, that the restoring member is
// an admin in it, and that its audit chain ends at the manifest's head.
func checkStaged(ctx context.Context, path string, u *keyslot.Unlocked, m *BackupManifest) error {
	db, err := openDBWith(path, u.Key, 16384)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if err := checkCipher(ctx, db); err != nil {
		return fmt.Errorf("the backup does not open with its key: %w", err)
	}
	var role string
	err = db.QueryRowContext(ctx, `SELECT role FROM staff WHERE name = ? AND removed_at IS NULL`, u.Staff).Scan(&role)
	if err != nil {
		return ErrBadCredentials
	}
	if Role(role) != RoleAdmin {
		return &ForbiddenError{Staff: u.Staff, Role: Role(role), Action: PermSettings}
	}
	rep, err := verifyAudit(ctx, db, ExpectedHead{}, nil)
	if err != nil {
		return err
	}
	if rep.Broken != nil {
		return fmt.Errorf("its audit chain is broken at entry #%d: %s", rep.Broken.Seq, rep.Broken.Reason)
	}
	if rep.Head != m.Head() {
		return fmt.Errorf("its audit head is %s, the manifest says %s", rep.Head, m.Head())
	}
	return nil
}

// compareWithTarget reads the workspace at path with the same credentials
// and returns the entries the backup would lose and, when restoring would
// lose something (or cannot tell), why. It changes nothing.
func compareWithTarget(ctx context.Context, path, staff string, pass []byte, m *BackupManifest) ([]AuditEntry, string) {
	slots, err := keyslot.Load(keyslot.Path(path))
	if err != nil {
		return nil, fmt.Sprintf("the workspace at %s cannot be read to compare it with the backup (%v)", path, err)
	}
	if slots.Workspace != m.WorkspaceID {
		return nil, fmt.Sprintf("%s is another workspace (id %s) than the backup's (id %s)", path, slots.Workspace, m.WorkspaceID)
	}
	u, err := slots.Unlock(staff, pass)
	if err != nil {
		return nil, fmt.Sprintf("your credentials do not open the workspace at %s, so its audit log cannot be compared with the backup's", path)
	}
	defer keyslot.Wipe(u.Key)
	db, err := openDBWith(path, u.Key, 16384)
	if err != nil {
		return nil, err.Error()
	}
	defer db.Close()
	if err := checkCipher(ctx, db); err != nil {
		return nil, fmt.Sprintf("the workspace at %s does not open with its key (%v)", path, err)
	}
	if m.AuditSeq > 0 {
		var hash string
		err := db.QueryRowContext(ctx, `SELECT hash FROM audit_log WHERE seq = ?`, m.AuditSeq).Scan(&hash)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, "" // the workspace is behind the backup: nothing to lose
		}
		if err != nil {
			return nil, err.Error()
		}
		if hash != m.AuditHash {
			return nil, fmt.Sprintf("the workspace's audit entry #%d differs from the backup's (%s… against %s…): they are different histories", m.AuditSeq, short(hash), short(m.AuditHash))
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT seq, at, staff, role, action, object, reason, details, personal_sha256, prev_hash, hash, NULL
		FROM audit_log WHERE seq > ? ORDER BY seq`, m.AuditSeq)
	if err != nil {
		return nil, err.Error()
	}
	defer rows.Close()
	var lost []AuditEntry
	for rows.Next() {
		e, _, err := scanAudit(rows)
		if err != nil {
			return nil, err.Error()
		}
		// The entry that recorded this very backup is not lost work.
		if e.Seq == m.AuditSeq+1 && e.Action == "workspace.backup" && strings.Contains(e.Details, `"backup_id":"`+m.ID+`"`) {
			continue
		}
		lost = append(lost, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err.Error()
	}
	if len(lost) == 0 {
		return nil, ""
	}
	return lost, fmt.Sprintf("the workspace at %s has %s", path, DescribeLost(lost))
}

// DescribeLost summarises audit entries a restore would lose: how many,
// their range and time span, and the actions counted.
func DescribeLost(lost []AuditEntry) string {
	if len(lost) == 0 {
		return "no audit entries the backup lacks"
	}
	counts := map[string]int{}
	for _, e := range lost {
		counts[e.Action]++
	}
	var acts []string
	for a, n := range counts {
		acts = append(acts, fmt.Sprintf("%d× %s", n, a))
	}
	sort.Strings(acts)
	first, last := lost[0], lost[len(lost)-1]
	return fmt.Sprintf("%d audit entries the backup lacks (#%d–#%d, %s to %s UTC: %s)",
		len(lost), first.Seq, last.Seq, first.At.Format("2006-01-02 15:04"), last.At.Format("2006-01-02 15:04"), strings.Join(acts, ", "))
}

// BackupStatus is what the backup reminder needs.
type BackupStatus struct {
	Last         time.Time // zero: never
	ReminderDays int
	Due          bool
}

// DefaultBackupReminderDays is the reminder period until an admin sets one.
const DefaultBackupReminderDays = 7

// BackupStatus reads the last backup time and the reminder period.
func (w *Workspace) BackupStatus(ctx context.Context) (BackupStatus, error) {
	s := BackupStatus{ReminderDays: DefaultBackupReminderDays}
	rows, err := w.db.QueryContext(ctx, `SELECT key, value FROM settings WHERE key IN ('last_backup_at', 'backup_reminder_days')`)
	if err != nil {
		return s, err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return s, err
		}
		switch k {
		case "last_backup_at":
			s.Last, _ = time.Parse(time.RFC3339, v)
		case "backup_reminder_days":
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				s.ReminderDays = n
			}
		}
	}
	if err := rows.Err(); err != nil {
		return s, err
	}
	s.Due = s.Last.IsZero() || w.now().Sub(s.Last) > time.Duration(s.ReminderDays)*24*time.Hour
	return s, nil
}

// SetBackupReminder sets after how many days without a backup the app
// reminds admins (1–365).
func (w *Workspace) SetBackupReminder(ctx context.Context, days int) error {
	if days < 1 || days > 365 {
		return &ValidationError{Field: "backup reminder", Reason: "must be between 1 and 365 days"}
	}
	v := strconv.Itoa(days)
	return w.change(ctx, Change{Perm: PermSettings, Action: "settings.backup_reminder", Object: "settings", Reason: "backup reminder changed",
		Details: map[string]any{"backup_reminder_days": v}},
		func(tx *sql.Tx, c *Change) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES ('backup_reminder_days', ?)
				ON CONFLICT(key) DO UPDATE SET value = excluded.value`, v)
			return err
		})
}

func prepareEmptyDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(ents) > 0 {
		return fmt.Errorf("the folder is not empty (%s, …); choose a new or empty folder so no older backup is mixed in", ents[0].Name())
	}
	return nil
}

// copyFile copies src to a new owner-only file dst and syncs it.
func copyFile(ctx context.Context, src, dst string, step func(int64)) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := createOwnerOnly(dst)
	if err != nil {
		return err
	}
	buf := make([]byte, 4<<20)
	for {
		if err := ctx.Err(); err != nil {
			out.Close()
			return err
		}
		n, rerr := in.Read(buf)
		if n > 0 {
			if _, err := out.Write(buf[:n]); err != nil {
				out.Close()
				return err
			}
			if step != nil {
				step(int64(n))
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			out.Close()
			return rerr
		}
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func writeSynced(path string, b []byte) error {
	f, err := createOwnerOnly(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// createOwnerOnly creates path readable by its owner only (RestrictToOwner
// adds the Windows ACL).
func createOwnerOnly(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	if err := RestrictToOwner(path); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	return f, nil
}

func writeManifest(path string, m *BackupManifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeSynced(path, append(b, '\n'))
}

func hashFile(path string) (BackupFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return BackupFile{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return BackupFile{}, fmt.Errorf("%s: %w", path, err)
	}
	return BackupFile{Name: filepath.Base(path), Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
