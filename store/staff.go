package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"legco.kz/compliance/store/keyslot"
)

// Staff is a member of K&T Partners' staff with access to the workspace.
type Staff struct {
	ID        int64
	Name      string
	Role      Role
	CreatedAt time.Time
	CreatedBy string
	Removed   bool
	// FullName and Position are printed on acts, reports and
	// certificates; empty until an admin fills the profile.
	FullName string
	Position string
	// HasSlot is false after a key rotation until the member is
	// re-enrolled with a new passphrase.
	HasSlot bool
}

const staffCols = `id, name, role, created_at, created_by, removed_at, full_name, position`

// scanStaff reads staffCols of a row; HasSlot comes from the key slots.
func (w *Workspace) scanStaff(row scanner) (Staff, error) {
	var s Staff
	var created string
	var removed sql.NullString
	if err := row.Scan(&s.ID, &s.Name, &s.Role, &created, &s.CreatedBy, &removed, &s.FullName, &s.Position); err != nil {
		return s, err
	}
	s.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	s.Removed = removed.Valid
	w.mu.Lock()
	s.HasSlot = w.slots.Has(s.Name)
	w.mu.Unlock()
	return s, nil
}

func (w *Workspace) staffByName(ctx context.Context, name string) (Staff, error) {
	s, err := w.scanStaff(w.db.QueryRowContext(ctx, `SELECT `+staffCols+` FROM staff WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("staff %q: %w", name, ErrNotFound)
	}
	return s, err
}

// ListStaff lists current staff (and, with removed, former staff).
func (w *Workspace) ListStaff(ctx context.Context, removed bool) ([]Staff, error) {
	q := `SELECT ` + staffCols + ` FROM staff`
	if !removed {
		q += ` WHERE removed_at IS NULL`
	}
	rows, err := w.db.QueryContext(ctx, q+` ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Staff
	for rows.Next() {
		s, err := w.scanStaff(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// AddStaff enrols a new member, or re-enrols one who lost their slot in
// a key rotation (same name and role). Admins only.
func (w *Workspace) AddStaff(ctx context.Context, name string, role Role, passphrase []byte, kdf keyslot.Params) error {
	name = strings.TrimSpace(keyslot.NormalizeName(name))
	if name == "" {
		return &ValidationError{Field: "name", Reason: "a staff name is required"}
	}
	if _, err := ParseRole(string(role)); err != nil {
		return err
	}
	if err := checkPassphrase(passphrase); err != nil {
		return err
	}
	if kdf.Time == 0 {
		kdf = keyslot.DefaultParams
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.change(ctx, Change{Perm: PermStaffManage, Action: "staff.add", Object: "staff:" + name, Reason: "enrol staff member",
		Details: map[string]any{"name": name, "role": string(role)}},
		func(tx *sql.Tx, c *Change) error {
			var existing string
			var removed sql.NullString
			err := tx.QueryRowContext(ctx, `SELECT role, removed_at FROM staff WHERE name = ?`, name).Scan(&existing, &removed)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				if _, err := tx.ExecContext(ctx, `INSERT INTO staff(name, role, created_at, created_by) VALUES (?, ?, ?, ?)`, name, string(role), w.stamp(), w.me.Name); err != nil {
					return err
				}
			case err != nil:
				return err
			case removed.Valid:
				c.Action = "staff.readd"
				if _, err := tx.ExecContext(ctx, `UPDATE staff SET role = ?, removed_at = NULL WHERE name = ?`, string(role), name); err != nil {
					return err
				}
			case w.slots.Has(name):
				return &ValidationError{Field: "name", Reason: fmt.Sprintf("%q is already enrolled; to change a passphrase the member signs in and changes it", name)}
			default:
				c.Action = "staff.reenrol"
				if existing != string(role) {
					if _, err := tx.ExecContext(ctx, `UPDATE staff SET role = ? WHERE name = ?`, string(role), name); err != nil {
						return err
					}
				}
			}
			return w.putSlot(name, passphrase, kdf)
		})
}

// putSlot seals the workspace key for name and saves the sidecar. It runs
// inside the change's transaction: if saving fails, nothing is committed.
func (w *Workspace) putSlot(name string, passphrase []byte, kdf keyslot.Params) error {
	next := *w.slots
	next.Slots = append([]keyslot.Slot(nil), w.slots.Slots...)
	if err := next.Put(name, passphrase, w.key, kdf); err != nil {
		return err
	}
	if err := next.Save(keyslot.Path(w.path)); err != nil {
		return err
	}
	*w.slots = next
	return nil
}

// RemoveStaffAndRekey removes a member and then rotates the workspace key
// (RotateKey), so that a copy of the key-slot file the member kept no
// longer opens the workspace. passphrase is the signed-in admin's. Every
// other member must then be re-enrolled (AddStaff), as after any rotation.
func (w *Workspace) RemoveStaffAndRekey(ctx context.Context, name, reason string, passphrase []byte) error {
	if !w.me.Role.Can(PermWorkspaceRekey) {
		return &ForbiddenError{Staff: w.me.Name, Role: w.me.Role, Action: PermWorkspaceRekey}
	}
	if _, err := w.slots.Unlock(w.me.Name, passphrase); err != nil {
		return err
	}
	if err := w.RemoveStaff(ctx, name, reason); err != nil {
		return err
	}
	if err := w.RotateKey(ctx, passphrase, "revocation of "+keyslot.NormalizeName(strings.TrimSpace(name))+": "+reason); err != nil {
		return fmt.Errorf("%q was removed, but the key rotation did not complete (run `staff rekey`): %w", name, err)
	}
	return nil
}

// RemoveStaff removes a member's access: their key slot goes at once, the
// staff record stays (marked removed) because the audit log names them.
// The workspace key stays: a copy of the key-slot file made while the
// member was enrolled still opens it (RemoveStaffAndRekey closes that).
func (w *Workspace) RemoveStaff(ctx context.Context, name, reason string) error {
	name = strings.TrimSpace(keyslot.NormalizeName(name))
	if name == w.me.Name {
		return &ValidationError{Field: "name", Reason: "you cannot remove yourself; ask another admin"}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.change(ctx, Change{Perm: PermStaffManage, Action: "staff.remove", Object: "staff:" + name, Reason: reason},
		func(tx *sql.Tx, c *Change) error {
			res, err := tx.ExecContext(ctx, `UPDATE staff SET removed_at = ? WHERE name = ? AND removed_at IS NULL`, w.stamp(), name)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return fmt.Errorf("staff %q: %w", name, ErrNotFound)
			}
			next := *w.slots
			next.Slots = append([]keyslot.Slot(nil), w.slots.Slots...)
			next.Remove(name)
			if err := next.Save(keyslot.Path(w.path)); err != nil {
				return err
			}
			*w.slots = next
			return nil
		})
}

// ChangePassphrase re-seals the signed-in member's slot under a new
// passphrase; the old one must be given again.
func (w *Workspace) ChangePassphrase(ctx context.Context, old, new []byte, kdf keyslot.Params) error {
	if err := checkPassphrase(new); err != nil {
		return err
	}
	if kdf.Time == 0 {
		kdf = keyslot.DefaultParams
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.slots.Unlock(w.me.Name, old); err != nil {
		return err
	}
	return w.change(ctx, Change{Perm: PermOwnPassphrase, Action: "staff.passphrase", Object: "staff:" + w.me.Name, Reason: "passphrase changed by its owner"},
		func(tx *sql.Tx, c *Change) error { return w.putSlot(w.me.Name, new, kdf) })
}

// RotateKey replaces the workspace key (PRAGMA rekey re-encrypts every
// page). Only the admin's slot is re-sealed; every other member must be
// re-enrolled with AddStaff. A crash at any point leaves a workspace the
// admin can open: the new key is sealed as "pending" before the rekey.
func (w *Workspace) RotateKey(ctx context.Context, passphrase []byte, reason string) error {
	if !w.me.Role.Can(PermWorkspaceRekey) {
		return &ForbiddenError{Staff: w.me.Name, Role: w.me.Role, Action: PermWorkspaceRekey}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.slots.Unlock(w.me.Name, passphrase); err != nil {
		return err
	}
	next, err := keyslot.NewKey()
	if err != nil {
		return err
	}
	pending := *w.slots
	pending.Slots = append([]keyslot.Slot(nil), w.slots.Slots...)
	if err := pending.SetPending(w.me.Name, passphrase, next); err != nil {
		return err
	}
	if err := pending.Save(keyslot.Path(w.path)); err != nil {
		return err
	}
	*w.slots = pending
	others := len(w.slots.Slots) - 1
	// PRAGMA rekey works on one connection; the others must be gone or
	// they would keep the old key. Shrink the pool to one for the rekey.
	w.db.SetMaxIdleConns(0)
	w.db.SetMaxOpenConns(1)
	w.db.SetMaxIdleConns(1)
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, fmt.Sprintf("PRAGMA rekey = \"x'%x'\"", next))
	if err == nil {
		// The re-encrypted pages sit in the WAL until a checkpoint; until
		// then the main file still holds pages under the old key, which
		// a revoked member's old key slot would open.
		_, err = conn.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	}
	conn.Close()
	if err != nil {
		return fmt.Errorf("rekey: %w", err)
	}
	keyslot.Wipe(w.key)
	w.key = next
	if err := w.finishRotationLocked(w.me.Name, passphrase); err != nil {
		return err
	}
	// Reopen the pool under the new key.
	old := w.db
	db, err := openDBWith(w.path, w.key, 0)
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	if err := checkCipher(ctx, db); err != nil {
		db.Close()
		return err
	}
	w.db = db
	old.Close()
	// Recorded only now, under the new key: a rotation that stops
	// earlier leaves no entry claiming it happened (Open records one
	// when it finds the rotation finished by the pending key).
	return w.recordRotation(ctx, reason, others, false)
}

func (w *Workspace) recordRotation(ctx context.Context, reason string, others int, onOpen bool) error {
	d := map[string]any{"slots_invalidated": others}
	if onOpen {
		d["completed_on_open"] = true
	}
	return w.change(ctx, Change{Perm: PermWorkspaceRekey, Action: "workspace.rekey", Object: "workspace", Reason: reason, Details: d}, nil)
}

func (w *Workspace) finishRotation(staff string, passphrase []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.finishRotationLocked(staff, passphrase)
}

// finishRotationLocked leaves only staff's slot, sealing the current key.
func (w *Workspace) finishRotationLocked(staff string, passphrase []byte) error {
	var me keyslot.Slot
	for _, s := range w.slots.Slots {
		if s.Staff == staff {
			me = s
		}
	}
	done := *w.slots
	done.Slots = nil
	if err := done.Put(staff, passphrase, w.key, me.Params); err != nil {
		return err
	}
	if err := done.Save(keyslot.Path(w.path)); err != nil {
		return err
	}
	*w.slots = done
	return nil
}

// DisplayName is the full name when the profile has one, else the login.
func (s Staff) DisplayName() string {
	if s.FullName != "" {
		return s.FullName
	}
	return s.Name
}

// StaffMember reads one member (current or former) by login name.
func (w *Workspace) StaffMember(ctx context.Context, name string) (Staff, error) {
	return w.staffByName(ctx, strings.TrimSpace(keyslot.NormalizeName(name)))
}

// SetStaffProfile sets a member's full name and position (admins; any
// member may set their own). Audited with the new values: staff names
// on acts are not data subjects' personal data.
func (w *Workspace) SetStaffProfile(ctx context.Context, name, fullName, position string) error {
	name = strings.TrimSpace(keyslot.NormalizeName(name))
	fullName = norm.NFC.String(strings.Join(strings.Fields(fullName), " "))
	position = norm.NFC.String(strings.Join(strings.Fields(position), " "))
	if len([]rune(fullName)) > 200 || len([]rune(position)) > 200 {
		return &ValidationError{Field: "profile", Reason: "full name and position are at most 200 characters"}
	}
	perm := PermStaffManage
	if name == w.me.Name {
		perm = PermOwnPassphrase
	}
	err := w.change(ctx, Change{Perm: perm, Action: "staff.profile", Object: "staff:" + name, Reason: "staff profile changed",
		Details: map[string]any{"full_name": fullName, "position": position}},
		func(tx *sql.Tx, c *Change) error {
			res, err := tx.ExecContext(ctx, `UPDATE staff SET full_name = ?, position = ? WHERE name = ?`, fullName, position, name)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return fmt.Errorf("staff %q: %w", name, ErrNotFound)
			}
			return nil
		})
	if err == nil && name == w.me.Name {
		w.me.FullName, w.me.Position = fullName, position
	}
	return err
}
