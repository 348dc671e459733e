package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// fillActParties puts in the act who and what it names besides the
// subject: the member's profile, the operator, the time zone, the
// request.
func (w *Workspace) fillActParties(ctx context.Context, act *DestructionAct) error {
	me, err := w.StaffMember(ctx, w.me.Name)
	if err != nil {
		return fmt.Errorf("destruction act: %w", err)
	}
	act.StaffFullName, act.StaffPosition = me.FullName, me.Position
	op, err := w.Operator(ctx)
	if err != nil {
		return fmt.Errorf("destruction act: %w", err)
	}
	act.Operator = &op
	act.TimeZone = w.Location().String()
	act.RequestID = RequestFrom(ctx)
	return nil
}

// saveAct keeps the act as printed, inside the destruction's
// transaction. The audit entry is written after fn, so its sequence
// number is the next one; its hash is read back when the act is loaded.
func (w *Workspace) saveAct(ctx context.Context, tx *sql.Tx, tomb *tombstones, act *DestructionAct) error {
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM audit_log`).Scan(&act.AuditSeq); err != nil {
		return err
	}
	saved := *act
	saved.AuditHash = ""
	b, err := json.Marshal(saved)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO destruction_acts(number, account_digest, act) VALUES (?, ?, ?)`,
		act.Number, tomb.digest(act.AccountID), string(b))
	return err
}

// ErrNoAct: no destruction act has that number or account id.
var ErrNoAct = errors.New("no destruction act has that number or account id")

// DestructionActFor loads a destruction act by its number (DA-…) or by
// the account id it destroyed, as it was printed, to export it again.
// Acts made before acts were kept (schema 6) are rebuilt from the
// tombstone when asked by account id; asked by number, they have no
// account id to print and are refused.
func (w *Workspace) DestructionActFor(ctx context.Context, numberOrAccount string) (*DestructionAct, error) {
	key := strings.TrimSpace(numberOrAccount)
	tomb, err := w.tombstoneDigester(ctx)
	if err != nil {
		return nil, err
	}
	var raw, sum string
	err = w.db.QueryRowContext(ctx, `SELECT act, pdf_sha256 FROM destruction_acts WHERE number = ? OR account_digest = ?`,
		key, tomb.digest(key)).Scan(&raw, &sum)
	if errors.Is(err, sql.ErrNoRows) {
		return w.actFromTombstone(ctx, tomb, key)
	}
	if err != nil {
		return nil, err
	}
	act := &DestructionAct{}
	if err := json.Unmarshal([]byte(raw), act); err != nil {
		return nil, fmt.Errorf("destruction act %s: %w", key, err)
	}
	act.PDFSHA256 = sum
	if err := w.actAuditHash(ctx, act); err != nil {
		return nil, err
	}
	return act, nil
}

// actAuditHash reads the hash of the act's audit entry, checking that
// the entry is this act's destruction.
func (w *Workspace) actAuditHash(ctx context.Context, act *DestructionAct) error {
	var details string
	err := w.db.QueryRowContext(ctx, `SELECT hash, details FROM audit_log WHERE seq = ? AND action = 'user.destroy'`, act.AuditSeq).
		Scan(&act.AuditHash, &details)
	if err == nil && !strings.Contains(details, `"act":"`+act.Number+`"`) {
		err = fmt.Errorf("audit entry %d is not act %s's", act.AuditSeq, act.Number)
	}
	if err != nil {
		return fmt.Errorf("destruction act %s: audit entry: %w", act.Number, err)
	}
	return nil
}

func (w *Workspace) actFromTombstone(ctx context.Context, tomb *tombstones, accountID string) (*DestructionAct, error) {
	number, ok := tomb.destroyed(accountID)
	if !ok {
		return nil, fmt.Errorf("%q: %w", accountID, ErrNoAct)
	}
	var at, staff, reason, counts string
	if err := w.db.QueryRowContext(ctx, `SELECT destroyed_at, staff, reason, counts FROM tombstones WHERE act_number = ?`, number).
		Scan(&at, &staff, &reason, &counts); err != nil {
		return nil, err
	}
	act := &DestructionAct{Number: number, Staff: staff, Reason: reason, AccountID: accountID, WorkspaceID: w.WorkspaceID()}
	act.At, _ = time.Parse(time.RFC3339Nano, at)
	json.Unmarshal([]byte(counts), &act.Counts)
	if s, err := w.StaffMember(ctx, staff); err == nil {
		act.Role = s.Role
	}
	err := w.db.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log WHERE action = 'user.destroy' AND details LIKE ?`,
		`%"act":"`+number+`"%`).Scan(&act.AuditSeq, &act.AuditHash)
	if err != nil {
		return nil, fmt.Errorf("destruction act %s: audit entry: %w", number, err)
	}
	return act, nil
}

// RecordActExport keeps the SHA-256 of an act's first export; later
// exports are compared with it (ActExportMatches). Audited.
func (w *Workspace) RecordActExport(ctx context.Context, number, sha256hex string) error {
	return w.change(ctx, Change{Perm: PermRecordsDestroy, Action: "act.export", Object: "act:" + number, Reason: "first export of the act",
		Details: map[string]any{"pdf_sha256": sha256hex}},
		func(tx *sql.Tx, c *Change) error {
			res, err := tx.ExecContext(ctx, `UPDATE destruction_acts SET pdf_sha256 = ? WHERE number = ? AND pdf_sha256 = ''`, sha256hex, number)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return &ValidationError{Field: "act", Reason: "act " + number + " is not kept or its first export is already recorded"}
			}
			return nil
		})
}

// DestructionActs is the register of destruction acts, oldest first:
// number, date, staff, reason, counts, request — no account ids.
func (w *Workspace) DestructionActs(ctx context.Context) ([]DestructionAct, error) {
	ts, err := w.Tombstones(ctx)
	if err != nil {
		return nil, err
	}
	kept := map[string]*DestructionAct{}
	rows, err := w.db.QueryContext(ctx, `SELECT act, pdf_sha256 FROM destruction_acts`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var raw, sum string
		if err := rows.Scan(&raw, &sum); err != nil {
			return nil, err
		}
		a := &DestructionAct{}
		if json.Unmarshal([]byte(raw), a) == nil {
			a.PDFSHA256 = sum
			kept[a.Number] = a
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]DestructionAct, 0, len(ts))
	for i := len(ts) - 1; i >= 0; i-- {
		t := ts[i]
		a := DestructionAct{Number: t.ActNumber, At: t.DestroyedAt, Staff: t.Staff, Reason: t.Reason, Counts: t.Counts}
		if k := kept[t.ActNumber]; k != nil {
			a = *k
		}
		a.AccountID = "" // the register names no account
		out = append(out, a)
	}
	return out, nil
}

// StaffDisplayName is the full name of the member who made the act, or
// the login.
func (a *DestructionAct) StaffDisplayName() string {
	if a.StaffFullName != "" {
		return a.StaffFullName
	}
	return a.Staff
}
