package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"
)

// BacklogCount is how many users' latest accepted edition is Edition.
type BacklogCount struct {
	Edition int
	Users   int
}

// ConsentBacklog is the re-consent backlog: users whose latest acceptance
// of the policy (purpose "policy", state given) is of an edition older
// than the one in force. Users who withdrew their acceptance are not in
// it (they are no longer users of the service under any edition).
type ConsentBacklog struct {
	Current   int // the edition in force, 0 when none is published
	Accepted  int // users whose acceptance is of the edition in force
	ByEdition []BacklogCount
	Total     int
}

// ConsentBacklog counts the backlog per edition from the current-state
// counters (a few rows, whatever the number of users).
func (w *Workspace) ConsentBacklog(ctx context.Context) (*ConsentBacklog, error) {
	b := &ConsentBacklog{}
	var err error
	if b.Current, err = w.PublishedEdition(ctx); err != nil {
		return nil, err
	}
	rows, err := w.db.QueryContext(ctx, `SELECT edition, sum(n) FROM consent_state_counts
		WHERE purpose = 'policy' AND state = 'given' GROUP BY edition HAVING sum(n) > 0 ORDER BY edition`)
	if err != nil {
		return nil, fmt.Errorf("consent backlog: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c BacklogCount
		if err := rows.Scan(&c.Edition, &c.Users); err != nil {
			return nil, err
		}
		if c.Edition >= b.Current {
			b.Accepted += c.Users
			continue
		}
		b.ByEdition = append(b.ByEdition, c)
		b.Total += c.Users
	}
	return b, rows.Err()
}

// ConsentBacklogIDs lists the user ids (for UsersByID) in the backlog of
// edition, or of every older edition when edition is 0, ordered by
// edition and then id (so row k of a list belongs to the edition whose
// cumulative ConsentBacklog count passes k).
func (w *Workspace) ConsentBacklogIDs(ctx context.Context, edition int) ([]int64, error) {
	cur, err := w.PublishedEdition(ctx)
	if err != nil {
		return nil, err
	}
	if edition > 0 {
		return w.queryIDs(ctx, `SELECT user_id FROM consent_state INDEXED BY consent_state_edition
			WHERE purpose = 'policy' AND state = 'given' AND edition = ? AND edition < ? ORDER BY user_id`, edition, cur)
	}
	rows, err := w.db.QueryContext(ctx, `SELECT edition, user_id FROM consent_state INDEXED BY consent_state_edition
		WHERE purpose = 'policy' AND state = 'given' AND edition < ?`, cur)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type pair struct {
		ed int
		id int64
	}
	var ps []pair
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.ed, &p.id); err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].ed != ps[j].ed {
			return ps[i].ed < ps[j].ed
		}
		return ps[i].id < ps[j].id
	})
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.id
	}
	return ids, nil
}

// ConsentFilter selects consent events and states for reports and
// lists. Zero fields match everything. From and To are days in the
// workspace time zone, both included.
type ConsentFilter struct {
	Edition  int
	Purpose  string
	Channel  string
	From, To time.Time
}

// Describe is the filter in words, for the header of a report.
func (f ConsentFilter) Describe() string {
	var parts []string
	if f.Edition > 0 {
		parts = append(parts, fmt.Sprintf("edition=%d", f.Edition))
	}
	if f.Purpose != "" {
		parts = append(parts, "purpose="+f.Purpose)
	}
	if f.Channel != "" {
		parts = append(parts, "channel="+f.Channel)
	}
	if !f.From.IsZero() {
		parts = append(parts, "from="+f.From.Format(dateOnly))
	}
	if !f.To.IsZero() {
		parts = append(parts, "to="+f.To.Format(dateOnly))
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, ", ")
}

// ConsentFigures are the numbers of one row of the aggregate report:
// events in the period, and users whose latest event now is "given".
type ConsentFigures struct {
	Given, Withdrawn, Expired int
	Current                   int
}

func (f *ConsentFigures) add(event string, n int) {
	switch ConsentEventKind(event) {
	case ConsentGiven:
		f.Given += n
	case ConsentWithdrawn:
		f.Withdrawn += n
	case ConsentExpired:
		f.Expired += n
	}
}

// ConsentReportRow is one edition and purpose, with its figures in total
// and by channel and by language.
type ConsentReportRow struct {
	Edition    int
	Purpose    string
	Total      ConsentFigures
	ByChannel  map[string]*ConsentFigures
	ByLanguage map[string]*ConsentFigures
}

// ConsentReportData is what the aggregate consent report prints.
type ConsentReportData struct {
	Filter      ConsentFilter
	GeneratedAt time.Time
	GeneratedBy Staff
	Head        AuditHead
	Operator    Operator
	Editions    map[int]Edition // the editions the rows name
	Catalog     map[int][]ConsentPurpose
	Rows        []ConsentReportRow // by edition, then catalog order
	Backlog     *ConsentBacklog
}

// ConsentReport gathers the aggregate report's figures: event counts of
// the period from the daily counters, current states from the
// current-state index, the backlog. at is the moment printed as the
// generation time (the caller's clock, so that a test can fix it).
func (w *Workspace) ConsentReport(ctx context.Context, f ConsentFilter, at time.Time) (*ConsentReportData, error) {
	d := &ConsentReportData{Filter: f, GeneratedAt: at, GeneratedBy: w.me, Editions: map[int]Edition{}, Catalog: map[int][]ConsentPurpose{}}
	var err error
	if d.GeneratedBy, err = w.StaffMember(ctx, w.me.Name); err != nil {
		d.GeneratedBy = w.me
	}
	if d.Head, err = w.AuditHead(ctx); err != nil {
		return nil, err
	}
	if d.Operator, err = w.Operator(ctx); err != nil {
		return nil, err
	}
	rows := map[[2]string]*ConsentReportRow{}
	row := func(edition int, purpose string) *ConsentReportRow {
		k := [2]string{fmt.Sprint(edition), purpose}
		r, ok := rows[k]
		if !ok {
			r = &ConsentReportRow{Edition: edition, Purpose: purpose, ByChannel: map[string]*ConsentFigures{}, ByLanguage: map[string]*ConsentFigures{}}
			rows[k] = r
		}
		return r
	}
	part := func(m map[string]*ConsentFigures, k string) *ConsentFigures {
		if m[k] == nil {
			m[k] = &ConsentFigures{}
		}
		return m[k]
	}
	where, args := []string{"1=1"}, []any{}
	if f.Edition > 0 {
		where, args = append(where, "edition = ?"), append(args, f.Edition)
	}
	if f.Purpose != "" {
		where, args = append(where, "purpose = ?"), append(args, f.Purpose)
	}
	if f.Channel != "" {
		where, args = append(where, "channel = ?"), append(args, f.Channel)
	}
	dw, dargs := append([]string(nil), where...), append([]any(nil), args...)
	if !f.From.IsZero() {
		dw, dargs = append(dw, "day >= ?"), append(dargs, f.From.Format(dateOnly))
	}
	if !f.To.IsZero() {
		dw, dargs = append(dw, "day <= ?"), append(dargs, f.To.Format(dateOnly))
	}
	// With the events of an import not yet in consent_daily (listed in
	// consent_uncounted, see consents_daily.go) counted from the ledger.
	uq, uargs := w.uncountedDaily(where, args, f.From, f.To)
	q, err := w.db.QueryContext(ctx, `SELECT edition, purpose, event, channel, language, sum(n) FROM (
		SELECT edition, purpose, event, channel, language, n FROM consent_daily WHERE `+strings.Join(dw, " AND ")+`
		UNION ALL `+uq+`)
		GROUP BY edition, purpose, event, channel, language`, append(dargs, uargs...)...)
	if err != nil {
		return nil, fmt.Errorf("consent report: %w", err)
	}
	for q.Next() {
		var ed, n int
		var p, ev, ch, lang string
		if err := q.Scan(&ed, &p, &ev, &ch, &lang, &n); err != nil {
			q.Close()
			return nil, err
		}
		r := row(ed, p)
		r.Total.add(ev, n)
		part(r.ByChannel, ch).add(ev, n)
		part(r.ByLanguage, lang).add(ev, n)
	}
	q.Close()
	if err := q.Err(); err != nil {
		return nil, err
	}
	sw := append([]string{"state = 'given'"}, where[1:]...)
	q, err = w.db.QueryContext(ctx, `SELECT edition, purpose, channel, language, n FROM consent_state_counts WHERE `+
		strings.Join(sw, " AND ")+` AND n > 0`, args...)
	if err != nil {
		return nil, fmt.Errorf("consent report: %w", err)
	}
	for q.Next() {
		var ed, n int
		var p, ch, lang string
		if err := q.Scan(&ed, &p, &ch, &lang, &n); err != nil {
			q.Close()
			return nil, err
		}
		r := row(ed, p)
		r.Total.Current += n
		part(r.ByChannel, ch).Current += n
		part(r.ByLanguage, lang).Current += n
	}
	q.Close()
	if err := q.Err(); err != nil {
		return nil, err
	}
	eds, err := w.PolicyEditions(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range eds {
		d.Editions[e.Number] = e
	}
	order := map[[2]string]int{}
	for _, r := range rows {
		if _, ok := d.Catalog[r.Edition]; !ok {
			if d.Catalog[r.Edition], err = w.ConsentCatalog(ctx, r.Edition); err != nil {
				return nil, err
			}
			for _, p := range d.Catalog[r.Edition] {
				order[[2]string{fmt.Sprint(r.Edition), p.Code}] = p.Position
			}
		}
		d.Rows = append(d.Rows, *r)
	}
	sort.Slice(d.Rows, func(i, j int) bool {
		a, b := d.Rows[i], d.Rows[j]
		if a.Edition != b.Edition {
			return a.Edition < b.Edition
		}
		pa, pb := order[[2]string{fmt.Sprint(a.Edition), a.Purpose}], order[[2]string{fmt.Sprint(b.Edition), b.Purpose}]
		if pa != pb {
			return pa < pb
		}
		return a.Purpose < b.Purpose
	})
	if d.Backlog, err = w.ConsentBacklog(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// ConsentStateRow is one user's current state for one purpose, as the
// CSV export writes it.
type ConsentStateRow struct {
	AccountID string
	Purpose   string
	State     ConsentEventKind
	Edition   int
	Channel   string
	Language  string
	At        time.Time
}

// EachConsentState streams the current states matching f (From and To
// bound the time of the latest event) in user order, calling fn for each;
// it holds one row and the table of account ids by user id (about 26 MB
// at a million users), never the states.
func (w *Workspace) EachConsentState(ctx context.Context, f ConsentFilter, fn func(ConsentStateRow) error) error {
	where, args := []string{"1=1"}, []any{}
	if f.Edition > 0 {
		where, args = append(where, "+s.edition = ?"), append(args, f.Edition)
	}
	// The unary + keeps the planner off the edition index: a filtered
	// export still reads the table in user order, sequentially, instead
	// of jumping to each row from the index.
	if f.Purpose != "" {
		where, args = append(where, "+s.purpose = ?"), append(args, f.Purpose)
	}
	if f.Channel != "" {
		where, args = append(where, "+s.channel = ?"), append(args, f.Channel)
	}
	loc := w.Location()
	if !f.From.IsZero() {
		from := time.Date(f.From.Year(), f.From.Month(), f.From.Day(), 0, 0, 0, 0, loc)
		where, args = append(where, "s.at >= ?"), append(args, nanos(from))
	}
	if !f.To.IsZero() {
		to := time.Date(f.To.Year(), f.To.Month(), f.To.Day()+1, 0, 0, 0, 0, loc)
		where, args = append(where, "s.at < ?"), append(args, nanos(to))
	}
	conn, done, err := w.scanConn(ctx)
	if err != nil {
		return err
	}
	defer done()
	// Both reads below see one snapshot.
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("consent states: %w", err)
	}
	defer tx.Rollback()
	// The account ids first, from the narrow account-id index (a tenth of
	// the pages of the users table, which a join read row by row: most of
	// the export's time at a million users), into a table by user id:
	// about 26 bytes a user, 26 MB at a million.
	accounts, err := accountsByID(ctx, tx)
	if err != nil {
		return fmt.Errorf("consent states: %w", err)
	}
	// Then one scan of the state table in key order. The four short codes
	// come as one text (each column costs the driver a few cgo calls and
	// an allocation per row) and are cut apart here; the codes never hold
	// the separator (purpose codes are [a-z0-9_], the others fixed sets).
	rows, err := tx.QueryContext(ctx, `SELECT s.user_id, s.purpose || char(31) || s.state || char(31) || s.channel || char(31) || s.language,
		s.edition, s.at
		FROM consent_state s NOT INDEXED WHERE `+strings.Join(where, " AND ")+` ORDER BY s.user_id, s.purpose`, args...)
	if err != nil {
		return fmt.Errorf("consent states: %w", err)
	}
	defer rows.Close()
	var r ConsentStateRow
	var codes sql.RawBytes
	var at int64
	// The codes repeat: each distinct text is cut once (looking a
	// RawBytes up as a string key does not copy it).
	seen := map[string][4]string{}
	var uid int64
	for rows.Next() {
		if err := rows.Scan(&uid, &codes, &r.Edition, &at); err != nil {
			return err
		}
		if r.AccountID = accounts.of(uid); r.AccountID == "" {
			continue // no such user (the join this replaces dropped it too)
		}
		f, ok := seen[string(codes)]
		if !ok {
			parts := strings.Split(string(codes), "\x1f")
			if len(parts) != 4 {
				return fmt.Errorf("consent states: a code holds a unit separator: %q", codes)
			}
			copy(f[:], parts)
			seen[string(codes)] = f
		}
		r.Purpose, r.State, r.Channel, r.Language = f[0], ConsentEventKind(f[1]), f[2], f[3]
		r.At = fromNanos(at)
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ConsentCertificateData is what a user's consent certificate prints.
type ConsentCertificateData struct {
	AccountID   string
	FullName    string
	GeneratedAt time.Time
	GeneratedBy Staff
	Head        AuditHead
	Operator    Operator
	Current     int // edition in force
	States      []ConsentState
	History     []ConsentEvent
	Editions    map[int]Edition
	Catalog     map[int][]ConsentPurpose
}

// Purpose returns the catalog entry of code under edition.
func (d *ConsentCertificateData) Purpose(edition int, code string) (ConsentPurpose, bool) {
	for _, p := range d.Catalog[edition] {
		if p.Code == code {
			return p, true
		}
	}
	return ConsentPurpose{Code: code, Edition: edition}, false
}

// ConsentCertificate gathers a user's consent certificate: subject,
// operator, current state per purpose with the purpose's Art. 8 terms,
// the whole history with evidence, and the editions with their SHA-256.
func (w *Workspace) ConsentCertificate(ctx context.Context, accountID string, at time.Time) (*ConsentCertificateData, error) {
	u, err := w.GetUser(ctx, accountID)
	if err != nil {
		return nil, err
	}
	d := &ConsentCertificateData{AccountID: u.AccountID, FullName: u.FullName, GeneratedAt: at, Editions: map[int]Edition{}, Catalog: map[int][]ConsentPurpose{}}
	if d.GeneratedBy, err = w.StaffMember(ctx, w.me.Name); err != nil {
		d.GeneratedBy = w.me
	}
	if d.Head, err = w.AuditHead(ctx); err != nil {
		return nil, err
	}
	if d.Operator, err = w.Operator(ctx); err != nil {
		return nil, err
	}
	if d.Current, err = w.PublishedEdition(ctx); err != nil {
		return nil, err
	}
	if d.States, err = w.ConsentStates(ctx, accountID, time.Time{}); err != nil {
		return nil, err
	}
	if d.History, err = w.ConsentHistory(ctx, accountID); err != nil {
		return nil, err
	}
	eds, err := w.PolicyEditions(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range eds {
		d.Editions[e.Number] = e
	}
	need := map[int]bool{max(d.Current, 1): true}
	for _, e := range d.History {
		need[e.Edition] = true
	}
	for n := range need {
		if d.Catalog[n], err = w.ConsentCatalog(ctx, n); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// scanConn is a connection for a scan of the whole state table: its page
// cache is cut to 8 MiB while the scan runs (reading every page once
// gains nothing from a cache, and a full 128 MiB cache on each pooled
// connection would hold hundreds of MB), then set back.
func (w *Workspace) scanConn(ctx context.Context) (*sql.Conn, func(), error) {
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	var prev int
	if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&prev); err != nil {
		conn.Close()
		return nil, nil, err
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA cache_size=-8192`); err != nil {
		conn.Close()
		return nil, nil, err
	}
	return conn, func() {
		conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size=%d`, prev))
		conn.Close()
	}, nil
}

// userAccounts maps user ids to account ids: a slice by id when the ids
// are dense (they are numbered by insertion; destruction leaves gaps),
// else a map.
type userAccounts struct {
	lo    int64
	dense []string
	m     map[int64]string
}

func (a *userAccounts) of(id int64) string {
	if a.m != nil {
		return a.m[id]
	}
	if id < a.lo || id-a.lo >= int64(len(a.dense)) {
		return ""
	}
	return a.dense[id-a.lo]
}

// accountsByID reads every user's account id from the account-id index
// (SELECT id, account_id is answered from it alone).
func accountsByID(ctx context.Context, tx *sql.Tx) (*userAccounts, error) {
	var n, lo, hi int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(min(id), 0), coalesce(max(id), -1) FROM users`).Scan(&n, &lo, &hi); err != nil {
		return nil, err
	}
	a := &userAccounts{lo: lo}
	if span := hi - lo + 1; span <= 2*n+1024 {
		a.dense = make([]string, span)
	} else {
		a.m = make(map[int64]string, n)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, account_id FROM users`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var id int64
	var acc string
	for rows.Next() {
		if err := rows.Scan(&id, &acc); err != nil {
			return nil, err
		}
		if a.m != nil {
			a.m[id] = acc
		} else if id >= lo && id-lo < int64(len(a.dense)) {
			a.dense[id-lo] = acc
		}
	}
	return a, rows.Err()
}
