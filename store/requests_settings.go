package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"legco.kz/compliance/store/kz"
	"legco.kz/compliance/store/workdays"
)

// RequestDeadlines are the answer terms in working days, per kind. The
// defaults are the legal team's reading of Law No. 94-V: 3 working days
// to answer a subject's request for information (access, recipients), 1
// working day to correct, block or destroy (and to stop processing on a
// withdrawal). Disclosure requests default to 3.
type RequestDeadlines map[RequestKind]int

// DefaultRequestDeadlines apply until an admin changes them.
var DefaultRequestDeadlines = RequestDeadlines{
	KindDisclosure: 3, KindAccess: 3, KindRecipients: 3,
	KindRectification: 1, KindBlocking: 1, KindDestruction: 1, KindWithdrawal: 1,
}

// Days is the term of kind.
func (d RequestDeadlines) Days(k RequestKind) int {
	if n, ok := d[k]; ok {
		return n
	}
	return DefaultRequestDeadlines[k]
}

const deadlineKey = "requests.deadline."

// RequestDeadlines reads the terms (defaults where none are set).
func (w *Workspace) RequestDeadlines(ctx context.Context) (RequestDeadlines, error) {
	out := RequestDeadlines{}
	for k, v := range DefaultRequestDeadlines {
		out[k] = v
	}
	rows, err := w.db.QueryContext(ctx, `SELECT key, value FROM settings WHERE key LIKE 'requests.deadline.%'`)
	if err != nil {
		return out, fmt.Errorf("request deadlines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return out, err
		}
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			out[RequestKind(strings.TrimPrefix(k, deadlineKey))] = n
		}
	}
	return out, rows.Err()
}

// SetRequestDeadline changes the term of one kind (admin; audited). It
// applies to requests received from now on; existing due dates stay.
func (w *Workspace) SetRequestDeadline(ctx context.Context, kind RequestKind, days int, reason string) error {
	if _, err := parseKind(string(kind)); err != nil {
		return err
	}
	if days < 1 || days > 30 {
		return &ValidationError{Field: "days", Reason: "must be between 1 and 30 working days"}
	}
	if err := requireReason(reason); err != nil {
		return err
	}
	return w.change(ctx, Change{Perm: PermSettings, Action: "settings.request-deadline", Object: "settings", Reason: reason,
		Details: map[string]any{"kind": string(kind), "working_days": days}},
		func(tx *sql.Tx, c *Change) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES (?, ?)
				ON CONFLICT(key) DO UPDATE SET value = excluded.value`, deadlineKey+string(kind), strconv.Itoa(days))
			return err
		})
}

const calendarKey = "calendar.workdays"

var calendarCache sync.Map // text → *workdays.Calendar

func parseCalendarCached(name, text string) (*workdays.Calendar, error) {
	if c, ok := calendarCache.Load(text); ok {
		return c.(*workdays.Calendar), nil
	}
	c, err := workdays.Parse(name, strings.NewReader(text))
	if err != nil {
		return nil, err
	}
	calendarCache.Store(text, c)
	return c, nil
}

// CalendarText is the workspace's working-day calendar (the built-in one
// until an admin edits it) and whether it was edited.
func (w *Workspace) CalendarText(ctx context.Context) (text string, edited bool, err error) {
	err = w.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, calendarKey).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return workdays.BuiltinText(), false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("working-day calendar: %w", err)
	}
	return text, true, nil
}

// Calendar is the parsed working-day calendar deadlines are counted in.
func (w *Workspace) Calendar(ctx context.Context) (*workdays.Calendar, error) {
	text, edited, err := w.CalendarText(ctx)
	if err != nil {
		return nil, err
	}
	name := "built-in calendar"
	if edited {
		name = "workspace calendar"
	}
	return parseCalendarCached(name, text)
}

// SetCalendar replaces the workspace's working-day calendar (admin; the
// audit entry keeps the digest of old and new text). The text must parse;
// errors name the line and field. Due dates of existing requests stay.
func (w *Workspace) SetCalendar(ctx context.Context, text, reason string) error {
	text = kz.NFC(text)
	if _, err := workdays.Parse("calendar", strings.NewReader(text)); err != nil {
		return &ValidationError{Field: "calendar", Reason: err.Error()}
	}
	if err := requireReason(reason); err != nil {
		return err
	}
	old, _, err := w.CalendarText(ctx)
	if err != nil {
		return err
	}
	return w.change(ctx, Change{Perm: PermSettings, Action: "settings.calendar", Object: "settings", Reason: reason,
		Details: map[string]any{"old_sha256": sha256Hex([]byte(old)), "new_sha256": sha256Hex([]byte(text)), "lines": strings.Count(text, "\n") + 1}},
		func(tx *sql.Tx, c *Change) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES (?, ?)
				ON CONFLICT(key) DO UPDATE SET value = excluded.value`, calendarKey, text)
			return err
		})
}
