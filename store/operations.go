package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"legco.kz/compliance/store/kz"
)

// The processing operations of clause 1.4 (clarify, block, depersonalize,
// destroy) and the change of data on the user's request of clause 4.1.
// Each needs a reason, is checked against the role, and is written in
// one transaction with its audit entry.

func requireReason(reason string) error {
	if strings.TrimSpace(reason) == "" {
		return &ValidationError{Field: "reason", Reason: "a reason is required for every processing operation (it is kept in the audit log)"}
	}
	return nil
}

// normalizeField validates and normalises a new value for a 1.1.1 field.
func normalizeField(key, value string) (string, error) {
	value = strings.TrimSpace(kz.NFC(value))
	bad := func(err error) (string, error) { return "", &ValidationError{Field: key, Reason: err.Error()} }
	switch key {
	case "account_id", "registered_at":
		return "", &ValidationError{Field: key, Reason: "is set by LegCo and cannot be changed here"}
	case "full_name":
		if value == "" {
			return "", &ValidationError{Field: key, Reason: "is mandatory (clause 1.1.1) and cannot be empty"}
		}
		if n := len([]rune(value)); n > 300 {
			return "", &ValidationError{Field: key, Reason: fmt.Sprintf("is %d characters; at most 300", n)}
		}
	case "iin":
		if value != "" {
			if err := kz.ValidateIIN(value); err != nil {
				return bad(err)
			}
		}
	case "entity_bin":
		if value != "" {
			if err := kz.ValidateBIN(value); err != nil {
				return bad(err)
			}
		}
	case "phone":
		if value != "" {
			p, err := kz.NormalizePhone(value)
			if err != nil {
				return bad(err)
			}
			value = p
		}
	case "email":
		if value != "" {
			e, err := kz.NormalizeEmail(value)
			if err != nil {
				return bad(err)
			}
			value = e
		}
	case "birth_date":
		if value != "" {
			if _, err := time.Parse("2006-01-02", value); err != nil {
				return "", &ValidationError{Field: key, Reason: "must be a date written YYYY-MM-DD"}
			}
		}
	default:
		if len([]rune(value)) > 500 {
			return "", &ValidationError{Field: key, Reason: "at most 500 characters"}
		}
	}
	return value, nil
}

var fieldColumns = map[string]bool{"full_name": true, "iin": true, "phone": true, "email": true, "birth_date": true,
	"address": true, "entity_bin": true, "entity_name": true, "registered_at": true}

// keyFields are the fields search keys come from.
var keyFields = map[string]bool{"full_name": true, "iin": true, "phone": true, "email": true}

// setField writes one field, keeping the search index in step: the keys
// the change removes go at once, the ones it adds go to ix (written when
// the caller flushes it).
func setField(ctx context.Context, tx *sql.Tx, ix *indexEdit, userID int64, key, value string) error {
	if fieldColumns[key] {
		var old []string
		if keyFields[key] {
			var err error
			if old, err = userKeys(ctx, tx, userID); err != nil {
				return err
			}
		}
		if key == "full_name" {
			// The list's sort key follows the name (namekey.go).
			if _, err := tx.ExecContext(ctx, `UPDATE users SET full_name = ?, name_key = ? WHERE id = ?`, nullable(value), nameKeyArg(value), userID); err != nil {
				return err
			}
		} else if _, err := tx.ExecContext(ctx, `UPDATE users SET `+key+` = ? WHERE id = ?`, nullable(value), userID); err != nil {
			return err
		}
		if keyFields[key] {
			keys, err := userKeys(ctx, tx, userID)
			if err != nil {
				return err
			}
			if err := ix.remove(ctx, tx, userID, without(old, keys)); err != nil {
				return err
			}
			ix.insert(userID, without(keys, old))
		}
		return nil
	}
	if value == "" {
		_, err := tx.ExecContext(ctx, `DELETE FROM user_fields WHERE user_id = ? AND name = ?`, userID, key)
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO user_fields(user_id, name, value) VALUES (?, ?, ?)
		ON CONFLICT(user_id, name) DO UPDATE SET value = excluded.value`, userID, key, value)
	return err
}

// userOp runs an operation on one user inside an audited change.
func (w *Workspace) userOp(ctx context.Context, perm Permission, action, accountID, reason string,
	fn func(tx *sql.Tx, u *User, c *Change) error) error {
	if err := requireReason(reason); err != nil {
		return err
	}
	return w.change(ctx, Change{Perm: perm, Action: action, Object: "user:" + accountID, Reason: strings.TrimSpace(reason)},
		func(tx *sql.Tx, c *Change) error {
			u, err := w.getUser(ctx, tx, accountID)
			if err != nil {
				return err
			}
			if err := fn(tx, u, c); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE users SET updated_at = ? WHERE id = ?`, w.stamp(), u.ID)
			return err
		})
}

// UpdateUserField changes one 1.1.1 field (clause 4.1: on the user's
// request; clause 1.4: clarification). The old value is kept in the
// audit entry's personal payload.
func (w *Workspace) UpdateUserField(ctx context.Context, accountID, field, value, reason string) error {
	v, err := normalizeField(field, value)
	if err != nil {
		return err
	}
	return w.userOp(ctx, PermRecordsWrite, "user.update", accountID, reason, func(tx *sql.Tx, u *User, c *Change) error {
		if u.State == StateDepersonalized {
			if def, ok := FieldByKey(field); !ok || def.Identifying {
				return &ValidationError{Field: field, Reason: "the record is depersonalized; identifying data cannot be added back"}
			}
		}
		old := u.Value(field)
		if old == v {
			return &ValidationError{Field: field, Reason: "the new value is the same as the current one"}
		}
		var ix indexEdit
		if err := setField(ctx, tx, &ix, u.ID, field, v); err != nil {
			return err
		}
		if err := ix.flush(ctx, tx); err != nil {
			return err
		}
		c.Details = map[string]any{"field": field}
		c.Personal = &Personal{Subject: "user:" + accountID, Data: map[string]any{"field": field, "old": old, "new": v}}
		return nil
	})
}

// BlockUser blocks processing of a user's data (clause 1.4): a blocked
// user is left out of every export and disclosure until unblocked.
func (w *Workspace) BlockUser(ctx context.Context, accountID, reason string) error {
	return w.setBlocked(ctx, accountID, reason, true)
}

// UnblockUser lifts a block.
func (w *Workspace) UnblockUser(ctx context.Context, accountID, reason string) error {
	return w.setBlocked(ctx, accountID, reason, false)
}

func (w *Workspace) setBlocked(ctx context.Context, accountID, reason string, block bool) error {
	action := "user.block"
	if !block {
		action = "user.unblock"
	}
	return w.userOp(ctx, PermRecordsWrite, action, accountID, reason, func(tx *sql.Tx, u *User, c *Change) error {
		if u.Blocked == block {
			if block {
				return &ValidationError{Field: "blocked", Reason: "the user is already blocked"}
			}
			return &ValidationError{Field: "blocked", Reason: "the user is not blocked"}
		}
		_, err := tx.ExecContext(ctx, `UPDATE users SET blocked = ? WHERE id = ?`, block, u.ID)
		return err
	})
}

func keysOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func erasePayloads(ctx context.Context, tx *sql.Tx, subject string) (int64, error) {
	// The trigger of migration 0007 refuses other deletions.
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO audit_erasures(subject) VALUES (?)`, subject); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM audit_personal WHERE subject = ?`, subject)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM audit_erasures WHERE subject = ?`, subject)
	return n, err
}

// cityOf takes the settlement from an address written "г. Алматы, …" or
// "Алматы қ., …": the first comma-separated part, without the marker.
func cityOf(address string) string {
	first, _, _ := strings.Cut(address, ",")
	first = strings.TrimSpace(first)
	for _, m := range []string{"г. ", "г.", "город ", "қ.", " қаласы"} {
		first = strings.TrimSpace(strings.ReplaceAll(first, m, ""))
	}
	if len([]rune(first)) > 40 {
		return ""
	}
	return first
}
