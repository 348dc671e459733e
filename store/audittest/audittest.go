// Package audittest is for tests and benchmarks only: it opens a real
// workspace behind the program's back with its raw key, as someone
// holding the key could, to append synthetic audit entries in bulk (a
// year of activity for benchmarks) or to rewrite the chain from some
// entry on with recomputed hashes (the attack an earlier pack's head
// must expose). Production code never imports it.
package audittest

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"time"

	_ "github.com/mutecomm/go-sqlcipher/v4" // the raw driver, "sqlite3"

	"legco.kz/compliance/store/auditchain"
	"legco.kz/compliance/store/keyslot"
)

// OpenRaw opens the workspace database with the key from staff's slot.
func OpenRaw(path, staff string, passphrase []byte) (*sql.DB, error) {
	slots, err := keyslot.Load(keyslot.Path(path))
	if err != nil {
		return nil, err
	}
	u, err := slots.Unlock(staff, passphrase)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?_pragma_key="+url.QueryEscape("x'"+hex.EncodeToString(u.Key)+"'"))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	// The hash column's unique index takes random inserts: with SQLite's
	// 2 MB default cache a million entries rewrite the index for hours.
	if _, err := db.Exec(`PRAGMA cache_size = -262144`); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

var actions = []struct{ action, object string }{
	{"user.update", "user:LC-%07d"}, {"user.block", "user:LC-%07d"}, {"user.unblock", "user:LC-%07d"},
	{"consent.record", "consent:%d"}, {"request.close", "request:%d"}, {"settings.autolock", "settings:%d"},
}

// AppendEntries appends n synthetic, correctly chained entries by staff
// (with role), the first at start and each step later, in one
// transaction. Deterministic for the same arguments and chain.
func AppendEntries(ctx context.Context, db *sql.DB, n int, staff, role string, start time.Time, step time.Duration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var seq int64
	prev := auditchain.Genesis
	if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&seq, &prev); err != nil && err != sql.ErrNoRows {
		return err
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO audit_log(seq, at, staff, role, action, object, reason, details, personal_sha256, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer st.Close()
	for i := range n {
		seq++
		a := actions[i%len(actions)]
		f := auditchain.Fields{Seq: seq, At: start.Add(time.Duration(i) * step).UTC().Format(auditchain.TimeFormat), Staff: staff, Role: role,
			Action: a.action, Object: fmt.Sprintf(a.object, i%1_000_000+1), Reason: "обращение пользователя / пайдаланушының өтініші",
			Details: fmt.Sprintf(`{"n":%d}`, i)}
		h, err := auditchain.Hash(prev, f)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, f.Seq, f.At, f.Staff, f.Role, f.Action, f.Object, f.Reason, f.Details, f.PersonalSHA256, prev, h); err != nil {
			return err
		}
		prev = h
	}
	return tx.Commit()
}

// RewriteFrom changes the reason of entry seq and recomputes the hash of
// that entry and of every later one, as someone holding the key could:
// the append-only triggers are dropped for the rewrite and created
// again, so the workspace's own verification finds nothing wrong. Only
// a head recorded before (e.g. in an earlier audit pack) exposes it.
func RewriteFrom(ctx context.Context, db *sql.DB, seq int64, reason string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var trg []string
	rows, err := tx.QueryContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log' ORDER BY name`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return err
		}
		trg = append(trg, s)
	}
	rows.Close()
	if _, err := tx.ExecContext(ctx, `DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete`); err != nil {
		return err
	}
	prev := auditchain.Genesis
	if seq > 1 {
		if err := tx.QueryRowContext(ctx, `SELECT hash FROM audit_log WHERE seq = ?`, seq-1).Scan(&prev); err != nil {
			return err
		}
	}
	type row struct {
		f    auditchain.Fields
		hash string
	}
	var all []row
	rows, err = tx.QueryContext(ctx, `SELECT seq, at, staff, role, action, object, reason, details, personal_sha256 FROM audit_log WHERE seq >= ? ORDER BY seq`, seq)
	if err != nil {
		return err
	}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.f.Seq, &r.f.At, &r.f.Staff, &r.f.Role, &r.f.Action, &r.f.Object, &r.f.Reason, &r.f.Details, &r.f.PersonalSHA256); err != nil {
			rows.Close()
			return err
		}
		all = append(all, r)
	}
	rows.Close()
	if len(all) == 0 {
		return fmt.Errorf("audittest: no entry #%d", seq)
	}
	all[0].f.Reason = reason
	// Hashes are UNIQUE: move the old ones out of the way first.
	if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET hash = 'old-' || hash WHERE seq >= ?`, seq); err != nil {
		return err
	}
	for _, r := range all {
		h, err := auditchain.Hash(prev, r.f)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET reason = ?, prev_hash = ?, hash = ? WHERE seq = ?`, r.f.Reason, prev, h, r.f.Seq); err != nil {
			return err
		}
		prev = h
	}
	for _, s := range trg {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	return tx.Commit()
}
