package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"legco.kz/compliance/store/kz"
	"legco.kz/compliance/store/workdays"
)

// Requests: third-party disclosure requests (policy section 3: grounds
// 3.2.1–3.2.5 and clause 1.6) and data-subject requests (Law No. 94-V,
// articles 24–25). Every change is one audited transaction; the rules of
// section 3 are checked here, so the UI and the CLI cannot get round them.

// RequestKind is what is asked.
type RequestKind string

const (
	KindDisclosure    RequestKind = "disclosure"
	KindAccess        RequestKind = "access"
	KindRectification RequestKind = "rectification"
	KindBlocking      RequestKind = "blocking"
	KindDestruction   RequestKind = "destruction"
	KindWithdrawal    RequestKind = "withdrawal"
	KindRecipients    RequestKind = "recipients"
)

// RequestKinds in display order.
var RequestKinds = []RequestKind{KindDisclosure, KindAccess, KindRectification, KindBlocking, KindDestruction, KindWithdrawal, KindRecipients}

// Packaged reports whether the kind is fulfilled by a package sent out
// (disclosure, access, recipients) rather than by an operation on the data.
func (k RequestKind) Packaged() bool {
	return k == KindDisclosure || k == KindAccess || k == KindRecipients
}

// RequestState is where a request stands in the workflow.
type RequestState string

const (
	RequestReceived          RequestState = "received"
	RequestVerifying         RequestState = "verifying"
	RequestUnderReview       RequestState = "under_review"
	RequestApproved          RequestState = "approved"
	RequestPartiallyApproved RequestState = "partially_approved"
	RequestRejected          RequestState = "rejected"
	RequestFulfilled         RequestState = "fulfilled"
	RequestClosed            RequestState = "closed"
)

// RequestStates in workflow order.
var RequestStates = []RequestState{RequestReceived, RequestVerifying, RequestUnderReview, RequestApproved,
	RequestPartiallyApproved, RequestRejected, RequestFulfilled, RequestClosed}

// nextStates is the workflow: received → verifying (identity of the
// subject, authority of the requester) → under_review → approved /
// partially_approved / rejected → fulfilled → closed. A request may be
// rejected at any step before a decision.
var nextStates = map[RequestState][]RequestState{
	RequestReceived:          {RequestVerifying, RequestRejected},
	RequestVerifying:         {RequestUnderReview, RequestRejected},
	RequestUnderReview:       {RequestApproved, RequestPartiallyApproved, RequestRejected},
	RequestApproved:          {RequestFulfilled},
	RequestPartiallyApproved: {RequestFulfilled},
	RequestRejected:          {RequestClosed},
	RequestFulfilled:         {RequestClosed},
}

// NextStates lists the states a request in s may move to.
func NextStates(s RequestState) []RequestState { return nextStates[s] }

// Open reports whether the request still runs against its deadline.
func (s RequestState) Open() bool {
	return s != RequestFulfilled && s != RequestRejected && s != RequestClosed
}

// Approved reports whether a decision allows fulfilment.
func (s RequestState) Approved() bool { return s == RequestApproved || s == RequestPartiallyApproved }

// RequesterType is who sends a disclosure request.
type RequesterType string

const (
	RequesterCourt        RequesterType = "court"
	RequesterInvestigator RequesterType = "investigator"
	RequesterProsecutor   RequesterType = "prosecutor"
	RequesterStateBody    RequesterType = "state_body"
	RequesterCounterparty RequesterType = "counterparty"
	RequesterBuyer        RequesterType = "buyer"
	RequesterOther        RequesterType = "other"
	// RequesterSubject is the data subject (data-subject requests).
	RequesterSubject RequesterType = "subject"
)

// RequesterTypes of disclosure requests, in display order.
var RequesterTypes = []RequesterType{RequesterCourt, RequesterInvestigator, RequesterProsecutor, RequesterStateBody,
	RequesterCounterparty, RequesterBuyer, RequesterOther}

// Ground is the clause of the privacy policy a disclosure rests on.
type Ground string

const (
	GroundConsent      Ground = "3.2.1" // the user consented
	GroundService      Ground = "3.2.2" // a product or service needs it
	GroundLaw          Ground = "3.2.3" // the law of the Republic of Kazakhstan requires it
	GroundSale         Ground = "3.2.4" // reorganisation or sale of the business
	GroundRights       Ground = "3.2.5" // protecting the company's rights
	GroundCounterparty Ground = "1.6"   // disclosure to counterparties
)

// Grounds in clause order.
var Grounds = []Ground{GroundConsent, GroundService, GroundLaw, GroundSale, GroundRights, GroundCounterparty}

// NeedsConsent reports whether the ground rests on the user's consent.
func (g Ground) NeedsConsent() bool { return g == GroundConsent || g == GroundCounterparty }

// Purpose codes of the consent ledger a disclosure checks.
const (
	PurposeCounterparty  = "counterparty_disclosure" // clause 1.6
	DefaultConsentPurpos = "policy"                  // clause 3.2.1 when the request names none
)

// Request fields that are not 1.1.1 catalog fields.
const (
	FieldAccessLog   = "access_log"  // 1.1.2
	FieldPublicData  = "public_data" // 1.1.3
	FieldDisclosures = "disclosures" // who received the data
)

// RequestableFields are what a disclosure may ask for: the 1.1.1 catalog,
// the access log (1.1.2) and the data from other sources (1.1.3).
func RequestableFields() []string {
	out := make([]string, 0, len(FieldCatalog)+2)
	for _, f := range FieldCatalog {
		out = append(out, f.Key)
	}
	return append(out, FieldAccessLog, FieldPublicData)
}

// Request is one request with its accounts.
type Request struct {
	ID             int64
	Number         string
	Kind           RequestKind
	State          RequestState
	Received       time.Time // date, midnight UTC
	Due            time.Time // date, midnight UTC
	RequesterType  RequesterType
	Requester      string
	Officer        string
	LetterNo       string
	LetterDate     string
	Ground         Ground
	Purpose        string
	Fields         []string
	ApprovedFields []string
	Details        string
	Assignee       string
	PreparedBy     string
	ApprovedBy     string
	DecisionReason string
	PackageSHA256  string
	Answered       time.Time
	CreatedBy      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Accounts       []RequestAccount
	// DaysLeft are working days from today to the due date (negative when
	// overdue); Overdue is true for an open request past its due date.
	DaysLeft int
	Overdue  bool
}

// RequestAccount is one subject account named in a request, with what
// the fulfilment found.
type RequestAccount struct {
	AccountID string
	Outcome   string // "" until fulfilled; held, no_data, destroyed, depersonalized
	Act       string // destruction act number
}

// Account outcomes.
const (
	OutcomeHeld           = "held"
	OutcomeNoData         = "no_data"
	OutcomeDestroyed      = "destroyed"
	OutcomeDepersonalized = "depersonalized"
)

// NewRequest is what intake records.
type NewRequest struct {
	Kind          RequestKind
	Accounts      []string
	Received      time.Time // zero = today
	RequesterType RequesterType
	Requester     string
	Officer       string
	LetterNo      string
	LetterDate    string // YYYY-MM-DD or empty
	Ground        Ground
	Purpose       string // consent purpose for 3.2.1 (default "policy")
	Fields        []string
	Details       string // e.g. rectification: "phone=+77011234567; email=…"
	Assignee      string
	Reason        string // note for the audit entry; default "request received"
}

// RuleError is a request refused by a rule of the privacy policy or the
// law; the CLI exits with its own code and the UI shows Error() in words.
type RuleError struct {
	Rule    string // consent, no_ledger, blocked, fields, four_eyes, state
	Request string
	Account string
	Detail  string
}

// ErrRuleRefused matches every *RuleError.
var ErrRuleRefused = errors.New("refused by a rule")

func (e *RuleError) Error() string {
	s := "request " + e.Request + ": "
	if e.Account != "" {
		s += "account " + e.Account + ": "
	}
	return s + e.Detail
}

func (e *RuleError) Is(t error) bool { return t == ErrRuleRefused }

// FourEyesError: a disclosure's approver must not be the member who
// prepared it.
type FourEyesError struct {
	Request  string
	Staff    string
	Preparer string
}

func (e *FourEyesError) Error() string {
	return fmt.Sprintf("request %s: %s prepared this disclosure and cannot approve it too; a second staff member must approve", e.Request, e.Preparer)
}

func (e *FourEyesError) Is(t error) bool { return t == ErrRuleRefused }

func parseKind(s string) (RequestKind, error) {
	for _, k := range RequestKinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", &ValidationError{Field: "kind", Reason: fmt.Sprintf("%q is not a request kind (disclosure, access, rectification, blocking, destruction, withdrawal, recipients)", s)}
}

// ParseRequestKind accepts a kind's code.
func ParseRequestKind(s string) (RequestKind, error) { return parseKind(s) }

// ParseRequestState accepts a state's code.
func ParseRequestState(s string) (RequestState, error) {
	for _, st := range RequestStates {
		if string(st) == s {
			return st, nil
		}
	}
	return "", &ValidationError{Field: "state", Reason: fmt.Sprintf("%q is not a state (received, verifying, under_review, approved, partially_approved, rejected, fulfilled, closed)", s)}
}

// ParseGround accepts a ground's clause number.
func ParseGround(s string) (Ground, error) {
	for _, g := range Grounds {
		if string(g) == s {
			return g, nil
		}
	}
	return "", &ValidationError{Field: "ground", Reason: fmt.Sprintf("%q is not a ground; use 3.2.1, 3.2.2, 3.2.3, 3.2.4, 3.2.5 or 1.6", s)}
}

// ParseRequesterType accepts a requester type's code.
func ParseRequesterType(s string) (RequesterType, error) {
	for _, t := range append(RequesterTypes, RequesterSubject) {
		if string(t) == s {
			return t, nil
		}
	}
	return "", &ValidationError{Field: "requester-type", Reason: fmt.Sprintf("%q is not a requester type (court, investigator, prosecutor, state_body, counterparty, buyer, other)", s)}
}

func validFields(fields []string, field string) ([]string, error) {
	allowed := RequestableFields()
	var out []string
	for _, f := range fields {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !slices.Contains(allowed, f) {
			return nil, &ValidationError{Field: field, Reason: fmt.Sprintf("%q is not a field; use %s", f, strings.Join(allowed, ", "))}
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// validate checks and normalises an intake.
func (n *NewRequest) validate(today time.Time) error {
	clean := func(s string, max int, field string) (string, error) {
		// Control characters have no place in these one-line fields (and
		// the queue uses two of them as separators).
		s = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return ' '
			}
			return r
		}, s)
		s = strings.TrimSpace(kz.NFC(s))
		if len([]rune(s)) > max {
			return "", &ValidationError{Field: field, Reason: fmt.Sprintf("at most %d characters", max)}
		}
		return s, nil
	}
	if _, err := parseKind(string(n.Kind)); err != nil {
		return err
	}
	var accts []string
	for _, a := range n.Accounts {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if len(a) > 64 {
			return &ValidationError{Field: "account", Reason: fmt.Sprintf("%q is longer than 64 characters", a)}
		}
		if !slices.Contains(accts, a) {
			accts = append(accts, a)
		}
	}
	if len(accts) == 0 {
		return &ValidationError{Field: "account", Reason: "name at least one account id of the subject"}
	}
	if n.Kind != KindDisclosure && len(accts) > 1 {
		return &ValidationError{Field: "account", Reason: "a data subject's request concerns one account; file one request per account"}
	}
	n.Accounts = accts
	if n.Received.IsZero() {
		n.Received = today
	}
	n.Received = workdays.DateOf(n.Received, nil)
	if n.Received.After(today) {
		return &ValidationError{Field: "received", Reason: "the date received is in the future"}
	}
	var err error
	for _, p := range []struct {
		s     *string
		max   int
		field string
	}{{&n.Requester, 300, "requester"}, {&n.Officer, 200, "officer"}, {&n.LetterNo, 100, "letter"},
		{&n.Details, 2000, "details"}, {&n.Purpose, 100, "purpose"}, {&n.Reason, 1000, "reason"}} {
		if *p.s, err = clean(*p.s, p.max, p.field); err != nil {
			return err
		}
	}
	if n.LetterDate != "" {
		if _, err := time.Parse("2006-01-02", n.LetterDate); err != nil {
			return &ValidationError{Field: "letter-date", Reason: "must be a date written YYYY-MM-DD"}
		}
	}
	if n.Fields, err = validFields(n.Fields, "fields"); err != nil {
		return err
	}
	if n.Kind == KindDisclosure {
		if _, err := ParseGround(string(n.Ground)); err != nil {
			return err
		}
		if _, err := ParseRequesterType(string(n.RequesterType)); err != nil || n.RequesterType == RequesterSubject {
			return &ValidationError{Field: "requester-type", Reason: "a disclosure needs the requester type: court, investigator, prosecutor, state_body, counterparty, buyer or other"}
		}
		if n.Requester == "" {
			return &ValidationError{Field: "requester", Reason: "name the organisation that asks"}
		}
		if len(n.Fields) == 0 {
			return &ValidationError{Field: "fields", Reason: "list the fields the requester asks for"}
		}
		if n.Ground == GroundConsent && n.Purpose == "" {
			n.Purpose = DefaultConsentPurpos
		}
		if n.Ground == GroundCounterparty {
			n.Purpose = PurposeCounterparty
		}
	} else {
		if n.Ground != "" {
			return &ValidationError{Field: "ground", Reason: "only a disclosure request has a legal ground"}
		}
		n.RequesterType = RequesterSubject
		if n.Kind == KindRectification {
			if _, err := parseRectification(n.Details); err != nil {
				return err
			}
		}
	}
	if n.Reason == "" {
		n.Reason = "request received"
	}
	return nil
}

// parseRectification reads "field=value; field=value".
func parseRectification(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, &ValidationError{Field: "details", Reason: fmt.Sprintf("%q: write the corrections as field=new value; field=new value", part)}
		}
		nv, err := normalizeField(k, v)
		if err != nil {
			return nil, err
		}
		out[k] = nv
	}
	if len(out) == 0 {
		return nil, &ValidationError{Field: "details", Reason: "a rectification names the corrections: field=new value; field=new value"}
	}
	return out, nil
}

// today is the workspace's current date.
func (w *Workspace) today() time.Time { return workdays.DateOf(w.now(), w.Location()) }

func dayText(t time.Time) string { return t.Format("2006-01-02") }

func parseDate(s string) time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return t
}

// CreateRequest records a new request, works out its due date in working
// days and returns its number (RQ-YYYY-NNNNNN).
func (w *Workspace) CreateRequest(ctx context.Context, n NewRequest) (string, error) {
	if err := w.can(PermRequestsWrite); err != nil {
		return "", err
	}
	if err := n.validate(w.today()); err != nil {
		return "", err
	}
	cal, err := w.Calendar(ctx)
	if err != nil {
		return "", err
	}
	dl, err := w.RequestDeadlines(ctx)
	if err != nil {
		return "", err
	}
	due := cal.Add(n.Received, dl.Days(n.Kind))
	if n.Assignee != "" {
		if s, err := w.staffByName(ctx, n.Assignee); err != nil || s.Removed {
			return "", &ValidationError{Field: "assignee", Reason: fmt.Sprintf("%q is not a current staff member", n.Assignee)}
		}
	}
	var number string
	err = w.change(ctx, Change{Perm: PermRequestsWrite, Action: "request.create", Reason: n.Reason},
		func(tx *sql.Tx, c *Change) error {
			seq, err := lastNumber(ctx, tx, n.Received.Format("2006"))
			if err != nil {
				return err
			}
			number = fmt.Sprintf("RQ-%s-%06d", n.Received.Format("2006"), seq+1)
			now := w.stamp()
			res, err := tx.ExecContext(ctx, `INSERT INTO requests(number, kind, state, received_on, due_on, requester_type, requester, officer,
				letter_no, letter_date, ground, purpose, fields, details, assignee, created_by, created_at, updated_at)
				VALUES (?, ?, 'received', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				number, n.Kind, dayText(n.Received), dayText(due), n.RequesterType, n.Requester, n.Officer, n.LetterNo, n.LetterDate,
				n.Ground, n.Purpose, strings.Join(n.Fields, ","), n.Details, n.Assignee, w.me.Name, now, now)
			if err != nil {
				return err
			}
			id, _ := res.LastInsertId()
			for _, a := range n.Accounts {
				if _, err := tx.ExecContext(ctx, `INSERT INTO request_accounts(request_id, account_id) VALUES (?, ?)`, id, a); err != nil {
					return err
				}
			}
			if err := w.event(ctx, tx, id, "create", "", RequestReceived, n.Reason); err != nil {
				return err
			}
			c.Object = "request:" + number
			c.Details = map[string]any{"kind": string(n.Kind), "due": dayText(due), "received": dayText(n.Received),
				"accounts": len(n.Accounts), "ground": string(n.Ground), "requester_type": string(n.RequesterType)}
			return nil
		})
	if err != nil {
		return "", err
	}
	return number, nil
}

// lastNumber is the highest sequence number given in year (a range on
// the unique index of numbers, so it stays cheap with many requests).
func lastNumber(ctx context.Context, q queryer, year string) (int, error) {
	var last sql.NullString
	if err := q.QueryRowContext(ctx, `SELECT max(number) FROM requests WHERE number >= ? AND number < ?`, "RQ-"+year+"-", "RQ-"+year+".").Scan(&last); err != nil {
		return 0, err
	}
	if !last.Valid {
		return 0, nil
	}
	var n int
	fmt.Sscanf(last.String[len("RQ-"+year+"-"):], "%d", &n)
	return n, nil
}

func (w *Workspace) event(ctx context.Context, tx *sql.Tx, id int64, action string, from, to RequestState, reason string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO request_events(request_id, at, staff, action, from_state, to_state, reason) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, w.stamp(), w.me.Name, action, string(from), string(to), reason)
	return err
}

const requestCols = `id, number, kind, state, received_on, due_on, requester_type, requester, officer, letter_no, letter_date, ground, purpose,
	fields, approved_fields, details, assignee, prepared_by, approved_by, decision_reason, package_sha256, answered_on, created_by, created_at, updated_at`

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func scanRequest(s scanner, r *Request) error {
	var kind, state, rt, ground, recv, due, fields, approved, answered, created, updated string
	if err := s.Scan(&r.ID, &r.Number, &kind, &state, &recv, &due, &rt, &r.Requester, &r.Officer, &r.LetterNo, &r.LetterDate, &ground,
		&r.Purpose, &fields, &approved, &r.Details, &r.Assignee, &r.PreparedBy, &r.ApprovedBy, &r.DecisionReason, &r.PackageSHA256,
		&answered, &r.CreatedBy, &created, &updated); err != nil {
		return err
	}
	r.Kind, r.State, r.RequesterType, r.Ground = RequestKind(kind), RequestState(state), RequesterType(rt), Ground(ground)
	r.Received, r.Due, r.Answered = parseDate(recv), parseDate(due), parseDate(answered)
	r.Fields, r.ApprovedFields = splitList(fields), splitList(approved)
	r.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	r.UpdatedAt, _ = time.Parse(time.RFC3339Nano, updated)
	return nil
}

// GetRequest loads a request by number, with its accounts and days left.
func (w *Workspace) GetRequest(ctx context.Context, number string) (*Request, error) {
	return w.getRequest(ctx, w.db, number)
}

func (w *Workspace) getRequest(ctx context.Context, q querier, number string) (*Request, error) {
	r := &Request{}
	err := scanRequest(q.QueryRowContext(ctx, `SELECT `+requestCols+` FROM requests WHERE number = ?`, strings.TrimSpace(number)), r)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("request %s: %w", number, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT account_id, outcome, act FROM request_accounts WHERE request_id = ? ORDER BY account_id`, r.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a RequestAccount
		if err := rows.Scan(&a.AccountID, &a.Outcome, &a.Act); err != nil {
			return nil, err
		}
		r.Accounts = append(r.Accounts, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cal, err := w.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	r.DaysLeft, r.Overdue = deadlineOf(cal, w.today(), r.Due, r.State)
	return r, nil
}

func deadlineOf(cal *workdays.Calendar, today, due time.Time, st RequestState) (int, bool) {
	left := cal.Between(today, due)
	return left, st.Open() && today.After(due)
}

// AccountIDs of the request.
func (r *Request) AccountIDs() []string {
	out := make([]string, len(r.Accounts))
	for i, a := range r.Accounts {
		out[i] = a.AccountID
	}
	return out
}

// RequestEvent is one step of a request's timeline.
type RequestEvent struct {
	At       time.Time
	Staff    string
	Action   string // create, transition, assign, attach, fulfil
	From, To RequestState
	Reason   string
}

// RequestTimeline lists a request's events, oldest first.
func (w *Workspace) RequestTimeline(ctx context.Context, number string) ([]RequestEvent, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT e.at, e.staff, e.action, e.from_state, e.to_state, e.reason FROM request_events e
		JOIN requests r ON r.id = e.request_id WHERE r.number = ? ORDER BY e.id`, number)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RequestEvent
	for rows.Next() {
		var e RequestEvent
		var at, from, to string
		if err := rows.Scan(&at, &e.Staff, &e.Action, &from, &to, &e.Reason); err != nil {
			return nil, err
		}
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		e.From, e.To = RequestState(from), RequestState(to)
		out = append(out, e)
	}
	return out, rows.Err()
}

// AssignRequest gives a request to a staff member.
func (w *Workspace) AssignRequest(ctx context.Context, number, to, reason string) error {
	to = strings.TrimSpace(to)
	s, err := w.staffByName(ctx, to)
	if err != nil || s.Removed {
		return &ValidationError{Field: "to", Reason: fmt.Sprintf("%q is not a current staff member", to)}
	}
	if !s.Role.Can(PermRequestsWrite) {
		return &ValidationError{Field: "to", Reason: fmt.Sprintf("%s (role %s) may not work on requests", to, s.Role)}
	}
	if strings.TrimSpace(reason) == "" {
		reason = "assigned to " + to
	}
	return w.requestOp(ctx, number, "request.assign", reason, func(tx *sql.Tx, r *Request, c *Change) error {
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET assignee = ? WHERE id = ?`, to, r.ID); err != nil {
			return err
		}
		c.Details = map[string]any{"assignee": to, "previous": r.Assignee}
		return w.event(ctx, tx, r.ID, "assign", "", "", reason+" → "+to)
	})
}

// requestOp runs fn on a request inside one audited change.
func (w *Workspace) requestOp(ctx context.Context, number, action, reason string, fn func(tx *sql.Tx, r *Request, c *Change) error) error {
	if err := requireReason(reason); err != nil {
		return err
	}
	return w.change(ctx, Change{Perm: PermRequestsWrite, Action: action, Object: "request:" + number, Reason: strings.TrimSpace(reason)},
		func(tx *sql.Tx, c *Change) error {
			r, err := w.getRequest(ctx, tx, number)
			if err != nil {
				return err
			}
			if err := fn(tx, r, c); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE requests SET updated_at = ? WHERE id = ?`, w.stamp(), r.ID)
			return err
		})
}

// Decision is a transition with what it decides.
type Decision struct {
	To     RequestState
	Reason string
	// Fields approved (approved / partially_approved): empty approves
	// every requested field; a partial approval names a subset.
	Fields []string
}

// TransitionRequest moves a request to another state (the reason is
// required and kept in the timeline and the audit log). Moving a blocking,
// destruction, rectification or withdrawal request to fulfilled carries
// out the operation under the request's id; disclosure, access and
// recipients requests are fulfilled by FulfilRequest with their package.
func (w *Workspace) TransitionRequest(ctx context.Context, number string, d Decision) error {
	if err := requireReason(d.Reason); err != nil {
		return err
	}
	r, err := w.GetRequest(ctx, number)
	if err != nil {
		return err
	}
	if !slices.Contains(nextStates[r.State], d.To) {
		return &RuleError{Rule: "state", Request: number, Detail: fmt.Sprintf("cannot go from %s to %s (next: %s)", r.State, d.To, joinStates(nextStates[r.State]))}
	}
	if d.To == RequestFulfilled {
		if r.Kind.Packaged() {
			return &RuleError{Rule: "state", Request: number, Detail: "a " + string(r.Kind) + " request is fulfilled by generating its package (requests package), which records what left and when"}
		}
		return w.fulfilOperation(ctx, r, d.Reason)
	}
	return w.requestOp(ctx, number, "request.transition", d.Reason, func(tx *sql.Tx, cur *Request, c *Change) error {
		if cur.State != r.State {
			return fmt.Errorf("request %s changed meanwhile (now %s); reload and try again", number, cur.State)
		}
		set := []string{"state = ?"}
		args := []any{string(d.To)}
		details := map[string]any{"from": string(cur.State), "to": string(d.To)}
		switch d.To {
		case RequestUnderReview:
			set, args = append(set, "prepared_by = ?"), append(args, w.me.Name)
		case RequestApproved, RequestPartiallyApproved:
			fields, err := w.decide(ctx, tx, cur, d)
			if err != nil {
				return err
			}
			set, args = append(set, "approved_by = ?", "approved_fields = ?", "decision_reason = ?", "decision = ?"), append(args, w.me.Name, strings.Join(fields, ","), d.Reason, string(d.To))
			details["approved_fields"] = fields
		case RequestRejected:
			set, args = append(set, "decision_reason = ?", "decision = 'rejected'", "answered_on = ?"), append(args, d.Reason, dayText(w.today()))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET `+strings.Join(set, ", ")+` WHERE id = ?`, append(args, cur.ID)...); err != nil {
			return err
		}
		c.Details = details
		return w.event(ctx, tx, cur.ID, "transition", cur.State, d.To, d.Reason)
	})
}

func joinStates(ss []RequestState) string {
	if len(ss) == 0 {
		return "none, the request is finished"
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}

// decide checks an approval: four eyes for disclosures, the approved
// fields within those asked, and the disclosure rules at the time of
// approval.
func (w *Workspace) decide(ctx context.Context, tx *sql.Tx, r *Request, d Decision) ([]string, error) {
	if r.Kind == KindDisclosure && (r.PreparedBy == w.me.Name || r.PreparedBy == "") {
		return nil, &FourEyesError{Request: r.Number, Staff: w.me.Name, Preparer: r.PreparedBy}
	}
	fields := r.Fields
	if len(d.Fields) > 0 {
		var err error
		if fields, err = validFields(d.Fields, "fields"); err != nil {
			return nil, err
		}
		for _, f := range fields {
			if len(r.Fields) > 0 && !slices.Contains(r.Fields, f) {
				return nil, &RuleError{Rule: "fields", Request: r.Number, Detail: fmt.Sprintf("field %q was not requested; only requested fields can be approved", f)}
			}
		}
	}
	if d.To == RequestPartiallyApproved && len(r.Fields) > 0 && len(fields) >= len(r.Fields) {
		return nil, &ValidationError{Field: "fields", Reason: "a partial approval names fewer fields than were requested"}
	}
	if r.Kind == KindDisclosure {
		if len(fields) == 0 {
			return nil, &ValidationError{Field: "fields", Reason: "approve at least one field"}
		}
		if err := w.checkDisclosure(ctx, tx, r, "approval"); err != nil {
			return nil, err
		}
	}
	return fields, nil
}

// checkDisclosure applies section 3's rules to every account of r at the
// current time: a blocked user only under 3.2.3; grounds 3.2.1 and 1.6
// need the consent in force.
func (w *Workspace) checkDisclosure(ctx context.Context, q queryer, r *Request, when string) error {
	at := w.now()
	for _, a := range r.Accounts {
		var blocked bool
		err := q.QueryRowContext(ctx, `SELECT blocked FROM users WHERE account_id = ?`, a.AccountID).Scan(&blocked)
		if errors.Is(err, sql.ErrNoRows) {
			continue // no data held: nothing can leave
		}
		if err != nil {
			return err
		}
		if blocked && r.Ground != GroundLaw {
			return &RuleError{Rule: "blocked", Request: r.Number, Account: a.AccountID,
				Detail: fmt.Sprintf("the user is blocked; a blocked user's data is disclosed only where the law requires it (ground 3.2.3), not under %s", r.Ground)}
		}
		if !r.Ground.NeedsConsent() {
			continue
		}
		purpose := r.Purpose
		if r.Ground == GroundCounterparty {
			purpose = PurposeCounterparty
		} else if purpose == "" {
			purpose = DefaultConsentPurpos
		}
		if consentValidAt == nil {
			return &RuleError{Rule: "no_ledger", Request: r.Number, Account: a.AccountID,
				Detail: fmt.Sprintf("ground %s needs the user's consent (%s) in force at %s, and this build has no consent ledger to check it; disclose on another ground or after the ledger is installed", r.Ground, purpose, when)}
		}
		ok, err := consentValidAt(ctx, q, a.AccountID, purpose, at)
		if err != nil {
			return fmt.Errorf("request %s: checking consent of %s: %w", r.Number, a.AccountID, err)
		}
		if !ok {
			return &RuleError{Rule: "consent", Request: r.Number, Account: a.AccountID,
				Detail: fmt.Sprintf("ground %s needs the user's consent to %q in force at %s; there is none (never given, expired or withdrawn)", r.Ground, purpose, when)}
		}
	}
	return nil
}

// fulfilOperation carries out a blocking, destruction, rectification or
// withdrawal request: each account's operation runs under the request's
// id (WithRequest), so its audit entry (and a destruction's act) names
// the request; then the request moves to fulfilled with the outcomes.
func (w *Workspace) fulfilOperation(ctx context.Context, r *Request, reason string) error {
	if err := w.can(PermRequestsWrite); err != nil {
		return err
	}
	rctx := WithRequest(ctx, r.Number)
	opReason := fmt.Sprintf("request %s: %s", r.Number, reason)
	type result struct{ outcome, act string }
	results := map[string]result{}
	for _, a := range r.Accounts {
		u, err := w.GetUser(ctx, a.AccountID)
		if errors.Is(err, ErrNotFound) {
			res := result{outcome: OutcomeNoData}
			if act, ok, err := w.DestroyedUnder(ctx, a.AccountID); err != nil {
				return err
			} else if ok {
				res = result{OutcomeDestroyed, act}
			}
			results[a.AccountID] = res
			continue
		}
		if err != nil {
			return err
		}
		res := result{outcome: OutcomeHeld}
		if u.State == StateDepersonalized {
			res.outcome = OutcomeDepersonalized
		}
		switch r.Kind {
		case KindDestruction:
			act, err := w.DestroyUser(rctx, a.AccountID, opReason)
			if err != nil {
				return fmt.Errorf("request %s: destroying %s: %w", r.Number, a.AccountID, err)
			}
			res = result{OutcomeDestroyed, act.Number}
		case KindBlocking:
			if !u.Blocked {
				if err := w.BlockUser(rctx, a.AccountID, opReason); err != nil {
					return fmt.Errorf("request %s: blocking %s: %w", r.Number, a.AccountID, err)
				}
			}
		case KindRectification:
			fix, err := parseRectification(r.Details)
			if err != nil {
				return err
			}
			for k, v := range fix {
				if u.Value(k) == v {
					continue
				}
				if err := w.UpdateUserField(rctx, a.AccountID, k, v, opReason); err != nil {
					return fmt.Errorf("request %s: correcting %s of %s: %w", r.Number, k, a.AccountID, err)
				}
			}
		case KindWithdrawal:
			// The consent ledger records the withdrawal itself (its own
			// screen); here the request is answered and kept.
		}
		results[a.AccountID] = res
	}
	return w.requestOp(ctx, r.Number, "request.fulfil", reason, func(tx *sql.Tx, cur *Request, c *Change) error {
		if !cur.State.Approved() {
			return &RuleError{Rule: "state", Request: r.Number, Detail: fmt.Sprintf("only an approved request can be fulfilled (it is %s)", cur.State)}
		}
		for acct, res := range results {
			if _, err := tx.ExecContext(ctx, `UPDATE request_accounts SET outcome = ?, act = ? WHERE request_id = ? AND account_id = ?`, res.outcome, res.act, cur.ID, acct); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET state = 'fulfilled', answered_on = ? WHERE id = ?`, dayText(w.today()), cur.ID); err != nil {
			return err
		}
		c.Details = map[string]any{"from": string(cur.State), "to": string(RequestFulfilled), "kind": string(cur.Kind), "accounts": len(results)}
		return w.event(ctx, tx, cur.ID, "transition", cur.State, RequestFulfilled, reason)
	})
}

// A request, its accounts, timeline, attachments (by digest) and
// disclosures are one sealed record: every change to them is a
// request:<number> change, so copying back an older page of any of these
// tables (without the key) shows in `audit verify`'s record pass.
func init() {
	RegisterSealer(Sealer{Prefix: "request:", Table: "requests", ID: "number",
		Columns: `id, number, kind, state, received_on, due_on, requester_type, requester, officer, letter_no, letter_date,
			ground, purpose, fields, approved_fields, details, assignee, prepared_by, approved_by, decision_reason, decision,
			package_sha256, answered_on, created_by, created_at, updated_at,
			(SELECT group_concat(v, char(30)) FROM (SELECT account_id || char(31) || outcome || char(31) || act AS v
				FROM request_accounts WHERE request_id = requests.id ORDER BY account_id)),
			(SELECT group_concat(v, char(30)) FROM (SELECT id || char(31) || at || char(31) || staff || char(31) || action || char(31) ||
				from_state || char(31) || to_state || char(31) || reason AS v FROM request_events WHERE request_id = requests.id ORDER BY id)),
			(SELECT group_concat(v, char(30)) FROM (SELECT id || char(31) || name || char(31) || mime || char(31) || size || char(31) ||
				sha256 || char(31) || added_by || char(31) || added_at AS v FROM request_attachments WHERE request_id = requests.id ORDER BY id)),
			(SELECT group_concat(v, char(30)) FROM (SELECT id || char(31) || account_id || char(31) || recipient || char(31) || ground ||
				char(31) || fields || char(31) || disclosed_at || char(31) || package_sha256 AS v FROM disclosures WHERE request_id = requests.id ORDER BY id))`})
}
