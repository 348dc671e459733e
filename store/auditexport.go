package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"legco.kz/compliance/store/auditchain"
)

// PackSnapshot is a read-only view of the workspace at one moment, for
// the offline audit pack: every query of the pack sees the same state, so
// a change made while a pack is being built can neither tear it nor make
// two packs of the same head differ. It changes nothing and writes no
// audit entry, so auditors may pack, and it takes no lock that stops
// others from writing meanwhile.
//
// It reads in two transactions on two connections: the audit entries
// stream on one, the counts and staff queries (whole-table scans) run on
// the other, so a part or a later change can read beside a stream (one
// SQLite connection runs one statement step at a time). Both see the same
// state: every change writes an audit entry in its own transaction, so
// two snapshots with the same chain head hold the same data.
type PackSnapshot struct {
	w    *Workspace
	tx   packQuerier // the main read transaction's connection
	aux  packQuerier // the counts' (tx itself when no second connection was free)
	main *sql.Conn
	side *sql.Conn // nil when aux is tx
	// Head is the audit-chain head of the snapshot, HeadAt its time
	// (zero for an empty chain).
	Head   AuditHead
	HeadAt time.Time
}

type packQuerier interface {
	querier
	PrepareContext(ctx context.Context, q string) (*sql.Stmt, error)
}

// PackSnapshot opens a snapshot; Close it when the pack is done.
func (w *Workspace) PackSnapshot(ctx context.Context) (*PackSnapshot, error) {
	for attempt := 0; ; attempt++ {
		s, moved, err := w.packSnapshot(ctx)
		if !moved || attempt == 5 {
			return s, err
		}
	}
}

func readHead(ctx context.Context, q querier) (AuditHead, time.Time, error) {
	h := AuditHead{Hash: GenesisHash}
	var at string
	err := q.QueryRowContext(ctx, `SELECT seq, hash, at FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&h.Seq, &h.Hash, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return h, time.Time{}, nil
	}
	t, _ := time.Parse(time.RFC3339Nano, at)
	return h, t, err
}

// beginRead starts a deferred transaction on conn: its first SELECT fixes
// a read snapshot (WAL), and writers are not held up. (database/sql's
// BeginTx would run the workspace's BEGIN IMMEDIATE, the write lock.)
func beginRead(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, `BEGIN DEFERRED`)
	return err
}

func endRead(conn *sql.Conn) error {
	_, err := conn.ExecContext(context.Background(), `ROLLBACK`)
	return errors.Join(err, conn.Close())
}

// packSnapshot opens both transactions; moved reports that a change
// landed between their first reads (try again).
func (w *Workspace) packSnapshot(ctx context.Context) (*PackSnapshot, bool, error) {
	main, err := w.db.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("audit pack: %w", err)
	}
	// A second connection if one is free soon (taken before any
	// transaction starts); otherwise everything runs on the first.
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	side, err := w.db.Conn(cctx)
	cancel()
	if err != nil {
		side = nil
	}
	fail := func(err error) (*PackSnapshot, bool, error) {
		main.Close()
		if side != nil {
			side.Close()
		}
		return nil, false, fmt.Errorf("audit pack: start reading: %w", err)
	}
	if err := beginRead(ctx, main); err != nil {
		return fail(err)
	}
	s := &PackSnapshot{w: w, tx: main, aux: main, main: main}
	if s.Head, s.HeadAt, err = readHead(ctx, main); err != nil {
		endRead(main)
		if side != nil {
			side.Close()
		}
		return nil, false, fmt.Errorf("audit pack: read the chain head: %w", err)
	}
	if side == nil {
		return s, false, nil
	}
	if err := beginRead(ctx, side); err != nil {
		side.Close()
		return s, false, nil
	}
	h, _, err := readHead(ctx, side)
	if err != nil || h != s.Head {
		endRead(side)
		endRead(main)
		if err != nil {
			return nil, false, fmt.Errorf("audit pack: read the chain head: %w", err)
		}
		return nil, true, nil
	}
	s.aux, s.side = side, side
	return s, false, nil
}

// Close ends the snapshot.
func (s *PackSnapshot) Close() error {
	err := endRead(s.main)
	if s.side != nil {
		err = errors.Join(err, endRead(s.side))
	}
	return err
}

// Concurrent reports whether the snapshot reads on two connections, so
// that the counts (DataCounts, StaffWithActs, AuditSubjects excepted) may
// run while entries stream (StreamAudit) in another goroutine.
func (s *PackSnapshot) Concurrent() bool { return s.side != nil }

// WorkspaceID is the workspace's id (from its key slots).
func (s *PackSnapshot) WorkspaceID() string { return s.w.WorkspaceID() }

// Location is the workspace's time zone.
func (s *PackSnapshot) Location() *time.Location { return s.w.Location() }

// Operator reads the operator's details.
func (s *PackSnapshot) Operator(ctx context.Context) (Operator, error) { return s.w.Operator(ctx) }

// AuditRecord is an audit entry as stored: the hashed fields as text
// (auditchain.Fields) with the entry's prev_hash and hash. It carries no
// personal-data payload, only the payload's digest.
type AuditRecord struct {
	auditchain.Fields
	PrevHash, Hash string
}

// AuditRange is the part of the chain a period covers: the entries with
// seq First…Last (contiguous, so the chain can be recomputed inside the
// range even if a clock went backwards) and the entry just before it.
type AuditRange struct {
	From, To    time.Time // the period, To exclusive; zero: open-ended
	First, Last int64     // 0, 0 when the period has no entries
	Count       int64     // Last-First+1
	// Before is the entry before First (seq 0 and the genesis hash when
	// First is the chain's first entry). Its hash is First's prev_hash.
	Before AuditHead
}

// Empty reports whether the period has no entries.
func (r AuditRange) Empty() bool { return r.Count == 0 }

// AuditRange finds the entries of [from, to) (zero times: open ends).
func (s *PackSnapshot) AuditRange(ctx context.Context, from, to time.Time) (AuditRange, error) {
	r := AuditRange{From: from, To: to, Before: AuditHead{Hash: GenesisHash}}
	var where []string
	var args []any
	if !from.IsZero() {
		where, args = append(where, "at >= ?"), append(args, from.UTC().Format(auditTimeFormat))
	}
	if !to.IsZero() {
		where, args = append(where, "at < ?"), append(args, to.UTC().Format(auditTimeFormat))
	}
	q := `SELECT coalesce(min(seq), 0), coalesce(max(seq), 0) FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if err := s.tx.QueryRowContext(ctx, q, args...).Scan(&r.First, &r.Last); err != nil {
		return r, fmt.Errorf("audit pack: find the period's entries: %w", err)
	}
	if r.First == 0 {
		// No entry in the period: the pack still pins where the chain
		// stood, the last entry before the period's end.
		q := `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`
		var a []any
		if !to.IsZero() {
			q, a = `SELECT seq, hash FROM audit_log WHERE at < ? ORDER BY seq DESC LIMIT 1`, []any{to.UTC().Format(auditTimeFormat)}
		}
		err := s.tx.QueryRowContext(ctx, q, a...).Scan(&r.Before.Seq, &r.Before.Hash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return r, err
		}
		return r, nil
	}
	r.Count = r.Last - r.First + 1
	if r.First > 1 {
		err := s.tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log WHERE seq = ?`, r.First-1).Scan(&r.Before.Seq, &r.Before.Hash)
		if errors.Is(err, sql.ErrNoRows) {
			// A gap: take the first entry's own link so verification in
			// the pack shows the same break the workspace would.
			err = s.tx.QueryRowContext(ctx, `SELECT prev_hash FROM audit_log WHERE seq = ?`, r.First).Scan(&r.Before.Hash)
			r.Before.Seq = r.First - 1
		}
		if err != nil {
			return r, fmt.Errorf("audit pack: read the entry before #%d: %w", r.First, err)
		}
	}
	return r, nil
}

// StreamAudit calls fn for every entry with first ≤ seq ≤ last, in seq
// order, reusing one record (copy what you keep). It holds one row at a
// time, whatever the size of the log.
func (s *PackSnapshot) StreamAudit(ctx context.Context, first, last int64, fn func(*AuditRecord) error) error {
	rows, err := s.tx.QueryContext(ctx, `SELECT seq, at, staff, role, action, object, reason, details, personal_sha256, prev_hash, hash
		FROM audit_log WHERE seq BETWEEN ? AND ? ORDER BY seq`, first, last)
	if err != nil {
		return fmt.Errorf("audit pack: read entries #%d–#%d: %w", first, last, err)
	}
	defer rows.Close()
	var r AuditRecord
	f := &r.Fields
	for rows.Next() {
		if err := rows.Scan(&f.Seq, &f.At, &f.Staff, &f.Role, &f.Action, &f.Object, &f.Reason, &f.Details, &f.PersonalSHA256, &r.PrevHash, &r.Hash); err != nil {
			return fmt.Errorf("audit pack: read entry after #%d: %w", f.Seq, err)
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// PackStaff is a staff member who had access at some moment of a period,
// with the roles they acted under in it.
type PackStaff struct {
	Staff
	RemovedAt time.Time // zero: still has access
	// Acted counts the period's audit entries per role the member had
	// when making them.
	Acted map[Role]int64
}

// StaffRole is a staff member's name and a role they made entries under.
type StaffRole struct{ Staff, Role string }

// StaffOverPeriod lists the members who had access at some moment of
// [from, to) (zero times: open ends), by name, and the roles they acted
// under in entries first…last (counted here with one GROUP BY; the pack
// counts them while it streams the entries and calls StaffWithActs).
func (s *PackSnapshot) StaffOverPeriod(ctx context.Context, from, to time.Time, first, last int64) ([]PackStaff, error) {
	acted := map[StaffRole]int64{}
	if first > 0 {
		rows, err := s.aux.QueryContext(ctx, `SELECT staff, role, count(*) FROM audit_log WHERE seq BETWEEN ? AND ? GROUP BY staff, role`, first, last)
		if err != nil {
			return nil, fmt.Errorf("audit pack: roles in the period: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var k StaffRole
			var n int64
			if err := rows.Scan(&k.Staff, &k.Role, &n); err != nil {
				return nil, err
			}
			acted[k] += n
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return s.StaffWithActs(ctx, from, to, acted)
}

// StaffWithActs lists the members who had access at some moment of
// [from, to), by name, with acted: the period's entries counted per
// member and role by the caller.
func (s *PackSnapshot) StaffWithActs(ctx context.Context, from, to time.Time, acted map[StaffRole]int64) ([]PackStaff, error) {
	rows, err := s.aux.QueryContext(ctx, `SELECT `+staffCols+` FROM staff ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("audit pack: staff: %w", err)
	}
	var out []PackStaff
	byName := map[string]int{}
	for rows.Next() {
		var p PackStaff
		var created string
		var removed sql.NullString
		if err := rows.Scan(&p.ID, &p.Name, &p.Role, &created, &p.CreatedBy, &removed, &p.FullName, &p.Position); err != nil {
			rows.Close()
			return nil, err
		}
		p.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
		if removed.Valid {
			p.Removed = true
			p.RemovedAt, _ = time.Parse(time.RFC3339Nano, removed.String)
		}
		if !to.IsZero() && !p.CreatedAt.Before(to) || !from.IsZero() && p.Removed && p.RemovedAt.Before(from) {
			continue
		}
		p.Acted = map[Role]int64{}
		byName[p.Name] = len(out)
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// In (staff, role) order, as the GROUP BY gave them: a member listed
	// from the entries alone takes the first role's name.
	keys := make([]StaffRole, 0, len(acted))
	for k := range acted {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Staff != keys[j].Staff {
			return keys[i].Staff < keys[j].Staff
		}
		return keys[i].Role < keys[j].Role
	})
	for _, k := range keys {
		n := acted[k]
		i, ok := byName[k.Staff]
		if !ok {
			// Acted in the period but no longer in the table's window
			// (e.g. removed and re-added later): list them anyway.
			i = len(out)
			byName[k.Staff] = i
			out = append(out, PackStaff{Staff: Staff{Name: k.Staff, Role: Role(k.Role)}, Acted: map[Role]int64{}})
		}
		out[i].Acted[Role(k.Role)] += n
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// CategoryCount is how many records of one kind of personal data the
// workspace holds.
type CategoryCount struct {
	Category   string // "1.1.1", "1.1.2", "1.1.3"
	Key        string // field key, "access_log", or "field/source/legal basis" for 1.1.3
	EN, RU, KK string
	Count      int64
	// InPeriod counts the rows dated in the period; -1: not counted.
	InPeriod int64
}

// UserCounts are the users by state.
type UserCounts struct {
	Total, Active, Depersonalized, Blocked, Entities, Destroyed int64
}

// DataCounts counts the personal data held, by the categories of clause
// 1.1 (1.1.1 per field, 1.1.2 access-log rows, 1.1.3 per field, source and
// legal basis), and the users by state. Each table is read once.
func (s *PackSnapshot) DataCounts(ctx context.Context) (UserCounts, []CategoryCount, error) {
	var u UserCounts
	cols := []string{"count(*)", "coalesce(sum(state = 'active'), 0)", "coalesce(sum(state = 'depersonalized'), 0)", "coalesce(sum(blocked), 0)", "count(entity_bin)"}
	var fields []FieldDef
	for _, f := range FieldCatalog {
		fields = append(fields, f)
		cols = append(cols, fmt.Sprintf("count(nullif(%s, ''))", f.Key))
	}
	dest := []any{&u.Total, &u.Active, &u.Depersonalized, &u.Blocked, &u.Entities}
	counts := make([]int64, len(fields))
	for i := range counts {
		dest = append(dest, &counts[i])
	}
	if err := s.aux.QueryRowContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM users`).Scan(dest...); err != nil {
		return u, nil, fmt.Errorf("audit pack: count users: %w", err)
	}
	if err := s.aux.QueryRowContext(ctx, `SELECT count(*) FROM tombstones`).Scan(&u.Destroyed); err != nil {
		return u, nil, fmt.Errorf("audit pack: count destructions: %w", err)
	}
	var out []CategoryCount
	for i, f := range fields {
		out = append(out, CategoryCount{Category: "1.1.1", Key: f.Key, EN: f.EN, RU: f.RU, KK: f.KK, Count: counts[i], InPeriod: -1})
	}
	// Counted in Go, not with GROUP BY: SQLite sorts every row to group
	// them (ten times the cost of reading them, measured at 100,000
	// users), and there are only a handful of groups.
	extra, err := s.countGroups(ctx, `SELECT name FROM user_fields`)
	if err != nil {
		return u, nil, fmt.Errorf("audit pack: count extra fields: %w", err)
	}
	for _, g := range extra {
		out = append(out, CategoryCount{Category: "1.1.1", Key: g.key, EN: g.key, RU: g.key, KK: g.key, Count: g.n, InPeriod: -1})
	}
	// The total only: counting the rows of the period would read every
	// row of the largest table (five a user), where count(*) only walks
	// the b-tree's pages.
	acc := CategoryCount{Category: "1.1.2", Key: "access_log", EN: "Access-log rows (IP address, cookie, browser, pages)",
		RU: "Записи журнала доступа (IP-адрес, cookie, браузер, страницы)", KK: "Қатынау журналының жазбалары (IP-мекенжай, cookie, браузер, беттер)", InPeriod: -1}
	if err := s.aux.QueryRowContext(ctx, `SELECT count(*) FROM access_log`).Scan(&acc.Count); err != nil {
		return u, nil, fmt.Errorf("audit pack: count the access log: %w", err)
	}
	out = append(out, acc)
	// One text per row, each part prefixed by its length, so the groups
	// split back exactly whatever the texts hold.
	pub, err := s.countGroups(ctx, `SELECT length(CAST(field AS BLOB)) || ':' || field || length(CAST(source AS BLOB)) || ':' || source || legal_basis FROM public_data`)
	if err != nil {
		return u, nil, fmt.Errorf("audit pack: count public-source data: %w", err)
	}
	type pubGroup struct {
		field, source, basis string
		n                    int64
	}
	var groups []pubGroup
	for _, g := range pub {
		field, rest := cutCounted(g.key)
		source, basis := cutCounted(rest)
		groups = append(groups, pubGroup{field, source, basis, g.n})
	}
	// The order of the GROUP BY this replaces.
	sort.Slice(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		if a.field != b.field {
			return a.field < b.field
		}
		if a.source != b.source {
			return a.source < b.source
		}
		return a.basis < b.basis
	})
	for _, g := range groups {
		key := g.field + " / " + g.source + " / " + g.basis
		out = append(out, CategoryCount{Category: "1.1.3", Key: key, EN: key, RU: key, KK: key, Count: g.n, InPeriod: -1})
	}
	return u, out, nil
}

type groupCount struct {
	key string
	n   int64
}

// countGroups counts the rows of a one-column query by value, sorted by
// value. The column is read as raw bytes: no string is made for a row
// whose value was seen before.
func (s *PackSnapshot) countGroups(ctx context.Context, q string) ([]groupCount, error) {
	rows, err := s.aux.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := map[string]int64{}
	var raw sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		counts[string(raw)]++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]groupCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, groupCount{k, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out, nil
}

// cutCounted splits "N:" + N bytes from the front of s.
func cutCounted(s string) (head, rest string) {
	n, after, ok := strings.Cut(s, ":")
	if !ok {
		return s, ""
	}
	k, err := strconv.Atoi(n)
	if err != nil || k > len(after) {
		return s, ""
	}
	return after[:k], after[k:]
}

// AuditSubjects lists the account ids of the users that entries
// first…last are about (objects "user:…"), sorted.
func (s *PackSnapshot) AuditSubjects(ctx context.Context, first, last int64) ([]string, error) {
	rows, err := s.tx.QueryContext(ctx, `SELECT DISTINCT substr(object, 6) FROM audit_log
		WHERE seq BETWEEN ? AND ? AND object >= 'user:' AND object < 'user;' ORDER BY 1`, first, last)
	if err != nil {
		return nil, fmt.Errorf("audit pack: subjects: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// SubjectName is a user's account id and full name as held now; Held is
// false when the record was destroyed, Depersonalized when the name was
// replaced.
type SubjectName struct {
	AccountID, FullName  string
	Held, Depersonalized bool
}

// SubjectNames looks up the names of the given account ids, in order.
// Personal data: only for packs made with personal data.
func (s *PackSnapshot) SubjectNames(ctx context.Context, ids []string) ([]SubjectName, error) {
	st, err := s.tx.PrepareContext(ctx, `SELECT coalesce(full_name, ''), state FROM users WHERE account_id = ?`)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	out := make([]SubjectName, 0, len(ids))
	for _, id := range ids {
		n := SubjectName{AccountID: id}
		var state string
		err := st.QueryRowContext(ctx, id).Scan(&n.FullName, &state)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return nil, fmt.Errorf("audit pack: name of %s: %w", id, err)
		default:
			n.Held, n.Depersonalized = true, state == string(StateDepersonalized)
		}
		out = append(out, n)
	}
	return out, nil
}

// EditionsInForce lists the published (or since retired) policy editions
// in force at some moment of [from, to), oldest first, with their
// content: an edition is in force from its effective date until the next
// edition's.
func (s *PackSnapshot) EditionsInForce(ctx context.Context, from, to time.Time) ([]*Edition, error) {
	rows, err := s.tx.QueryContext(ctx, `SELECT number FROM policy_editions WHERE status != 'draft' AND effective_on IS NOT NULL ORDER BY effective_on, number`)
	if err != nil {
		return nil, fmt.Errorf("audit pack: policy editions: %w", err)
	}
	var nums []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		nums = append(nums, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var eds []*Edition
	for _, n := range nums {
		e, err := s.w.policyEdition(ctx, s.tx, n)
		if err != nil {
			return nil, err
		}
		eds = append(eds, e)
	}
	var out []*Edition
	for i, e := range eds {
		start := e.EffectiveOn
		var end time.Time // exclusive; zero: still in force
		if i+1 < len(eds) {
			end = eds[i+1].EffectiveOn
		}
		if !to.IsZero() && !start.Before(to) {
			continue
		}
		if !from.IsZero() && !end.IsZero() && !end.After(from) {
			continue
		}
		if !end.IsZero() && !end.After(start) {
			continue // superseded on its first day
		}
		out = append(out, e)
	}
	return out, nil
}

// Workspace is the snapshot's workspace, for queries of parts of a pack
// that the snapshot does not offer (they read the current state).
func (s *PackSnapshot) Workspace() *Workspace { return s.w }
