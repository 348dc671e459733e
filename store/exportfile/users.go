package exportfile

import (
	"fmt"
	"io"
	"strings"
	"time"

	"legco.kz/compliance/store/kz"
)

// User is one row of a users export file: the personal data a LegCo user
// provided at registration (clause 1.1.1 of the privacy policy).
type User struct {
	Line         int    // physical line where the record starts
	AccountID    string // required, unique within a file
	FullName     string // required
	IIN          string // 12 digits with a valid check digit, or ""
	Phone        string // E.164 "+7XXXXXXXXXX", or ""
	Email        string // domain lower-cased, or ""
	Address      string // may contain line breaks
	EntityBIN    string // BIN of the legal entity the user represents, or ""
	EntityName   string // name of that legal entity; set iff EntityBIN is
	BirthDate    string // "YYYY-MM-DD" or ""
	RegisteredAt time.Time
	Extra        []Field // columns outside the contract with non-empty values, in order
}

// User columns, in the order writers use.
const (
	colAccountID = iota
	colFullName
	colIIN
	colPhone
	colEmail
	colBirthDate
	colAddress
	colEntityBIN
	colEntityName
	colRegisteredAt
	numUserCols
)

// UserColumns are the contract column names of the users file, in the
// order writers use. Readers accept them in any order.
var UserColumns = []string{"account_id", "full_name", "iin", "phone", "email", "birth_date", "address", "entity_bin", "entity_name", "registered_at"}

var userSchema = &schema{
	names:    UserColumns,
	required: []int{colAccountID, colFullName},
	slot: func(name string) int {
		switch name {
		case "account_id":
			return colAccountID
		case "full_name":
			return colFullName
		case "iin":
			return colIIN
		case "phone":
			return colPhone
		case "email":
			return colEmail
		case "birth_date":
			return colBirthDate
		case "address":
			return colAddress
		case "entity_bin":
			return colEntityBIN
		case "entity_name":
			return colEntityName
		case "registered_at":
			return colRegisteredAt
		}
		return -1
	},
}

// UserReader reads a users export file record by record.
type UserReader struct {
	src  *rowSource
	rec  raw
	seen map[string]int // account_id → line of its first valid row
	now  time.Time
}

// NewUserReader starts reading a users export file. name is used in error
// messages only. For CSV the header row is read immediately; a missing
// required column (account_id, full_name), a duplicate or empty column
// name or an empty file is a *HeaderError.
func NewUserReader(r io.Reader, name string, format Format) (*UserReader, error) {
	src, err := newRowSource(r, name, format, userSchema)
	if err != nil {
		return nil, err
	}
	return &UserReader{src: src, seen: make(map[string]int), now: time.Now()}, nil
}

// Next returns the next user. For a rejected record it returns a User with
// only Line set and a *RowError; the caller may continue calling Next. At
// the end of the file it returns io.EOF. Any other error is fatal and is
// returned again by later calls.
//
// Only valid rows take part in duplicate detection: the second valid row
// with an account_id already seen is rejected.
func (r *UserReader) Next() (User, error) {
	if err := r.src.next(&r.rec); err != nil {
		if re, ok := err.(*RowError); ok {
			return User{Line: re.Line}, re
		}
		return User{}, err
	}
	u, re := r.validate(&r.rec)
	if re != nil {
		return User{Line: r.rec.line}, re
	}
	if first, dup := r.seen[u.AccountID]; dup {
		return User{Line: u.Line}, r.rowErr(colAccountID, u.AccountID, fmt.Sprintf("duplicate account_id (first on line %d)", first))
	}
	r.seen[strings.Clone(u.AccountID)] = u.Line
	return u, nil
}

// BytesRead returns how many bytes of the input have been consumed, for
// progress reporting. It runs ahead of the records returned by up to the
// read buffer size (64 KiB).
func (r *UserReader) BytesRead() int64 { return r.src.bytesRead() }

// Columns returns the CSV header names (contract names canonicalised), or
// nil for JSON Lines.
func (r *UserReader) Columns() []string { return r.src.hdr }

func (r *UserReader) rowErr(col int, value, reason string) *RowError {
	return &RowError{File: r.src.file, Line: r.rec.line, Column: userSchema.names[col], Value: truncate(value), Reason: reason}
}

func (r *UserReader) validate(rec *raw) (User, *RowError) {
	u := User{Line: rec.line}
	var reason string
	text := func(col int, multiline bool, max int) string {
		if reason != "" {
			return ""
		}
		var v string
		v, reason = cleanText(rec.vals[col], multiline, max)
		return v
	}
	fail := func(col int, value string) (User, *RowError) {
		return User{}, r.rowErr(col, value, reason)
	}

	if u.AccountID = text(colAccountID, false, MaxAccountID); reason != "" {
		return fail(colAccountID, rec.vals[colAccountID])
	}
	if u.AccountID == "" {
		return User{}, r.rowErr(colAccountID, "", "required value is empty")
	}
	if u.FullName = text(colFullName, false, MaxName); reason != "" {
		return fail(colFullName, rec.vals[colFullName])
	}
	if u.FullName == "" {
		return User{}, r.rowErr(colFullName, "", "required value is empty")
	}
	if u.IIN = text(colIIN, false, 64); reason != "" {
		return fail(colIIN, rec.vals[colIIN])
	}
	if u.IIN != "" {
		if err := kz.ValidateIIN(u.IIN); err != nil {
			return User{}, r.rowErr(colIIN, u.IIN, "IIN "+err.Error())
		}
	}
	if v := strings.TrimSpace(rec.vals[colPhone]); v != "" {
		p, err := kz.NormalizePhone(v)
		if err != nil {
			return User{}, r.rowErr(colPhone, v, err.Error())
		}
		u.Phone = p
	}
	if v := strings.TrimSpace(rec.vals[colEmail]); v != "" {
		e, err := kz.NormalizeEmail(kz.NFC(v))
		if err != nil {
			return User{}, r.rowErr(colEmail, v, err.Error())
		}
		u.Email = e
	}
	if v := strings.TrimSpace(rec.vals[colBirthDate]); v != "" {
		d, ok := parseDate(v)
		switch {
		case !ok:
			return User{}, r.rowErr(colBirthDate, v, "not a date in the form YYYY-MM-DD")
		case d.Year() < 1800:
			return User{}, r.rowErr(colBirthDate, v, "before 1800")
		case d.After(r.now):
			return User{}, r.rowErr(colBirthDate, v, "in the future")
		}
		u.BirthDate = v
	}
	if u.Address = text(colAddress, true, MaxAddress); reason != "" {
		return fail(colAddress, rec.vals[colAddress])
	}
	if u.EntityBIN = text(colEntityBIN, false, 64); reason != "" {
		return fail(colEntityBIN, rec.vals[colEntityBIN])
	}
	if u.EntityName = text(colEntityName, false, MaxName); reason != "" {
		return fail(colEntityName, rec.vals[colEntityName])
	}
	switch {
	case u.EntityBIN != "":
		if err := kz.ValidateBIN(u.EntityBIN); err != nil {
			return User{}, r.rowErr(colEntityBIN, u.EntityBIN, "BIN "+err.Error())
		}
		if u.EntityName == "" {
			return User{}, r.rowErr(colEntityName, "", "required when entity_bin is given")
		}
	case u.EntityName != "":
		return User{}, r.rowErr(colEntityBIN, "", "required when entity_name is given")
	}
	if v := strings.TrimSpace(rec.vals[colRegisteredAt]); v != "" {
		t, ok := parseTime(v)
		if !ok {
			return User{}, r.rowErr(colRegisteredAt, v, "not an RFC 3339 timestamp with time zone (e.g. 2024-03-05T14:07:00+05:00)")
		}
		u.RegisteredAt = t
	}
	if len(rec.extra) > 0 {
		extra, re := cleanExtra(r.src.file, rec)
		if re != nil {
			return User{}, re
		}
		u.Extra = extra
	}
	return u, nil
}

// cleanExtra validates and normalises the extra columns of rec, dropping
// those whose value is blank.
func cleanExtra(file string, rec *raw) ([]Field, *RowError) {
	out := make([]Field, 0, len(rec.extra))
	for _, f := range rec.extra {
		name, reason := cleanText(f.Name, false, MaxExtraName)
		if reason != "" {
			return nil, &RowError{File: file, Line: rec.line, Column: truncate(f.Name), Reason: "column name " + reason}
		}
		v, reason := cleanText(f.Value, true, MaxExtraValue)
		if reason != "" {
			return nil, &RowError{File: file, Line: rec.line, Column: name, Value: truncate(f.Value), Reason: reason}
		}
		if v != "" {
			out = append(out, Field{Name: name, Value: v})
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}
