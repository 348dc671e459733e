package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// DestructionAct is the record of a destruction of personal data (акт
// уничтожения персональных данных / дербес деректерді жою актісі). It
// holds no personal data: what was destroyed is told by category and count.
type DestructionAct struct {
	Number      string
	At          time.Time
	Staff       string
	Role        Role
	Reason      string
	AccountID   string // known when the act is made; not kept afterwards
	Counts      DestroyedCounts
	AuditSeq    int64 // the audit entry of the destruction
	AuditHash   string
	WorkspaceID string
	// What the act prints about the people and the operator, as they
	// were at the destruction (kept with the act, so a later export is
	// the same document): the member's full name and position, the
	// operator's details, the workspace's time zone, and the request the
	// destruction answered (store.WithRequest), if any.
	StaffFullName string    `json:",omitempty"`
	StaffPosition string    `json:",omitempty"`
	Operator      *Operator `json:",omitempty"`
	TimeZone      string    `json:",omitempty"`
	RequestID     string    `json:",omitempty"`
	// PDFSHA256 is the SHA-256 of the act's first export (RecordActExport).
	PDFSHA256 string `json:"-"`
}

// DestroyedCounts tells what was destroyed, by clause 1.1 category.
type DestroyedCounts struct {
	RegistrationFields int   `json:"registration_fields"` // 1.1.1
	ExtraFields        int   `json:"extra_fields"`        // 1.1.1, extra columns
	AccessLogRows      int   `json:"access_log_rows"`     // 1.1.2
	PublicDataRows     int   `json:"public_data_rows"`    // 1.1.3
	AuditPayloads      int64 `json:"audit_payloads"`      // old values kept by audit entries
}

// DestroyUser destroys a user's personal data (clause 1.4): the record,
// its search words, extra fields, access log and 1.1.3 data are deleted,
// audit payloads about the user are erased, and a tombstone with the act
// number and a keyed digest of the account id stays, so that an old
// export cannot bring the data back. secure_delete zeroes the freed
// space and a WAL checkpoint folds the old pages away.
func (w *Workspace) DestroyUser(ctx context.Context, accountID, reason string) (*DestructionAct, error) {
	tomb, err := w.tombstoneDigester(ctx)
	if err != nil {
		return nil, err
	}
	act := &DestructionAct{Staff: w.me.Name, Role: w.me.Role, AccountID: accountID, WorkspaceID: w.WorkspaceID()}
	if err := requireReason(reason); err != nil {
		return nil, err
	}
	act.Reason = reason
	if err := w.fillActParties(ctx, act); err != nil {
		return nil, err
	}
	err = w.change(ctx, Change{Perm: PermRecordsDestroy, Action: "user.destroy", Object: "user:" + accountID, Reason: reason},
		func(tx *sql.Tx, c *Change) error {
			u, err := w.getUser(ctx, tx, accountID)
			if err != nil {
				return err
			}
			act.At = w.now()
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tombstones WHERE substr(act_number, 4, 4) = ?`, act.At.Format("2006")).Scan(&n); err != nil {
				return err
			}
			act.Number = fmt.Sprintf("DA-%s-%06d", act.At.Format("2006"), n+1)
			for _, f := range FieldCatalog {
				if f.Key != "account_id" && u.Value(f.Key) != "" {
					act.Counts.RegistrationFields++
				}
			}
			act.Counts.ExtraFields = len(u.Extra)
			act.Counts.AccessLogRows = u.AccessCount
			act.Counts.PublicDataRows = len(u.Public)
			if act.Counts.AuditPayloads, err = erasePayloads(ctx, tx, "user:"+accountID); err != nil {
				return err
			}
			var ix indexEdit
			if err := ix.remove(ctx, tx, u.ID, searchKeys(u.FullName, u.IIN, u.Phone, u.Email)); err != nil {
				return err
			}
			// ON DELETE CASCADE removes fields, access log, 1.1.3 data.
			if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, u.ID); err != nil {
				return err
			}
			counts, _ := json.Marshal(act.Counts)
			if _, err := tx.ExecContext(ctx, `INSERT INTO tombstones(account_digest, act_number, destroyed_at, staff, reason, counts) VALUES (?, ?, ?, ?, ?, ?)`,
				tomb.digest(accountID), act.Number, act.At.Format(time.RFC3339Nano), w.me.Name, reason, string(counts)); err != nil {
				return err
			}
			c.Details = map[string]any{"act": act.Number, "counts": act.Counts}
			if _, err := notePendingWipe(ctx, tx, "destruction under act "+act.Number, act.At); err != nil {
				return err
			}
			return w.saveAct(ctx, tx, tomb, act)
		})
	if err != nil {
		return nil, err
	}
	h, err := w.AuditHead(ctx)
	if err != nil {
		return nil, err
	}
	act.AuditSeq, act.AuditHash = h.Seq, h.Hash
	// Fold the WAL into the database so no copy of the old pages is left
	// in the main file or the -wal file (wipe.go).
	return act, w.wipe(ctx, "the destruction under act "+act.Number, WipeWait)
}

// Tombstone is what remains of a destroyed user.
type Tombstone struct {
	ActNumber   string
	DestroyedAt time.Time
	Staff       string
	Reason      string
	Counts      DestroyedCounts
}

// Tombstones lists destruction acts, newest first.
func (w *Workspace) Tombstones(ctx context.Context) ([]Tombstone, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT act_number, destroyed_at, staff, reason, counts FROM tombstones ORDER BY destroyed_at DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Tombstone
	for rows.Next() {
		var t Tombstone
		var at, counts string
		if err := rows.Scan(&t.ActNumber, &at, &t.Staff, &t.Reason, &counts); err != nil {
			return nil, err
		}
		t.DestroyedAt, _ = time.Parse(time.RFC3339Nano, at)
		json.Unmarshal([]byte(counts), &t.Counts)
		out = append(out, t)
	}
	return out, rows.Err()
}

// DestroyedUnder reports the act under which accountID was destroyed.
func (w *Workspace) DestroyedUnder(ctx context.Context, accountID string) (string, bool, error) {
	t, err := w.tombstoneDigester(ctx)
	if err != nil {
		return "", false, err
	}
	act, ok := t.destroyed(accountID)
	return act, ok, nil
}
