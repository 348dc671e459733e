package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// The head memory defends against a rollback seen from outside the file:
// a workspace and its key file both replaced by an older copy are
// consistent in themselves, so nothing inside them can tell. This
// computer remembers, per workspace id, the highest audit head it has
// seen, in a small file in the user's config folder, each entry MAC'd
// under the workspace's seal key (so nobody without the key can lower
// it). Opening a workspace whose log is behind it warns, and the log
// records the warning. Deleting the file (or opening on another
// computer) defeats it: it raises the bar, it is no proof.

const headMemoryFile = "heads.json"

type headRecord struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
	MAC  string `json:"mac"`
}

type headMemory struct {
	Format     string                `json:"format"`
	Workspaces map[string]headRecord `json:"workspaces"`
}

func headMAC(key []byte, wsID string, seq int64, hash string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("legco-head/v1\x00" + wsID + "\x00"))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(seq))
	m.Write(b[:])
	m.Write([]byte(hash))
	return hex.EncodeToString(m.Sum(nil))
}

func loadHeadMemory(dir string) (*headMemory, error) {
	hm := &headMemory{Format: "legco-heads/v1", Workspaces: map[string]headRecord{}}
	b, err := os.ReadFile(filepath.Join(dir, headMemoryFile))
	if errors.Is(err, os.ErrNotExist) {
		return hm, nil
	}
	if err != nil {
		return nil, err
	}
	if len(b) > 1<<20 {
		return nil, fmt.Errorf("%s: too big for a head memory file", filepath.Join(dir, headMemoryFile))
	}
	if err := json.Unmarshal(b, hm); err != nil || hm.Workspaces == nil {
		return &headMemory{Format: "legco-heads/v1", Workspaces: map[string]headRecord{}}, nil
	}
	return hm, nil
}

func (hm *headMemory) save(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(hm, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, headMemoryFile+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, headMemoryFile))
}

// checkHeadMemory compares the log with what this computer remembers and
// remembers the newer head. It returns a warning ("" when none) and
// records it in the log.
func (w *Workspace) checkHeadMemory(ctx context.Context) (string, error) {
	dir := w.headDir
	if dir == "" {
		return "", nil
	}
	k, err := w.sealKey(ctx)
	if err != nil {
		return "", err
	}
	hm, err := loadHeadMemory(dir)
	if err != nil {
		return "", fmt.Errorf("head memory: %w", err)
	}
	head, err := w.AuditHead(ctx)
	if err != nil {
		return "", err
	}
	id := w.WorkspaceID()
	warning := ""
	if r, ok := hm.Workspaces[id]; ok && hmac.Equal([]byte(r.MAC), []byte(headMAC(k, id, r.Seq, r.Hash))) {
		switch {
		case r.Seq > head.Seq:
			warning = fmt.Sprintf("this workspace is older than the one this computer last saw: its audit log ends at entry #%d, but entry #%d (%s) was seen here before; it was restored from a backup or rolled back (both files replaced by older copies). Changes made after #%d are not in it",
				head.Seq, r.Seq, short(r.Hash), head.Seq)
		default:
			var h string
			err := w.db.QueryRowContext(ctx, `SELECT hash FROM audit_log WHERE seq = ?`, r.Seq).Scan(&h)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return "", err
			}
			if h != r.Hash {
				warning = fmt.Sprintf("this workspace's audit entry #%d differs from the one this computer saw (%s): the log was rewritten, or this is another copy of the workspace that went its own way", r.Seq, short(r.Hash))
			}
		}
	}
	if warning != "" {
		if err := w.recordWarning(ctx, "workspace.rollback_warning", warning); err != nil {
			return "", err
		}
	}
	return warning, w.rememberHead(ctx)
}

// rememberHead stores the current head unless a higher one is remembered.
func (w *Workspace) rememberHead(ctx context.Context) error {
	dir := w.headDir
	if dir == "" || w.db == nil {
		return nil
	}
	k, err := w.sealKey(ctx)
	if err != nil {
		return err
	}
	head, err := w.AuditHead(ctx)
	if err != nil {
		return err
	}
	hm, err := loadHeadMemory(dir)
	if err != nil {
		return err
	}
	id := w.WorkspaceID()
	if r, ok := hm.Workspaces[id]; ok && r.Seq >= head.Seq && hmac.Equal([]byte(r.MAC), []byte(headMAC(k, id, r.Seq, r.Hash))) {
		return nil
	}
	hm.Workspaces[id] = headRecord{Seq: head.Seq, Hash: head.Hash, MAC: headMAC(k, id, head.Seq, head.Hash)}
	return hm.save(dir)
}

// recordWarning appends an audit entry for something the program saw,
// whoever is signed in (an auditor's session records it too).
func (w *Workspace) recordWarning(ctx context.Context, action, text string) error {
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := appendAudit(ctx, tx, w.now(), w.me, Change{Action: action, Object: "workspace", Reason: "detected on open",
		Details: map[string]any{"warning": text}}); err != nil {
		return err
	}
	return tx.Commit()
}

// Warnings are what opening the workspace found that the user must be
// told (e.g. a rollback); empty normally.
func (w *Workspace) Warnings() []string { return w.warnings }

// DefaultHeadMemoryDir is where the CLI and the app keep the head memory:
// legco-compliance in the user's config folder.
func DefaultHeadMemoryDir() string {
	d, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "legco-compliance")
}
