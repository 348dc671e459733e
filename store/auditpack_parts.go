package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"legco.kz/compliance/store/workdays"
)

// The audit pack's parts (issue #12) read the requests and disclosures
// of a period through the pack's snapshot, so a part agrees with the
// audit log beside it even when staff work while the pack is made.
// Periods are dates (midnight UTC of the day, as the requests' own dates
// are kept), both included; a zero date leaves that end open.

// RequestRegisterRow is one request of the requests register: what was
// asked, by whom (by type; the requester's name is the caller's to print
// or not), about which accounts, and how and when it was answered.
type RequestRegisterRow struct {
	Number        string
	Kind          RequestKind
	State         RequestState
	Decision      string // approved, partially_approved, rejected; "" before a decision
	Received      string // YYYY-MM-DD
	Due           string
	Answered      string // "" while unanswered
	RequesterType RequesterType
	Requester     string
	Ground        Ground
	Accounts      []string // account ids, sorted
	// Late: answered after the due date, or still open past it on the
	// day the register is made as of.
	Late bool
	// Days are working days from receipt to the answer (0 unanswered).
	Days int
}

// RequestRegister lists the requests received in [from, to] (dates,
// inclusive, zero = open) in order of receipt, as of asOf (the day that
// decides whether an open request is late).
func (s *PackSnapshot) RequestRegister(ctx context.Context, from, to, asOf time.Time) ([]RequestRegisterRow, error) {
	cal, err := s.w.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	var where []string
	var args []any
	if !from.IsZero() {
		where, args = append(where, "r.received_on >= ?"), append(args, dayText(from))
	}
	if !to.IsZero() {
		where, args = append(where, "r.received_on <= ?"), append(args, dayText(to))
	}
	q := `SELECT r.number, r.kind, r.state, r.decision, r.received_on, r.due_on, r.answered_on, r.requester_type, r.requester, r.ground,
		(SELECT group_concat(account_id, char(31)) FROM (SELECT account_id FROM request_accounts a WHERE a.request_id = r.id ORDER BY account_id))
		FROM requests r`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.aux.QueryContext(ctx, q+` ORDER BY r.received_on, r.number`, args...)
	if err != nil {
		return nil, fmt.Errorf("requests register: %w", err)
	}
	defer rows.Close()
	today := workdays.DateOf(asOf, s.w.Location())
	var out []RequestRegisterRow
	for rows.Next() {
		var r RequestRegisterRow
		var kind, state, rt, g string
		var accts sql.NullString
		if err := rows.Scan(&r.Number, &kind, &state, &r.Decision, &r.Received, &r.Due, &r.Answered, &rt, &r.Requester, &g, &accts); err != nil {
			return nil, fmt.Errorf("requests register: %w", err)
		}
		r.Kind, r.State, r.RequesterType, r.Ground = RequestKind(kind), RequestState(state), RequesterType(rt), Ground(g)
		if accts.String != "" {
			r.Accounts = strings.Split(accts.String, "\x1f")
		}
		due := parseDate(r.Due)
		if r.Answered != "" {
			r.Late = parseDate(r.Answered).After(due)
			r.Days = cal.Between(parseDate(r.Received), parseDate(r.Answered))
		} else {
			r.Late = r.State.Open() && today.After(due)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// DisclosureRegister is Workspace.DisclosureRegister read in the
// snapshot.
func (s *PackSnapshot) DisclosureRegister(ctx context.Context, from, to time.Time) ([]Disclosure, error) {
	return s.w.disclosures(ctx, s.aux, from, to, "")
}

// TransparencyReport is Workspace.TransparencyReport read in the
// snapshot, with open requests judged late as of asOf (not the clock)
// and the snapshot's chain head; MadeAt and MadeBy are the caller's.
func (s *PackSnapshot) TransparencyReport(ctx context.Context, from, to, asOf time.Time) (*Transparency, error) {
	t, err := s.w.transparencyReport(ctx, s.aux, from, to, workdays.DateOf(asOf, s.w.Location()))
	if err != nil {
		return nil, err
	}
	t.AuditHead, t.MadeAt, t.MadeBy = s.Head, time.Time{}, Staff{}
	return t, nil
}

// RequestsReceivedSince is the first day a request in the snapshot was
// received (zero when there are none): the start of an open period.
func (s *PackSnapshot) RequestsReceivedSince(ctx context.Context) (time.Time, error) {
	var first sql.NullString
	if err := s.aux.QueryRowContext(ctx, `SELECT min(received_on) FROM requests`).Scan(&first); err != nil {
		return time.Time{}, fmt.Errorf("requests: first receipt: %w", err)
	}
	if !first.Valid {
		return time.Time{}, nil
	}
	return parseDate(first.String), nil
}
