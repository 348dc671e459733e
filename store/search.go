package store

import (
	"context"
	"strings"
	"unicode"

	"legco.kz/compliance/store/kz"
)

// SearchUsers finds users by any word of the name or its beginning
// (case-insensitive, «ё» found by «е», Kazakh letters as they are), by
// IIN, by phone written any common way (8 701…, +7 (701)…), by e-mail or
// by account id. Every match path is an index range scan, so the cost
// depends on the number of matches, not on the number of users.
func (w *Workspace) SearchUsers(ctx context.Context, query string, limit int) ([]UserSummary, error) {
	query = strings.TrimSpace(kz.NFC(query))
	if query == "" {
		return nil, nil
	}
	if limit <= 0 {
		limit = 100
	}
	var parts []string
	var args []any
	keyPrefix := func(p string) {
		parts = append(parts, `SELECT user_id FROM search_index WHERE key >= ? AND key < ?`)
		args = append(args, p, p+"\U0010FFFF")
	}
	parts = append(parts, `SELECT id FROM users WHERE account_id >= ? AND account_id < ?`)
	args = append(args, query, query+"\U0010FFFF")
	if !strings.ContainsAny(query, " \t") {
		keyPrefix("e " + strings.ToLower(query))
	}
	digits := onlyPhoneChars(query)
	if digits {
		if d := keepDigits(query); len(d) >= 2 && len(d) <= 12 {
			keyPrefix("i " + d)
		}
		// The key is the number's digits with the trunk 8 turned into the
		// country code when it was written; without one, try it both as
		// the start of the full number and as the start after 7.
		if key := kz.PhoneSearchKey(query); len(key) >= 3 {
			keyPrefix("p " + key)
			if len(key) <= 10 {
				keyPrefix("p 7" + key)
			}
		}
	} else if toks := nameTokens(query); len(toks) > 0 {
		var ands []string
		for _, t := range toks {
			ands = append(ands, `SELECT user_id FROM search_index WHERE key >= ? AND key < ?`)
			args = append(args, "n "+t, "n "+t+"\U0010FFFF")
		}
		// Compound operators in SQLite associate left with equal
		// precedence: the intersection needs its own subquery.
		parts = append(parts, `SELECT * FROM (`+strings.Join(ands, " INTERSECT ")+`)`)
	}
	q := `SELECT ` + summaryCols + ` FROM users WHERE id IN (` + strings.Join(parts, " UNION ") + `) ORDER BY full_name IS NULL, full_name, id LIMIT ?`
	args = append(args, limit)
	rows, err := w.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UserSummary
	for rows.Next() {
		var u UserSummary
		if err := scanSummary(rows, &u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func onlyPhoneChars(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			n++
		case strings.ContainsRune(" +-()./", r):
		default:
			return false
		}
	}
	return n > 0
}

func keepDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
