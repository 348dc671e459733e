// Package exportfile reads and writes the export files that LegCo's
// production systems produce and the workstation imports: the users file
// (personal data of clause 1.1.1 of the privacy policy) and the access log
// (data sent automatically, clause 1.1.2), each as CSV or JSON Lines.
//
// Readers stream: they hold one record at a time (plus the set of account
// ids seen, to detect duplicates), so files of millions of rows can be
// imported with constant memory per row. A bad row yields a *RowError and
// reading continues with the next row; only I/O errors and header problems
// are fatal. The format is documented in docs/export-formats.md.
//
// The package is pure Go and does not depend on the workspace database.
package exportfile

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// Format is the syntax of an export file.
type Format int

const (
	// CSV is RFC 4180 comma- or semicolon-separated values with a header
	// row, UTF-8 with or without a byte order mark, CRLF or LF.
	CSV Format = iota + 1
	// JSONL is JSON Lines: one JSON object with string values per line.
	JSONL
)

func (f Format) String() string {
	switch f {
	case CSV:
		return "CSV"
	case JSONL:
		return "JSON Lines"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Ext returns the conventional file name extension, with the dot.
func (f Format) Ext() string {
	switch f {
	case CSV:
		return ".csv"
	case JSONL:
		return ".jsonl"
	}
	return ""
}

// ErrUnknownFormat is returned by DetectFormat when neither the name nor
// the content tells the format, and by readers and writers given an
// invalid Format.
var ErrUnknownFormat = errors.New("unknown export file format")

var bom = []byte("\xef\xbb\xbf")

// DetectFormat guesses the format of a file from its name and its first
// bytes (head may be empty or any prefix of the file; 512 bytes is plenty).
// Content wins over the name: a file whose first non-blank character
// (after an optional byte order mark) is '{' is JSON Lines, any other
// non-empty content is CSV. For empty content the extension decides:
// .jsonl, .ndjson and .json mean JSON Lines, .csv and .txt mean CSV.
func DetectFormat(name string, head []byte) (Format, error) {
	head = bytes.TrimPrefix(head, bom)
	head = bytes.TrimLeft(head, " \t\r\n")
	if len(head) > 0 {
		if head[0] == '{' {
			return JSONL, nil
		}
		return CSV, nil
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jsonl", ".ndjson", ".json":
		return JSONL, nil
	case ".csv", ".txt":
		return CSV, nil
	}
	return 0, fmt.Errorf("%s: %w", name, ErrUnknownFormat)
}
