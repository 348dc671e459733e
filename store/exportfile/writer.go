package exportfile

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"time"
)

// writer is the format-specific part shared by UserWriter and AccessWriter.
type writer struct {
	format   Format
	bw       *bufio.Writer
	cw       *csv.Writer
	columns  []string       // CSV header: contract columns then extra columns
	extraIdx map[string]int // extra column name → index in columns
	contract map[string]bool
	header   bool
	rec      []string
	buf      []byte
	err      error
}

func newWriter(w io.Writer, format Format, contract, extra []string) *writer {
	wr := &writer{format: format, bw: bufio.NewWriterSize(w, 64<<10), contract: map[string]bool{}}
	for _, c := range contract {
		wr.contract[c] = true
	}
	wr.columns = append(append([]string(nil), contract...), extra...)
	wr.extraIdx = make(map[string]int, len(extra))
	for i, name := range extra {
		switch {
		case wr.contract[name]:
			wr.err = fmt.Errorf("exportfile: extra column %q is a contract column", name)
		case name == "":
			wr.err = fmt.Errorf("exportfile: empty extra column name")
		default:
			if _, dup := wr.extraIdx[name]; dup {
				wr.err = fmt.Errorf("exportfile: extra column %q given twice", name)
			}
		}
		wr.extraIdx[name] = len(contract) + i
	}
	switch format {
	case CSV:
		wr.cw = csv.NewWriter(wr.bw)
		wr.rec = make([]string, len(wr.columns))
	case JSONL:
	default:
		wr.err = ErrUnknownFormat
	}
	return wr
}

func (wr *writer) writeHeader() {
	if wr.header || wr.err != nil || wr.format != CSV {
		return
	}
	wr.header = true
	wr.err = wr.cw.Write(wr.columns)
}

// write emits one record given contract values (in contract order) and
// extra fields.
func (wr *writer) write(vals []string, extra []Field) error {
	if wr.err != nil {
		return wr.err
	}
	if wr.format == CSV {
		wr.writeHeader()
		copy(wr.rec, vals)
		clear(wr.rec[len(vals):])
		for _, f := range extra {
			i, ok := wr.extraIdx[f.Name]
			if !ok {
				return fmt.Errorf("exportfile: extra field %q is not a column of this CSV writer", f.Name)
			}
			wr.rec[i] = f.Value
		}
		if err := wr.cw.Write(wr.rec); err != nil {
			wr.err = err
		}
		return wr.err
	}
	b := append(wr.buf[:0], '{')
	first := true
	field := func(name, v string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendJSONString(b, name)
		b = append(b, ':')
		b = appendJSONString(b, v)
	}
	for i, v := range vals {
		if v != "" || i == 0 {
			field(wr.columns[i], v)
		}
	}
	for _, f := range extra {
		if wr.contract[f.Name] || f.Name == "" {
			return fmt.Errorf("exportfile: extra field name %q is empty or a contract column", f.Name)
		}
		field(f.Name, f.Value)
	}
	b = append(b, '}', '\n')
	wr.buf = b
	if _, err := wr.bw.Write(b); err != nil {
		wr.err = err
	}
	return wr.err
}

func (wr *writer) flush() error {
	wr.writeHeader()
	if wr.err != nil {
		return wr.err
	}
	if wr.cw != nil {
		wr.cw.Flush()
		if err := wr.cw.Error(); err != nil {
			wr.err = err
			return err
		}
	}
	if err := wr.bw.Flush(); err != nil {
		wr.err = err
	}
	return wr.err
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

// UserWriter writes a users export file. CSV output is UTF-8 without a
// byte order mark, comma-separated, LF line ends, with a header row of
// UserColumns followed by the extra columns given to NewUserWriter.
// JSON Lines output has one object per line with the non-empty values
// (account_id always), contract keys first, then extra fields in order.
type UserWriter struct{ w *writer }

// NewUserWriter returns a writer of users in the given format. For CSV,
// extraColumns lists the extra columns (Extra field names) that may occur;
// writing a User with another extra field is an error. For JSON Lines all
// extra fields are written and extraColumns is only checked.
func NewUserWriter(w io.Writer, format Format, extraColumns ...string) *UserWriter {
	return &UserWriter{newWriter(w, format, UserColumns, extraColumns)}
}

// Write writes one user. Values are written as given (callers normalise).
// Line is ignored.
func (w *UserWriter) Write(u User) error {
	vals := [numUserCols]string{
		colAccountID:    u.AccountID,
		colFullName:     u.FullName,
		colIIN:          u.IIN,
		colPhone:        u.Phone,
		colEmail:        u.Email,
		colBirthDate:    u.BirthDate,
		colAddress:      u.Address,
		colEntityBIN:    u.EntityBIN,
		colEntityName:   u.EntityName,
		colRegisteredAt: formatTime(u.RegisteredAt),
	}
	return w.w.write(vals[:], u.Extra)
}

// Flush writes buffered data (and the CSV header, if no user was written)
// to the underlying writer and reports any error that occurred.
func (w *UserWriter) Flush() error { return w.w.flush() }

// AccessWriter writes an access-log export file; see UserWriter.
type AccessWriter struct{ w *writer }

// NewAccessWriter returns a writer of access-log entries; see
// NewUserWriter.
func NewAccessWriter(w io.Writer, format Format, extraColumns ...string) *AccessWriter {
	return &AccessWriter{newWriter(w, format, AccessColumns, extraColumns)}
}

// Write writes one access-log entry. Line is ignored.
func (w *AccessWriter) Write(a Access) error {
	vals := [numAccessCols]string{
		acAccountID: a.AccountID,
		acTime:      formatTime(a.Time),
		acIP:        a.IP,
		acCookieID:  a.CookieID,
		acUserAgent: a.UserAgent,
		acPage:      a.Page,
	}
	return w.w.write(vals[:], a.Extra)
}

// Flush writes buffered data to the underlying writer.
func (w *AccessWriter) Flush() error { return w.w.flush() }
