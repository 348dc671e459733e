package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"

	"legco.kz/compliance/store/kz"
)

// DepersonalizationKeeps says, for the confirmation dialog, `users show`
// and the README, exactly what a depersonalized record keeps.
var DepersonalizationKeeps = []string{
	"a new random account id (DP-…), linked to the old one nowhere",
	"the registration date (not the time), account status, legal entity's BIN and name",
	"statistics: year of birth, sex (from the IIN), city",
	"the access log as the date and the page with ids replaced (/deals/{id}): no IP, cookie id or user agent",
}

// DepersonalizationRemoves is what depersonalization takes away.
var DepersonalizationRemoves = []string{
	"the account id, full name, IIN, phone, e-mail, date of birth, address and extra fields (1.1.1)",
	"IP addresses, cookie ids, user agents and times of day of the access log (1.1.2)",
	"all data obtained from other sources (1.1.3)",
	"the old values kept in audit entries",
}

// DepersonalizeUser makes a record one that can no longer be attributed
// to the user (Law No. 94-V, обезличивание; clause 1.4): the row moves to
// a random id under a random surrogate account id (DP-…), and nothing in
// the workspace links the two — the audit entry names the old account,
// not the surrogate; times are cut to dates so they cannot be matched to
// the audit entry's; row ids are random so their order cannot be matched
// to an export's. 1.1.1 identifiers and 1.1.3 data are removed; 1.1.2 rows
// keep the date and the page pattern. A keyed digest of the old account
// id (like a destruction's tombstone) stops an old export from bringing
// the identifiers back. Old values in audit payloads are erased, and the
// old pages are wiped from the database files (wipe.go).
func (w *Workspace) DepersonalizeUser(ctx context.Context, accountID, reason string) error {
	if err := requireReason(reason); err != nil {
		return err
	}
	tomb, err := w.tombstoneDigester(ctx)
	if err != nil {
		return err
	}
	loc := w.Location()
	err = w.change(ctx, Change{Perm: PermRecordsWrite, Action: "user.depersonalize", Object: "user:" + accountID, Reason: strings.TrimSpace(reason)},
		func(tx *sql.Tx, c *Change) error {
			u, err := w.getUser(ctx, tx, accountID)
			if err != nil {
				return err
			}
			if u.State == StateDepersonalized {
				return &ValidationError{Field: "state", Reason: "the user is already depersonalized"}
			}
			today := w.now().In(loc).Format("2006-01-02")
			stats := map[string]string{}
			if len(u.BirthDate) >= 4 {
				stats["stat_birth_year"] = u.BirthDate[:4]
			} else if t, ok := kz.IINBirthDate(u.IIN); ok {
				stats["stat_birth_year"] = t.Format("2006")
			}
			if male, ok := kz.IINMale(u.IIN); ok {
				stats["stat_sex"] = map[bool]string{true: "M", false: "F"}[male]
			}
			if city := cityOf(u.Address); city != "" {
				stats["stat_city"] = city
			}
			var ix indexEdit
			if err := ix.remove(ctx, tx, u.ID, searchKeys(u.FullName, u.IIN, u.Phone, u.Email)); err != nil {
				return err
			}
			newID, err := freeRandomID(ctx, tx, "users")
			if err != nil {
				return err
			}
			surrogate := "DP-" + strings.ToUpper(randomHex(8))
			c.SealUnlinked = append(c.SealUnlinked, "user:"+surrogate)
			c.Forget = append(c.Forget, "user:"+accountID)
			var reg any
			if !u.RegisteredAt.IsZero() {
				reg = u.RegisteredAt.In(loc).Format("2006-01-02")
			}
			// The sort key is the surrogate name's: the old row, and with
			// it the old name's key, is deleted below.
			surrogateName := "Обезличен / Иесіздендірілген " + surrogate
			if _, err := tx.ExecContext(ctx, `INSERT INTO users(id, account_id, account_status, registered_at, full_name, entity_bin, entity_name,
				state, blocked, batch_id, created_at, updated_at, name_key)
				SELECT ?, ?, account_status, ?, ?, entity_bin, entity_name, 'depersonalized', blocked, NULL, ?, ?, ? FROM users WHERE id = ?`,
				newID, surrogate, reg, surrogateName, today, today, nameKeyArg(surrogateName), u.ID); err != nil {
				return err
			}
			// 1.1.2: the date and the page pattern, one row for each.
			type visit struct{ day, page string }
			seen := map[visit]bool{}
			var visits []visit
			rows, err := tx.QueryContext(ctx, `SELECT at, page FROM access_log WHERE user_id = ? ORDER BY at`, u.ID)
			if err != nil {
				return err
			}
			for rows.Next() {
				var at, page string
				if err := rows.Scan(&at, &page); err != nil {
					rows.Close()
					return err
				}
				day := at
				if t, err := time.Parse(time.RFC3339Nano, at); err == nil {
					day = t.In(loc).Format("2006-01-02")
				} else if len(at) > 10 {
					day = at[:10]
				}
				v := visit{day, PagePattern(page)}
				if !seen[v] {
					seen[v] = true
					visits = append(visits, v)
				}
			}
			if err := rows.Close(); err != nil {
				return err
			}
			for _, v := range visits {
				id, err := freeRandomID(ctx, tx, "access_log")
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO access_log(id, user_id, at, ip, cookie_id, user_agent, page) VALUES (?, ?, ?, '', '', '', ?)`,
					id, newID, v.day, v.page); err != nil {
					return err
				}
			}
			// ON DELETE CASCADE takes the old row's fields, access log and
			// 1.1.3 data; secure_delete zeroes them.
			if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, u.ID); err != nil {
				return err
			}
			for k, v := range stats {
				if err := setField(ctx, tx, &ix, newID, k, v); err != nil {
					return err
				}
			}
			if err := ix.flush(ctx, tx); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO depersonalized(account_digest, on_date) VALUES (?, ?)
				ON CONFLICT(account_digest) DO NOTHING`, tomb.digest(accountID), today); err != nil {
				return err
			}
			n, err := erasePayloads(ctx, tx, "user:"+accountID)
			if err != nil {
				return err
			}
			if _, err := notePendingWipe(ctx, tx, "depersonalization", w.now()); err != nil {
				return err
			}
			c.Details = map[string]any{"kept": keysOf(stats), "audit_payloads_erased": n, "access_rows_kept": len(visits)}
			return nil
		})
	if err != nil {
		return err
	}
	return w.wipe(ctx, "the depersonalization of "+accountID, WipeWait)
}

// freeRandomID picks an unused random row id of table, so a row's id
// says nothing about when it was made.
func freeRandomID(ctx context.Context, tx *sql.Tx, table string) (int64, error) {
	for range 8 {
		var b [8]byte
		rand.Read(b[:])
		id := int64(binary.BigEndian.Uint64(b[:])>>2) | 1<<60 // far above import ids
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&n); err != nil {
			return 0, err
		}
		if n == 0 {
			return id, nil
		}
	}
	return 0, fmt.Errorf("no free random id in %s", table)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

var (
	pageQuery = regexp.MustCompile(`[?#].*$`)
	pageID    = regexp.MustCompile(`^(\d+|[0-9a-fA-F-]{16,}|[A-Za-z]{1,4}-[0-9A-Za-z-]+|[^/]*@[^/]*)$`)
)

// PagePattern keeps what statistics need of a page address: its path
// with every id-like segment (numbers, long hex or UUIDs, account-like
// ids, e-mails) replaced by {id}, without the query or fragment.
func PagePattern(page string) string {
	p := pageQuery.ReplaceAllString(page, "")
	if i := strings.Index(p, "://"); i >= 0 {
		if j := strings.Index(p[i+3:], "/"); j >= 0 {
			p = p[i+3+j:]
		} else {
			p = "/"
		}
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if s != "" && pageID.MatchString(s) {
			segs[i] = "{id}"
		}
	}
	return strings.Join(segs, "/")
}

// depersonalizedOn reports when the account id was depersonalized.
func (t *tombstones) depersonalizedOn(accountID string) (string, bool) {
	if len(t.deperson) == 0 {
		return "", false
	}
	d, ok := t.deperson[t.digest(accountID)]
	return d, ok
}

// parseStamp reads a stored time, or a date kept alone.
func parseStamp(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, false
	}
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil
}

func (t *tombstones) loadDepersonalized(ctx context.Context, q querier) error {
	rows, err := q.QueryContext(ctx, `SELECT account_digest, on_date FROM depersonalized`)
	if err != nil {
		return err
	}
	defer rows.Close()
	t.deperson = map[string]string{}
	for rows.Next() {
		var d, on string
		if err := rows.Scan(&d, &on); err != nil {
			return err
		}
		t.deperson[d] = on
	}
	return rows.Err()
}
