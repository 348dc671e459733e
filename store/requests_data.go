package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"legco.kz/compliance/store/kz"
)

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Today is the workspace's current date (midnight UTC of the date in the
// workspace's time zone), the "today" of deadlines.
func (w *Workspace) Today() time.Time { return w.today() }

// RequestRow is one row of the requests queue: small, so a queue of
// 100,000 requests loads and sorts in memory.
type RequestRow struct {
	ID        int64
	Number    string
	Kind      RequestKind
	State     RequestState
	Received  string // YYYY-MM-DD
	Due       string // YYYY-MM-DD
	Assignee  string
	Requester string
}

// RequestFilter narrows the queue.
type RequestFilter struct {
	Kind     RequestKind
	State    RequestState
	Assignee string
	Overdue  bool   // open and past the due date
	Open     bool   // not fulfilled, rejected or closed
	Account  string // naming this account
}

// ListRequests returns the queue in due-date order.
func (w *Workspace) ListRequests(ctx context.Context, f RequestFilter) ([]RequestRow, error) {
	var where []string
	var args []any
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, string(f.Kind))
	}
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, string(f.State))
	}
	if f.Assignee != "" {
		where, args = append(where, "assignee = ?"), append(args, f.Assignee)
	}
	if f.Open || f.Overdue {
		where = append(where, "state NOT IN ('fulfilled', 'rejected', 'closed')")
	}
	if f.Overdue {
		where, args = append(where, "due_on < ?"), append(args, dayText(w.today()))
	}
	if f.Account != "" {
		where, args = append(where, "id IN (SELECT request_id FROM request_accounts WHERE account_id = ?)"), append(args, f.Account)
	}
	// The whole queue comes back as one text value (rows separated by
	// char(30), fields by char(31)) and is split in Go: stepping 100,000
	// rows one by one through the driver costs several cgo calls a row,
	// which was most of the time. The covering index requests_queue
	// serves the read in due-date order.
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var n int
	var all sql.NullString
	err := w.db.QueryRowContext(ctx, `SELECT count(*), group_concat(line, char(30)) FROM (SELECT id || char(31) || number || char(31) ||
		kind || char(31) || state || char(31) || received_on || char(31) || due_on || char(31) || assignee || char(31) || requester AS line
		FROM requests`+cond+` ORDER BY due_on, id)`, args...).Scan(&n, &all)
	if err != nil {
		return nil, err
	}
	out := make([]RequestRow, 0, n)
	var parts [8]string
	rest := all.String
	for rest != "" {
		var line string
		line, rest, _ = strings.Cut(rest, "\x1e")
		for i := 0; i < 7; i++ {
			parts[i], line, _ = strings.Cut(line, "\x1f")
		}
		parts[7] = line
		var r RequestRow
		r.ID, _ = strconv.ParseInt(parts[0], 10, 64)
		r.Number, r.Kind, r.State = parts[1], RequestKind(parts[2]), RequestState(parts[3])
		r.Received, r.Due, r.Assignee, r.Requester = parts[4], parts[5], parts[6], parts[7]
		out = append(out, r)
	}
	// group_concat keeps the subquery's order in SQLite, but that is not
	// a documented promise: check (O(n)) and sort if ever needed.
	byDue := func(i, j int) bool {
		if out[i].Due != out[j].Due {
			return out[i].Due < out[j].Due
		}
		return out[i].ID < out[j].ID
	}
	if !sort.SliceIsSorted(out, byDue) {
		sort.Slice(out, byDue)
	}
	return out, nil
}

// RequestCounts are the open requests due today and overdue (status bar).
func (w *Workspace) RequestCounts(ctx context.Context) (dueToday, overdue int, err error) {
	today := dayText(w.today())
	err = w.db.QueryRowContext(ctx, `SELECT coalesce(sum(due_on = ?), 0), coalesce(sum(due_on < ?), 0) FROM requests
		WHERE state NOT IN ('fulfilled', 'rejected', 'closed')`, today, today).Scan(&dueToday, &overdue)
	return
}

// Attachments: scanned letters and identity documents kept inside the
// encrypted workspace, never as loose files.

// MaxAttachmentSize is the largest attachment accepted.
const MaxAttachmentSize = 10 << 20

// Attachment describes one stored attachment.
type Attachment struct {
	ID      int64
	Name    string
	MIME    string
	Size    int64
	SHA256  string
	AddedBy string
	AddedAt time.Time
}

// sniffAttachment accepts only the types a scanned letter or ID comes in,
// by their magic bytes (never by the name).
func sniffAttachment(b []byte) (string, bool) {
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "application/pdf", true
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", true
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg", true
	case bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return "image/tiff", true
	}
	return "", false
}

// AddRequestAttachment stores a file with a request.
func (w *Workspace) AddRequestAttachment(ctx context.Context, number, name string, data []byte) error {
	name = strings.TrimSpace(kz.NFC(filepath.Base(name)))
	if name == "" || name == "." {
		return &ValidationError{Field: "attachment", Reason: "the file needs a name"}
	}
	if len(data) == 0 {
		return &ValidationError{Field: "attachment", Reason: name + " is empty"}
	}
	if len(data) > MaxAttachmentSize {
		return &ValidationError{Field: "attachment", Reason: fmt.Sprintf("%s is %d bytes; at most %d MiB", name, len(data), MaxAttachmentSize>>20)}
	}
	mime, ok := sniffAttachment(data)
	if !ok {
		return &ValidationError{Field: "attachment", Reason: name + " is not a PDF, PNG, JPEG or TIFF file (checked by its content)"}
	}
	sum := sha256Hex(data)
	return w.requestOp(ctx, number, "request.attach", "attachment added: "+name, func(tx *sql.Tx, r *Request, c *Change) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO request_attachments(request_id, name, mime, size, sha256, data, added_by, added_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, name, mime, len(data), sum, data, w.me.Name, w.stamp()); err != nil {
			return err
		}
		c.Details = map[string]any{"mime": mime, "size": len(data), "sha256": sum}
		return w.event(ctx, tx, r.ID, "attach", "", "", name)
	})
}

// RequestAttachments lists a request's attachments.
func (w *Workspace) RequestAttachments(ctx context.Context, number string) ([]Attachment, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT a.id, a.name, a.mime, a.size, a.sha256, a.added_by, a.added_at FROM request_attachments a
		JOIN requests r ON r.id = a.request_id WHERE r.number = ? ORDER BY a.id`, number)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		var at string
		if err := rows.Scan(&a.ID, &a.Name, &a.MIME, &a.Size, &a.SHA256, &a.AddedBy, &at); err != nil {
			return nil, err
		}
		a.AddedAt, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// AttachmentData reads an attachment's bytes.
func (w *Workspace) AttachmentData(ctx context.Context, id int64) ([]byte, error) {
	var b []byte
	err := w.db.QueryRowContext(ctx, `SELECT data FROM request_attachments WHERE id = ?`, id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("attachment %d: %w", id, ErrNotFound)
	}
	return b, err
}

// Disclosure is one row of the disclosure register (ISO/IEC 27701: what,
// to whom, when, on which ground, under which request).
type Disclosure struct {
	Request       string
	AccountID     string
	Recipient     string
	RequesterType RequesterType
	Ground        Ground
	Fields        []string
	At            time.Time
	PreparedBy    string
	ApprovedBy    string
	PackageSHA256 string
}

// DisclosureRegister lists the disclosures made between from and to
// (dates, inclusive, in the workspace time zone; zero = unbounded),
// oldest first.
func (w *Workspace) DisclosureRegister(ctx context.Context, from, to time.Time) ([]Disclosure, error) {
	return w.disclosures(ctx, w.db, from, to, "")
}

// DisclosuresOf lists every disclosure of one account's data.
func (w *Workspace) DisclosuresOf(ctx context.Context, accountID string) ([]Disclosure, error) {
	return w.disclosures(ctx, w.db, time.Time{}, time.Time{}, accountID)
}

func (w *Workspace) disclosures(ctx context.Context, db querier, from, to time.Time, account string) ([]Disclosure, error) {
	var where []string
	var args []any
	loc := w.Location()
	if !from.IsZero() {
		start := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc).UTC()
		where, args = append(where, "d.disclosed_at >= ?"), append(args, start.Format(time.RFC3339Nano))
	}
	if !to.IsZero() {
		end := time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, loc).UTC()
		where, args = append(where, "d.disclosed_at < ?"), append(args, end.Format(time.RFC3339Nano))
	}
	if account != "" {
		where, args = append(where, "d.account_id = ?"), append(args, account)
	}
	q := `SELECT r.number, d.account_id, d.recipient, d.requester_type, d.ground, d.fields, d.disclosed_at, d.prepared_by, d.approved_by, d.package_sha256
		FROM disclosures d JOIN requests r ON r.id = d.request_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := db.QueryContext(ctx, q+` ORDER BY d.disclosed_at, d.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Disclosure
	for rows.Next() {
		var d Disclosure
		var rt, g, fields, at string
		if err := rows.Scan(&d.Request, &d.AccountID, &d.Recipient, &rt, &g, &fields, &at, &d.PreparedBy, &d.ApprovedBy, &d.PackageSHA256); err != nil {
			return nil, err
		}
		d.RequesterType, d.Ground, d.Fields = RequesterType(rt), Ground(g), splitList(fields)
		d.At, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, d)
	}
	return out, rows.Err()
}

// FieldValue is one field that leaves the workspace in a package.
type FieldValue struct {
	Key, EN, RU, KK string
	Value           string
}

// SubjectExtract is what a package holds about one account.
type SubjectExtract struct {
	AccountID   string
	Outcome     string // held, no_data, destroyed, depersonalized
	Act         string // destruction act, when destroyed
	Blocked     bool
	Values      []FieldValue
	AccessLog   []AccessEntry // oldest first
	Public      []PublicRecord
	Disclosures []Disclosure
}

// RequestExtract is everything a fulfilment package may hold: for a
// disclosure exactly the approved fields; for an access request every
// field held (1.1.1–1.1.3) and every disclosure; for a recipients request
// the disclosures alone.
type RequestExtract struct {
	Request   *Request
	Operator  Operator
	AuditHead AuditHead
	At        time.Time
	Staff     Staff
	// Fields that leave, in catalog order (disclosure: the approved ones).
	Fields   []string
	Subjects []SubjectExtract
	// ConsentLedger is false when this build has no consent ledger: the
	// access package says so instead of listing consents.
	ConsentLedger bool
}

// PrepareFulfilment checks that a disclosure, access or recipients
// request may be fulfilled now (approved; for a disclosure the rules of
// section 3 at the time of fulfilment) and reads what its package holds.
// Nothing is recorded until FulfilRequest.
func (w *Workspace) PrepareFulfilment(ctx context.Context, number string) (*RequestExtract, error) {
	if err := w.can(PermRequestsWrite); err != nil {
		return nil, err
	}
	r, err := w.GetRequest(ctx, number)
	if err != nil {
		return nil, err
	}
	if !r.Kind.Packaged() {
		return nil, &RuleError{Rule: "state", Request: number, Detail: "a " + string(r.Kind) + " request is fulfilled by carrying out the operation (transition to fulfilled), not by a package"}
	}
	if !r.State.Approved() {
		return nil, &RuleError{Rule: "state", Request: number, Detail: fmt.Sprintf("only an approved request is packaged (it is %s)", r.State)}
	}
	if r.Kind == KindDisclosure {
		if err := w.checkDisclosure(ctx, w.db, r, "fulfilment"); err != nil {
			return nil, err
		}
	}
	ex := &RequestExtract{Request: r, At: w.now(), Staff: w.me, ConsentLedger: consentValidAt != nil}
	if ex.Operator, err = w.Operator(ctx); err != nil {
		return nil, err
	}
	if ex.AuditHead, err = w.AuditHead(ctx); err != nil {
		return nil, err
	}
	switch r.Kind {
	case KindDisclosure:
		ex.Fields = orderFields(r.ApprovedFields)
	case KindAccess:
		ex.Fields = append(RequestableFields(), FieldDisclosures)
	case KindRecipients:
		ex.Fields = []string{FieldDisclosures}
	}
	for _, a := range r.Accounts {
		s, err := w.extractSubject(ctx, a.AccountID, ex.Fields, r.Kind == KindAccess)
		if err != nil {
			return nil, fmt.Errorf("request %s: account %s: %w", number, a.AccountID, err)
		}
		ex.Subjects = append(ex.Subjects, *s)
	}
	return ex, nil
}

func orderFields(fs []string) []string {
	var out []string
	for _, f := range append(RequestableFields(), FieldDisclosures) {
		if slices.Contains(fs, f) {
			out = append(out, f)
		}
	}
	return out
}

func (w *Workspace) extractSubject(ctx context.Context, accountID string, fields []string, allExtra bool) (*SubjectExtract, error) {
	s := &SubjectExtract{AccountID: accountID}
	u, err := w.GetUser(ctx, accountID)
	if errors.Is(err, ErrNotFound) {
		s.Outcome = OutcomeNoData
		if act, ok, err := w.DestroyedUnder(ctx, accountID); err != nil {
			return nil, err
		} else if ok {
			s.Outcome, s.Act = OutcomeDestroyed, act
		}
		if slices.Contains(fields, FieldDisclosures) {
			if s.Disclosures, err = w.DisclosuresOf(ctx, accountID); err != nil {
				return nil, err
			}
		}
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	s.Outcome, s.Blocked = OutcomeHeld, u.Blocked
	if u.State == StateDepersonalized {
		s.Outcome = OutcomeDepersonalized
	}
	for _, f := range FieldCatalog {
		if slices.Contains(fields, f.Key) {
			s.Values = append(s.Values, FieldValue{Key: f.Key, EN: f.EN, RU: f.RU, KK: f.KK, Value: u.Value(f.Key)})
		}
	}
	if allExtra {
		for _, e := range u.Extra {
			s.Values = append(s.Values, FieldValue{Key: e.Name, EN: e.Name, RU: e.Name, KK: e.Name, Value: e.Value})
		}
	}
	if slices.Contains(fields, FieldPublicData) {
		s.Public = u.Public
	}
	if slices.Contains(fields, FieldAccessLog) {
		rows, err := w.db.QueryContext(ctx, `SELECT id, at, ip, cookie_id, user_agent, page FROM access_log WHERE user_id = ? ORDER BY at, id`, u.ID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var a AccessEntry
			var at string
			if err := rows.Scan(&a.ID, &at, &a.IP, &a.CookieID, &a.UserAgent, &a.Page); err != nil {
				return nil, err
			}
			a.At, _ = time.Parse(time.RFC3339Nano, at)
			s.AccessLog = append(s.AccessLog, a)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if slices.Contains(fields, FieldDisclosures) {
		if s.Disclosures, err = w.DisclosuresOf(ctx, accountID); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// FulfilRequest records that a package was sent: the request becomes
// fulfilled with each account's outcome, and for a disclosure every
// account whose data left gets a row in the disclosure register. The
// rules are checked again inside the same transaction.
func (w *Workspace) FulfilRequest(ctx context.Context, ex *RequestExtract, packageSHA256, reason string) error {
	if strings.TrimSpace(reason) == "" {
		reason = "package sent"
	}
	number := ex.Request.Number
	return w.requestOp(ctx, number, "request.fulfil", reason, func(tx *sql.Tx, r *Request, c *Change) error {
		if !r.State.Approved() {
			return &RuleError{Rule: "state", Request: number, Detail: fmt.Sprintf("only an approved request can be fulfilled (it is %s)", r.State)}
		}
		if r.Kind == KindDisclosure {
			if err := w.checkDisclosure(ctx, tx, r, "fulfilment"); err != nil {
				return err
			}
		}
		now := w.stamp()
		disclosed := 0
		for _, s := range ex.Subjects {
			if _, err := tx.ExecContext(ctx, `UPDATE request_accounts SET outcome = ?, act = ? WHERE request_id = ? AND account_id = ?`,
				s.Outcome, s.Act, r.ID, s.AccountID); err != nil {
				return err
			}
			if r.Kind != KindDisclosure || s.Outcome == OutcomeNoData || s.Outcome == OutcomeDestroyed {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO disclosures(request_id, account_id, recipient, requester_type, ground, fields, disclosed_at,
				prepared_by, approved_by, package_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				r.ID, s.AccountID, recipientOf(r), string(r.RequesterType), string(r.Ground), strings.Join(r.ApprovedFields, ","), now,
				r.PreparedBy, r.ApprovedBy, packageSHA256); err != nil {
				return err
			}
			disclosed++
		}
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET state = 'fulfilled', answered_on = ?, package_sha256 = ? WHERE id = ?`,
			dayText(w.today()), packageSHA256, r.ID); err != nil {
			return err
		}
		c.Details = map[string]any{"from": string(r.State), "to": string(RequestFulfilled), "kind": string(r.Kind),
			"package_sha256": packageSHA256, "disclosed_accounts": disclosed, "fields": ex.Fields}
		return w.event(ctx, tx, r.ID, "transition", r.State, RequestFulfilled, reason)
	})
}

func recipientOf(r *Request) string {
	s := r.Requester
	if r.Officer != "" {
		s += ", " + r.Officer
	}
	if r.LetterNo != "" {
		s += " (" + r.LetterNo
		if r.LetterDate != "" {
			s += " " + r.LetterDate
		}
		s += ")"
	}
	return s
}

// TransparencyRow counts the requests of one group.
type TransparencyRow struct {
	Key                   string // requester type, ground or kind
	Received              int
	Complied              int // approved in full
	Partial               int
	Rejected              int
	Pending               int // no decision yet
	Accounts              int // distinct accounts named
	Late                  int // answered after the due date, or open past it
	MedianDays, WorstDays int // working days from receipt to the answer
}

// Transparency is the transparency report's data for a period: requests
// received between From and To (dates, inclusive).
type Transparency struct {
	From, To    time.Time
	ByRequester []TransparencyRow // disclosure requests by requester type
	ByGround    []TransparencyRow // disclosure requests by ground
	ByKind      []TransparencyRow // every request by kind
	Total       TransparencyRow
	Operator    Operator
	AuditHead   AuditHead
	MadeAt      time.Time
	MadeBy      Staff
}

// TransparencyReport aggregates the requests received in a period.
func (w *Workspace) TransparencyReport(ctx context.Context, from, to time.Time) (*Transparency, error) {
	t, err := w.transparencyReport(ctx, w.db, from, to, w.today())
	if err != nil {
		return nil, err
	}
	if t.AuditHead, err = w.AuditHead(ctx); err != nil {
		return nil, err
	}
	return t, nil
}

// transparencyReport aggregates on q, counting open requests past their
// due date on today as late; the caller sets AuditHead.
func (w *Workspace) transparencyReport(ctx context.Context, q querier, from, to, today time.Time) (*Transparency, error) {
	if to.Before(from) {
		return nil, &ValidationError{Field: "to", Reason: "the period ends before it starts"}
	}
	cal, err := w.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.kind, r.state, r.decision, r.requester_type, r.ground, r.received_on, r.due_on, r.answered_on,
		(SELECT group_concat(account_id, char(31)) FROM request_accounts a WHERE a.request_id = r.id)
		FROM requests r WHERE r.received_on >= ? AND r.received_on <= ? ORDER BY r.id`, dayText(from), dayText(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type acc struct {
		row   TransparencyRow
		days  []int
		accts map[string]bool
	}
	groups := map[string]map[string]*acc{"rt": {}, "g": {}, "k": {}, "t": {}}
	add := func(group, key string, kind, state, decision string, late bool, days int, answered bool, accounts []string) {
		a := groups[group][key]
		if a == nil {
			a = &acc{row: TransparencyRow{Key: key}, accts: map[string]bool{}}
			groups[group][key] = a
		}
		a.row.Received++
		switch decision {
		case string(RequestApproved):
			a.row.Complied++
		case string(RequestPartiallyApproved):
			a.row.Partial++
		case string(RequestRejected):
			a.row.Rejected++
		default:
			a.row.Pending++
		}
		if late {
			a.row.Late++
		}
		if answered {
			a.days = append(a.days, days)
		}
		for _, x := range accounts {
			a.accts[x] = true
		}
	}
	for rows.Next() {
		var id int64
		var kind, state, decision, rt, g, recv, due, answered string
		var accts sql.NullString
		if err := rows.Scan(&id, &kind, &state, &decision, &rt, &g, &recv, &due, &answered, &accts); err != nil {
			return nil, err
		}
		var list []string
		if accts.String != "" {
			list = strings.Split(accts.String, "\x1f")
		}
		dueD := parseDate(due)
		isAnswered := answered != ""
		late := isAnswered && parseDate(answered).After(dueD) || !isAnswered && RequestState(state).Open() && today.After(dueD)
		days := 0
		if isAnswered {
			days = cal.Between(parseDate(recv), parseDate(answered))
		}
		add("k", kind, kind, state, decision, late, days, isAnswered, list)
		add("t", "total", kind, state, decision, late, days, isAnswered, list)
		if kind == string(KindDisclosure) {
			add("rt", rt, kind, state, decision, late, days, isAnswered, list)
			add("g", g, kind, state, decision, late, days, isAnswered, list)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	finish := func(m map[string]*acc, order []string) []TransparencyRow {
		var out []TransparencyRow
		for _, k := range order {
			a := m[k]
			if a == nil {
				continue
			}
			a.row.Accounts = len(a.accts)
			if len(a.days) > 0 {
				sort.Ints(a.days)
				a.row.MedianDays = a.days[(len(a.days)-1)/2]
				a.row.WorstDays = a.days[len(a.days)-1]
			}
			out = append(out, a.row)
		}
		return out
	}
	t := &Transparency{From: from, To: to, MadeAt: w.now(), MadeBy: w.me}
	var rtOrder, gOrder, kOrder []string
	for _, x := range RequesterTypes {
		rtOrder = append(rtOrder, string(x))
	}
	for _, x := range Grounds {
		gOrder = append(gOrder, string(x))
	}
	for _, x := range RequestKinds {
		kOrder = append(kOrder, string(x))
	}
	t.ByRequester = finish(groups["rt"], rtOrder)
	t.ByGround = finish(groups["g"], gOrder)
	t.ByKind = finish(groups["k"], kOrder)
	if tot := finish(groups["t"], []string{"total"}); len(tot) == 1 {
		t.Total = tot[0]
	}
	if t.Operator, err = w.Operator(ctx); err != nil {
		return nil, err
	}
	return t, nil
}
