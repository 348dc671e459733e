package exportfile

import (
	"io"
	"net/netip"
	"strings"
	"time"
)

// Access is one row of an access-log export file: data sent automatically
// by the user's browser or app (clause 1.1.2 of the privacy policy).
type Access struct {
	Line      int // physical line where the record starts
	AccountID string
	Time      time.Time
	IP        string // canonical form (IPv4 dotted, IPv6 RFC 5952), or ""
	CookieID  string
	UserAgent string
	Page      string
	Extra     []Field // columns outside the contract with non-empty values, in order
}

const (
	acAccountID = iota
	acTime
	acIP
	acCookieID
	acUserAgent
	acPage
	numAccessCols
)

// AccessColumns are the contract column names of the access-log file, in
// the order writers use. Readers accept them in any order.
var AccessColumns = []string{"account_id", "time", "ip", "cookie_id", "user_agent", "page"}

var accessSchema = &schema{
	names:    AccessColumns,
	required: []int{acAccountID, acTime},
	slot: func(name string) int {
		switch name {
		case "account_id":
			return acAccountID
		case "time":
			return acTime
		case "ip":
			return acIP
		case "cookie_id":
			return acCookieID
		case "user_agent":
			return acUserAgent
		case "page":
			return acPage
		}
		return -1
	},
}

// AccessReader reads an access-log export file record by record.
type AccessReader struct {
	src *rowSource
	rec raw
}

// NewAccessReader starts reading an access-log export file; see
// NewUserReader. Required columns are account_id and time.
func NewAccessReader(r io.Reader, name string, format Format) (*AccessReader, error) {
	src, err := newRowSource(r, name, format, accessSchema)
	if err != nil {
		return nil, err
	}
	return &AccessReader{src: src}, nil
}

// Next returns the next access-log entry, a *RowError for a rejected
// record (with an Access that has only Line set), io.EOF at the end, or a
// fatal error.
func (r *AccessReader) Next() (Access, error) {
	if err := r.src.next(&r.rec); err != nil {
		if re, ok := err.(*RowError); ok {
			return Access{Line: re.Line}, re
		}
		return Access{}, err
	}
	a, re := r.validate(&r.rec)
	if re != nil {
		return Access{Line: r.rec.line}, re
	}
	return a, nil
}

// BytesRead returns how many bytes of the input have been consumed.
func (r *AccessReader) BytesRead() int64 { return r.src.bytesRead() }

// Columns returns the CSV header names, or nil for JSON Lines.
func (r *AccessReader) Columns() []string { return r.src.hdr }

func (r *AccessReader) rowErr(col int, value, reason string) *RowError {
	return &RowError{File: r.src.file, Line: r.rec.line, Column: accessSchema.names[col], Value: truncate(value), Reason: reason}
}

func (r *AccessReader) validate(rec *raw) (Access, *RowError) {
	a := Access{Line: rec.line}
	check := func(col int, max int) (string, *RowError) {
		v, reason := cleanText(rec.vals[col], false, max)
		if reason != "" {
			return "", r.rowErr(col, rec.vals[col], reason)
		}
		return v, nil
	}
	var re *RowError
	if a.AccountID, re = check(acAccountID, MaxAccountID); re != nil {
		return Access{}, re
	}
	if a.AccountID == "" {
		return Access{}, r.rowErr(acAccountID, "", "required value is empty")
	}
	v := strings.TrimSpace(rec.vals[acTime])
	if v == "" {
		return Access{}, r.rowErr(acTime, "", "required value is empty")
	}
	t, ok := parseTime(v)
	if !ok {
		return Access{}, r.rowErr(acTime, v, "not an RFC 3339 timestamp with time zone (e.g. 2024-03-05T14:07:00+05:00)")
	}
	a.Time = t
	if v := strings.TrimSpace(rec.vals[acIP]); v != "" {
		ip, err := netip.ParseAddr(v)
		if err != nil || ip.Zone() != "" {
			return Access{}, r.rowErr(acIP, v, "not an IPv4 or IPv6 address")
		}
		a.IP = ip.Unmap().String()
	}
	if a.CookieID, re = check(acCookieID, MaxCookieID); re != nil {
		return Access{}, re
	}
	if a.UserAgent, re = check(acUserAgent, MaxUserAgent); re != nil {
		return Access{}, re
	}
	if a.Page, re = check(acPage, MaxPage); re != nil {
		return Access{}, re
	}
	if len(rec.extra) > 0 {
		extra, re := cleanExtra(r.src.file, rec)
		if re != nil {
			return Access{}, re
		}
		a.Extra = extra
	}
	return a, nil
}
