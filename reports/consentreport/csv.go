package consentreport

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

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
	rec := make([]string, len(CSVColumns))
	rows := 0
	err = ws.EachConsentState(ctx, f, func(s store.ConsentStateRow) error {
		rec[0], rec[1], rec[2] = s.AccountID, s.Purpose, string(s.State)
		rec[3], rec[4], rec[5] = strconv.Itoa(s.Edition), s.Channel, s.Language
		rec[6] = s.At.In(loc).Format(time.RFC3339)
		if err := cw.Write(rec); err != nil {
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
	cw.Flush()
	if err := cw.Error(); err != nil {
		return rows, err
	}
	return rows, bw.Flush()
}
