package consentreport

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"legco.kz/compliance/store"
)

// CSVOptions of WriteCSV.
type CSVOptions struct {
	// Sep is the field separator: ';' (default, what Excel expects in
	// Russian and Kazakh locales) or ','.
	Sep         rune
	GeneratedAt time.Time
	Location    *time.Location
	// Progress, when set, is called every 10,000 rows with the count.
	Progress func(rows int)
	// Head and GeneratedBy, when set, are printed instead of the
	// workspace's current head and the staff member who opened it: the
	// audit pack fixes both, so that its files do not depend on who made
	// it or on changes made while it was being made.
	Head        *store.AuditHead
	GeneratedBy *store.Staff
}

// CSVColumns are the columns of the current-states export.
var CSVColumns = []string{"account_id", "purpose", "state", "edition", "channel", "language", "since"}

// WriteCSV streams the current consent states matching f as CSV that
// Excel opens correctly: a UTF-8 byte order mark, CRLF line ends, ';'
// between fields unless opts.Sep says ','. Four lines starting with "#"
// come first: when and by whom it was generated, the filters and the
// audit-chain head. Rows are written as they are read, never held.
func WriteCSV(ctx context.Context, w io.Writer, ws *store.Workspace, f store.ConsentFilter, opts CSVOptions) (int, error) {
	sep := opts.Sep
	if sep == 0 {
		sep = ';'
	}
	if sep != ';' && sep != ',' {
		return 0, fmt.Errorf("consent CSV: separator must be ';' or ',', not %q", sep)
	}
	loc := opts.Location
	if loc == nil {
		loc = kazakhstan
	}
	var head store.AuditHead
	var err error
	if opts.Head != nil {
		head = *opts.Head
	} else if head, err = ws.AuditHead(ctx); err != nil {
		return 0, err
	}
	var me store.Staff
	if opts.GeneratedBy != nil {
		me = *opts.GeneratedBy
	} else if me, err = ws.StaffMember(ctx, ws.Me().Name); err != nil {
		me = ws.Me()
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	bw.WriteString("\ufeff")
	cw := csv.NewWriter(bw)
	cw.Comma = sep
	cw.UseCRLF = true
	meta := [][]string{
		{"# generated_at", opts.GeneratedAt.In(loc).Format(time.RFC3339)},
		{"# generated_by", GeneratedBy(me)},
		{"# filters", f.Describe()},
		{"# audit_head", head.String()},
	}
	for _, m := range meta {
		cw.Write(m)
	}
	cw.Write(CSVColumns)
	cw.Flush()
	if err := cw.Error(); err != nil {
		return 0, err
	}
	// The rows are written into one reused line buffer, not through
	// csv.Writer (a []string per row); appendField quotes exactly as
	// csv.Writer does.
	line := make([]byte, 0, 256)
	rows := 0
	err = ws.EachConsentState(ctx, f, func(s store.ConsentStateRow) error {
		line = appendField(line[:0], s.AccountID, sep)
		line = append(line, byte(sep))
		line = appendField(line, s.Purpose, sep)
		line = append(line, byte(sep))
		line = appendField(line, string(s.State), sep)
		line = append(line, byte(sep))
		line = strconv.AppendInt(line, int64(s.Edition), 10)
		line = append(line, byte(sep))
		line = appendField(line, s.Channel, sep)
		line = append(line, byte(sep))
		line = appendField(line, s.Language, sep)
		line = append(line, byte(sep))
		line = s.At.In(loc).AppendFormat(line, time.RFC3339)
		line = append(line, '\r', '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
		rows++
		if rows%10000 == 0 {
			if opts.Progress != nil {
				opts.Progress(rows)
			}
			return ctx.Err()
		}
		return nil
	})
	if err != nil {
		return rows, err
	}
	return rows, bw.Flush()
}

// appendField appends a CSV field, quoted when encoding/csv's Writer
// would quote it (separator, quote, CR or LF inside, a leading space or
// space, or the field \.).
func appendField(dst []byte, field string, sep rune) []byte {
	quote := field == `\.`
	for i := 0; i < len(field) && !quote; i++ {
		switch c := field[i]; c {
		case '\n', '\r', '"', byte(sep):
			quote = true
		}
	}
	if !quote && field != "" {
		r, _ := utf8.DecodeRuneInString(field)
		quote = unicode.IsSpace(r)
	}
	if !quote {
		return append(dst, field...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(field); i++ {
		c := field[i]
		switch c {
		case '"':
			dst = append(dst, '"', '"')
		case '\r':
			// csv.Writer with UseCRLF drops a CR and writes LF as CRLF.
		case '\n':
			dst = append(dst, '\r', '\n')
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}
