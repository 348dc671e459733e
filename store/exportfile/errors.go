package exportfile

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// RowError describes a record that was rejected. Reading continues with
// the next record after a RowError.
type RowError struct {
	File   string // file name as given to the reader
	Line   int    // physical line (1-based) where the record starts
	Column string // contract column name, extra column name, or "" for the whole row
	Value  string // offending value, truncated to MaxErrorValue runes; may be ""
	Reason string
}

// MaxErrorValue is the number of runes of an offending value kept in a
// RowError.
const MaxErrorValue = 40

// WithoutValue is a copy without the rejected value (which may be an IIN,
// a name or an e-mail): for terminals and logs.
func (e *RowError) WithoutValue() *RowError {
	c := *e
	c.Value = ""
	return &c
}

func (e *RowError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	fmt.Fprintf(&b, " line %d", e.Line)
	if e.Column != "" {
		b.WriteString(", column ")
		b.WriteString(e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	if e.Value != "" {
		fmt.Fprintf(&b, " (value %q)", e.Value)
	}
	return b.String()
}

// HeaderError is a fatal problem with a CSV header row, such as a missing
// required column. Nothing can be read from the file.
type HeaderError struct {
	File   string
	Column string // column name, or "" if the problem is not about one column
	Reason string
}

func (e *HeaderError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("%s: header: %s", e.File, e.Reason)
	}
	return fmt.Sprintf("%s: header: column %s: %s", e.File, e.Column, e.Reason)
}

// truncate shortens v for inclusion in an error message.
func truncate(v string) string {
	if len(v) <= MaxErrorValue {
		return v
	}
	n := 0
	for i := range v {
		if n == MaxErrorValue {
			return v[:i] + "…"
		}
		n++
	}
	if !utf8.ValidString(v) {
		return strings.ToValidUTF8(v, "\uFFFD")
	}
	return v
}
