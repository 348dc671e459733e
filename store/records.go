package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/kz"
)

// UserState is where a record stands among the processing operations of
// clause 1.4. Blocking is separate (Blocked) because a depersonalized
// record can be blocked too. Destroyed records leave no row at all, only
// a Tombstone.
type UserState string

const (
	StateActive         UserState = "active"
	StateDepersonalized UserState = "depersonalized"
)

// FieldDef describes one field of the 1.1.1 catalog.
type FieldDef struct {
	Key       string
	Mandatory bool
	// Identifying fields are replaced by depersonalization; the others
	// are what statistics (clause 2.2.6) keep.
	Identifying bool
	EN, RU, KK  string
}

// FieldCatalog is the data a user provides at registration (clause
// 1.1.1), in display order. Mandatory fields are marked in the UI.
var FieldCatalog = []FieldDef{
	{"account_id", true, false, "Account id", "Идентификатор аккаунта", "Аккаунт идентификаторы"},
	{"full_name", true, true, "Full name", "ФИО", "Аты-жөні"},
	{"iin", false, true, "IIN", "ИИН", "ЖСН"},
	{"phone", false, true, "Phone", "Телефон", "Телефон"},
	{"email", false, true, "E-mail", "Электронная почта", "Электрондық пошта"},
	{"birth_date", false, true, "Date of birth", "Дата рождения", "Туған күні"},
	{"address", false, true, "Address", "Адрес", "Мекенжай"},
	{"entity_bin", false, false, "Legal entity BIN", "БИН юридического лица", "Заңды тұлғаның БСН"},
	{"entity_name", false, false, "Legal entity", "Юридическое лицо", "Заңды тұлға"},
	{"registered_at", false, false, "Registered", "Дата регистрации", "Тіркелген күні"},
}

// FieldByKey finds a catalog entry.
func FieldByKey(key string) (FieldDef, bool) {
	for _, f := range FieldCatalog {
		if f.Key == key {
			return f, true
		}
	}
	return FieldDef{}, false
}

// UserSummary is one row of the records list.
type UserSummary struct {
	ID         int64
	AccountID  string
	FullName   string
	IIN        string
	Phone      string
	Email      string
	EntityName string
	State      UserState
	Blocked    bool
}

// User is everything held about one user.
type User struct {
	UserSummary
	AccountStatus string
	RegisteredAt  time.Time
	// RegisteredDateOnly: only the date of registration is kept (after
	// depersonalization).
	RegisteredDateOnly bool
	BirthDate          string
	Address            string
	EntityBIN          string
	BatchID            int64
	CreatedAt          time.Time
	UpdatedAt          time.Time
	// Extra are additional 1.1.1 fields (extra export columns).
	Extra []exportfile.Field
	// Public is clause 1.1.3 data.
	Public []PublicRecord
	// AccessCount is the number of 1.1.2 access-log rows.
	AccessCount int
}

// Value returns a catalog field's value as text.
func (u *User) Value(key string) string {
	switch key {
	case "account_id":
		return u.AccountID
	case "full_name":
		return u.FullName
	case "iin":
		return u.IIN
	case "phone":
		return u.Phone
	case "email":
		return u.Email
	case "birth_date":
		return u.BirthDate
	case "address":
		return u.Address
	case "entity_bin":
		return u.EntityBIN
	case "entity_name":
		return u.EntityName
	case "registered_at":
		if u.RegisteredAt.IsZero() {
			return ""
		}
		if u.RegisteredDateOnly {
			return u.RegisteredAt.Format("2006-01-02")
		}
		return u.RegisteredAt.Format(time.RFC3339)
	}
	for _, f := range u.Extra {
		if f.Name == key {
			return f.Value
		}
	}
	return ""
}

// PublicRecord is a piece of clause 1.1.3 data.
type PublicRecord struct {
	ID         int64
	Field      string
	Value      string
	Source     string
	LegalBasis string
	ObtainedAt time.Time
}

// AccessEntry is a clause 1.1.2 access-log row.
type AccessEntry struct {
	ID        int64
	At        time.Time
	IP        string
	CookieID  string
	UserAgent string
	Page      string
	// DateOnly: only the date is kept (a depersonalized record's row).
	DateOnly bool
}

// UserFilter narrows the records list.
type UserFilter struct {
	Blocked        bool  // only blocked
	Depersonalized bool  // only depersonalized
	Entity         bool  // only representatives of legal entities
	BatchID        int64 // only from this import batch
	// Order is the order of UserIDs (CountUsers ignores it).
	Order UserOrder
}

// UserOrder is the order of the records list.
type UserOrder int

const (
	// OrderByID is the order the records were created in (row ids):
	// the order of the exports, which list accounts by account id. The
	// cheapest to read; the zero value.
	OrderByID UserOrder = iota
	// OrderByName is alphabetical (the stored sort key, namekey.go:
	// Kazakh order, letters only, Cyrillic before Latin), then by
	// account id.
	OrderByName
	// OrderByAccountID is by account id exactly (a depersonalized
	// record's DP-… id sorts before the LC-… ones).
	OrderByAccountID
)

func (f UserFilter) where() (string, []any) {
	var w []string
	var args []any
	if f.Blocked {
		w = append(w, "blocked = 1")
	}
	if f.Depersonalized {
		w = append(w, "state = 'depersonalized'")
	}
	if f.Entity {
		w = append(w, "entity_bin IS NOT NULL")
	}
	// Each term is written exactly as its partial index's WHERE clause,
	// which is how SQLite recognises that the index applies.
	if f.BatchID > 0 {
		w, args = append(w, "batch_id = ?"), append(args, f.BatchID)
	}
	if len(w) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(w, " AND "), args
}

const summaryCols = `id, account_id, coalesce(full_name, ''), coalesce(iin, ''), coalesce(phone, ''), coalesce(email, ''), coalesce(entity_name, ''), state, blocked`

func scanSummary(s scanner, u *UserSummary) error {
	var state string
	if err := s.Scan(&u.ID, &u.AccountID, &u.FullName, &u.IIN, &u.Phone, &u.Email, &u.EntityName, &state, &u.Blocked); err != nil {
		return err
	}
	u.State = UserState(state)
	return nil
}

// UserIDs returns the ids of the users matching f, in f.Order. The
// records list keeps these (8 bytes a user) and loads rows as they scroll
// into view with UsersByID, so a million users never sit in memory.
//
// Without a filter each order is a walk of one index that holds the id
// (users_batch, users_name, the account id's unique index), never of the
// table, which spans the whole file. With a filter, its index finds the
// users; a few (filteredSortMax) are then sorted on their rows, many are
// picked out of the walk of the whole order's index — sorting half a
// million rows read from the table took ten times longer than the walk.
func (w *Workspace) UserIDs(ctx context.Context, f UserFilter) ([]int64, error) {
	ids, err := w.userIDs(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("records list: %w", err)
	}
	return ids, nil
}

// FirstUserIDs returns the first n ids of UserIDs(f) without reading
// the others: the records list shows its first page from these while the
// whole order is read (about a second at a million users). Without a
// filter it is a walk of the order's index that stops after n entries.
func (w *Workspace) FirstUserIDs(ctx context.Context, f UserFilter, n int) ([]int64, error) {
	where, _ := f.where()
	var ids []int64
	var err error
	switch {
	case where != "":
		ids, err = w.userIDs(ctx, f)
		if len(ids) > n {
			ids = ids[:n]
		}
	case orderWalks[f.Order] != "":
		ids, err = w.queryIDs(ctx, orderWalks[f.Order]+` LIMIT ?`, n)
		if isNoNameIndex(err, f.Order) {
			ids, err = w.queryIDs(ctx, byNameSorted+` LIMIT ?`, n)
		}
	default:
		ids, err = w.queryIDs(ctx, `SELECT id FROM users ORDER BY id LIMIT ?`, n)
	}
	if err != nil {
		return nil, fmt.Errorf("records list: %w", err)
	}
	return ids, nil
}

// filteredSortMax is the most filtered users sorted on their rows (a
// variable so that tests can take the other way with a few users).
var filteredSortMax = 20_000

// orderWalks read every id in an order by walking one index that holds
// the id, never the table.
var orderWalks = map[UserOrder]string{
	OrderByName:      `SELECT id FROM users INDEXED BY users_name ORDER BY name_key, account_id`,
	OrderByAccountID: `SELECT id FROM users INDEXED BY sqlite_autoindex_users_1 ORDER BY account_id`,
}

func (w *Workspace) userIDs(ctx context.Context, f UserFilter) ([]int64, error) {
	where, args := f.where()
	walk := orderWalks
	if where == "" {
		if q, ok := walk[f.Order]; ok {
			ids, err := w.queryIDs(ctx, q)
			if isNoNameIndex(err, f.Order) {
				return w.queryIDs(ctx, byNameSorted)
			}
			return ids, err
		}
		// The (batch_id, id) index holds every id in a few megabytes.
		// Read the index, sort after.
		ids, err := w.queryIDs(ctx, `SELECT id FROM users INDEXED BY users_batch`)
		if err == nil && !slices.IsSorted(ids) {
			slices.Sort(ids)
		}
		return ids, err
	}
	// The filter's own (partial) index, without an order that would
	// tempt the planner to walk a whole order's index instead.
	ids, err := w.queryIDs(ctx, `SELECT id FROM users`+where, args...)
	if err != nil {
		return nil, err
	}
	if !slices.IsSorted(ids) {
		slices.Sort(ids)
	}
	if _, ok := walk[f.Order]; !ok || len(ids) == 0 {
		return ids, nil // OrderByID
	}
	if len(ids) <= filteredSortMax {
		// «+» keeps the filter's index: sort the few rows it finds.
		order := ` ORDER BY +name_key, +account_id`
		if f.Order == OrderByAccountID {
			order = ` ORDER BY +account_id`
		}
		return w.queryIDs(ctx, `SELECT id FROM users`+where+order, args...)
	}
	rows, err := w.db.QueryContext(ctx, walk[f.Order])
	if isNoNameIndex(err, f.Order) {
		rows, err = w.db.QueryContext(ctx, byNameSorted)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]int64, 0, len(ids))
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		if _, ok := slices.BinarySearch(ids, id); ok {
			out = append(out, id)
		}
	}
	return out, rows.Err()
}

// While a large import runs, users_name may be missing until its last
// chunk (deferindex.go): the name order is then sorted.
const byNameSorted = `SELECT id FROM users ORDER BY name_key, account_id`

func isNoNameIndex(err error, o UserOrder) bool {
	return err != nil && o == OrderByName && strings.Contains(err.Error(), "no such index: users_name")
}

// UsersByID loads summaries for ids, in the order given; ids with no row
// (destroyed meanwhile) are left out.
func (w *Workspace) UsersByID(ctx context.Context, ids []int64) ([]UserSummary, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ph := strings.Repeat(",?", len(ids))[1:]
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := w.db.QueryContext(ctx, `SELECT `+summaryCols+` FROM users WHERE id IN (`+ph+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[int64]UserSummary, len(ids))
	for rows.Next() {
		var u UserSummary
		if err := scanSummary(rows, &u); err != nil {
			return nil, err
		}
		byID[u.ID] = u
	}
	out := make([]UserSummary, 0, len(ids))
	for _, id := range ids {
		if u, ok := byID[id]; ok {
			out = append(out, u)
		}
	}
	return out, rows.Err()
}

// CountUsers counts users matching f.
func (w *Workspace) CountUsers(ctx context.Context, f UserFilter) (int, error) {
	where, args := f.where()
	var n int
	err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM users`+where, args...).Scan(&n)
	return n, err
}

// GetUser loads everything about one user by account id.
func (w *Workspace) GetUser(ctx context.Context, accountID string) (*User, error) {
	return w.getUser(ctx, w.db, accountID)
}

type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func (w *Workspace) getUser(ctx context.Context, q querier, accountID string) (*User, error) {
	u := &User{}
	var reg, created, updated sql.NullString
	var birth, addr, bin sql.NullString
	var batch sql.NullInt64
	var state string
	err := q.QueryRowContext(ctx, `SELECT id, account_id, coalesce(full_name, ''), coalesce(iin, ''), coalesce(phone, ''), coalesce(email, ''),
		coalesce(entity_name, ''), state, blocked, account_status, registered_at, birth_date, address, entity_bin, batch_id, created_at, updated_at
		FROM users WHERE account_id = ?`, accountID).
		Scan(&u.ID, &u.AccountID, &u.FullName, &u.IIN, &u.Phone, &u.Email, &u.EntityName, &state, &u.Blocked,
			&u.AccountStatus, &reg, &birth, &addr, &bin, &batch, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("user %s: %w", accountID, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	u.State = UserState(state)
	u.RegisteredAt, u.RegisteredDateOnly = parseStamp(reg.String)
	u.CreatedAt, _ = time.Parse(time.RFC3339Nano, created.String)
	u.UpdatedAt, _ = time.Parse(time.RFC3339Nano, updated.String)
	u.BirthDate, u.Address, u.EntityBIN, u.BatchID = birth.String, addr.String, bin.String, batch.Int64
	rows, err := q.QueryContext(ctx, `SELECT name, value FROM user_fields WHERE user_id = ? ORDER BY name`, u.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var f exportfile.Field
		if err := rows.Scan(&f.Name, &f.Value); err != nil {
			rows.Close()
			return nil, err
		}
		u.Extra = append(u.Extra, f)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT id, field, value, source, legal_basis, obtained_at FROM public_data WHERE user_id = ? ORDER BY id`, u.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p PublicRecord
		var at string
		if err := rows.Scan(&p.ID, &p.Field, &p.Value, &p.Source, &p.LegalBasis, &at); err != nil {
			rows.Close()
			return nil, err
		}
		p.ObtainedAt, _ = time.Parse(time.RFC3339Nano, at)
		u.Public = append(u.Public, p)
	}
	rows.Close()
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM access_log WHERE user_id = ?`, u.ID).Scan(&u.AccessCount); err != nil {
		return nil, err
	}
	return u, nil
}

// AccessLog pages through a user's access log, newest first: pass the
// last seen entry's id as before (0 for the first page).
func (w *Workspace) AccessLog(ctx context.Context, userID, before int64, limit int) ([]AccessEntry, error) {
	if limit <= 0 {
		limit = 50
	}
	q := `SELECT id, at, ip, cookie_id, user_agent, page FROM access_log WHERE user_id = ?`
	args := []any{userID}
	if before > 0 {
		q, args = q+` AND id < ?`, append(args, before)
	}
	rows, err := w.db.QueryContext(ctx, q+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AccessEntry
	for rows.Next() {
		var a AccessEntry
		var at string
		if err := rows.Scan(&a.ID, &at, &a.IP, &a.CookieID, &a.UserAgent, &a.Page); err != nil {
			return nil, err
		}
		a.At, a.DateOnly = parseStamp(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// searchKeys are a user's keys in the search index (searchindex.go).
func searchKeys(fullName, iin, phone, email string) []string {
	tokens := nameTokens(fullName)
	keys := make([]string, 0, 2*len(tokens)+3)
	for _, t := range tokens {
		wk := tokenKeysOf(t)
		keys = append(keys, wk.n)
		if wk.t != "" {
			keys = append(keys, wk.t)
		}
	}
	if iin != "" {
		keys = append(keys, "i "+iin)
	}
	if phone != "" {
		keys = append(keys, "p "+strings.TrimPrefix(phone, "+"))
	}
	if email != "" {
		keys = append(keys, "e "+strings.ToLower(email))
	}
	if len(keys) == 0 {
		return nil // as before the cache
	}
	return keys
}

// tokenKeys are the search keys of one name word: "n word" and, when
// the word's skeleton is not the word itself, "t skeleton" (the spelling
// under which the typings of the word meet; see kz.Skeleton and Search).
type tokenKeys struct{ n, t string }

func makeTokenKeys(t string) tokenKeys {
	wk := tokenKeys{n: "n " + t}
	if s := kz.Skeleton(t); s != t && s != "" {
		wk.t = "t " + s
	}
	return wk
}

// tokenKeyCache keeps the keys of the words seen: the skeleton and the
// two strings of each word were a good part of the import reader's work
// (wordcache.go).
var tokenKeyCache wordCache[tokenKeys]

func tokenKeysOf(t string) tokenKeys {
	if wk, ok := tokenKeyCache.get(t); ok {
		return wk
	}
	wk := makeTokenKeys(t)
	tokenKeyCache.put(t, wk)
	return wk
}

// userKeys reads the values a user's search keys come from.
func userKeys(ctx context.Context, tx *sql.Tx, userID int64) ([]string, error) {
	var name, iin, phone, email sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT full_name, iin, phone, email FROM users WHERE id = ?`, userID).Scan(&name, &iin, &phone, &email)
	if err != nil {
		return nil, err
	}
	return searchKeys(name.String, iin.String, phone.String, email.String), nil
}

// without returns the keys of a that are not in b.
func without(a, b []string) []string {
	var out []string
	for _, k := range a {
		if !slices.Contains(b, k) {
			out = append(out, k)
		}
	}
	return out
}

// nameTokens are the search words of a full name.
func nameTokens(fullName string) []string {
	f := kz.Fold(fullName)
	words := strings.FieldsFunc(f, func(r rune) bool {
		return r == ' ' || r == '-' || r == '.' || r == ',' || r == '\'' || r == '"' || r == '«' || r == '»' || r == '(' || r == ')'
	})
	seen := map[string]bool{}
	out := words[:0]
	for _, t := range words {
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}
