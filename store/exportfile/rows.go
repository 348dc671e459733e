package exportfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"legco.kz/compliance/store/kz"
)

// Field is a named value of a column outside the contract (an "extra"
// column), kept in header order (CSV) or key order (JSON Lines).
type Field struct {
	Name  string
	Value string
}

// schema describes the contract columns of one kind of file.
type schema struct {
	names    []string // contract column names, indexed by slot
	required []int    // slots required in the CSV header and in every record
	slot     func(name string) int
}

func (s *schema) lookup(name string) int {
	if i := s.slot(name); i >= 0 {
		return i
	}
	return s.slot(strings.ToLower(strings.TrimSpace(name)))
}

// maxSlots is the largest number of contract columns of any schema.
const maxSlots = 10

// raw is one record before validation: contract values by slot, and extra
// columns in order. Values are as read, not yet trimmed or normalised.
type raw struct {
	line  int
	vals  [maxSlots]string
	extra []Field
}

// rowSource reads records from a CSV or JSON Lines stream.
type rowSource struct {
	file   string
	format Format
	schema *schema
	br     *bufio.Reader
	bom    int64
	fatal  error

	// CSV
	cr   *csv.Reader
	cap  *capReader
	cols []int    // slot of each column, or -1 for an extra column
	hdr  []string // header names, normalised
	sep  rune

	// JSON Lines
	line   int
	offset int64
	long   []byte
	jp     jsonParser
}

const readBufferSize = 64 << 10

// maxLine is the longest accepted JSON Lines line.
const maxLine = 4 << 20

func newRowSource(r io.Reader, name string, format Format, s *schema) (*rowSource, error) {
	src := &rowSource{file: name, format: format, schema: s}
	src.br = bufio.NewReaderSize(r, readBufferSize)
	if b, _ := src.br.Peek(3); bytes.Equal(b, bom) {
		src.br.Discard(3)
		src.bom = 3
	}
	switch format {
	case CSV:
		if err := src.readHeader(); err != nil {
			return nil, err
		}
	case JSONL:
	default:
		return nil, fmt.Errorf("%s: %w", name, ErrUnknownFormat)
	}
	return src, nil
}

// detectSeparator returns ';' if the first line of head has more
// semicolons than commas outside quotes, else ','.
func detectSeparator(head []byte) rune {
	commas, semis := 0, 0
	inQuote := false
	for _, c := range head {
		switch c {
		case '"':
			inQuote = !inQuote
		case ',':
			if !inQuote {
				commas++
			}
		case ';':
			if !inQuote {
				semis++
			}
		case '\n':
			if !inQuote {
				goto done
			}
		}
	}
done:
	if semis > commas {
		return ';'
	}
	return ','
}

func (src *rowSource) readHeader() error {
	head, _ := src.br.Peek(readBufferSize)
	src.sep = detectSeparator(head)
	src.cap = &capReader{r: src.br}
	src.cap.startRecord(0)
	src.cr = csv.NewReader(src.cap)
	src.cr.Comma = src.sep
	src.cr.FieldsPerRecord = -1
	src.cr.ReuseRecord = true
	rec, err := src.cr.Read()
	if err == io.EOF {
		return &HeaderError{File: src.file, Reason: "file is empty (no header row)"}
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &HeaderError{File: src.file, Reason: "malformed header row: " + pe.Err.Error()}
	}
	if errors.Is(err, errRecordCap) {
		return &HeaderError{File: src.file, Reason: fmt.Sprintf("the header row runs past %d MiB (an unterminated quote on line 1?)", MaxRecordBytes>>20)}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", src.file, err)
	}
	src.cols = make([]int, len(rec))
	src.hdr = make([]string, len(rec))
	seen := make(map[string]int, len(rec))
	for i, h := range rec {
		name := kz.NFC(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		slot := src.schema.lookup(name)
		if slot >= 0 {
			name = src.schema.names[slot]
		}
		if name == "" {
			return &HeaderError{File: src.file, Reason: fmt.Sprintf("column %d has no name", i+1)}
		}
		if !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl) {
			return &HeaderError{File: src.file, Column: truncate(name), Reason: "column name is not valid text"}
		}
		if j, dup := seen[name]; dup {
			return &HeaderError{File: src.file, Column: name, Reason: fmt.Sprintf("appears twice (columns %d and %d)", j+1, i+1)}
		}
		seen[name] = i
		src.cols[i] = slot
		src.hdr[i] = name
	}
	for _, slot := range src.schema.required {
		if _, ok := seen[src.schema.names[slot]]; !ok {
			return &HeaderError{File: src.file, Column: src.schema.names[slot], Reason: "required column is missing"}
		}
	}
	return nil
}

// bytesRead returns the number of input bytes consumed so far.
func (src *rowSource) bytesRead() int64 {
	if src.cr != nil {
		return src.bom + src.cr.InputOffset()
	}
	return src.bom + src.offset
}

// next reads the next non-blank record into rec. It returns a *RowError for
// a record that cannot be parsed, io.EOF at the end, or a fatal error.
func (src *rowSource) next(rec *raw) error {
	if src.fatal != nil {
		return src.fatal
	}
	var err error
	if src.format == CSV {
		err = src.nextCSV(rec)
	} else {
		err = src.nextJSONL(rec)
	}
	if err != nil && err != io.EOF {
		if _, ok := err.(*RowError); !ok {
			src.fatal = err
		}
	}
	return err
}

func (src *rowSource) nextCSV(rec *raw) error {
	for {
		start := src.cap.startRecord(src.cr.InputOffset())
		fields, err := src.cr.Read()
		if err == io.EOF {
			return io.EOF
		}
		if errors.Is(err, errRecordCap) {
			// Fatal: where the next record would start is unknown.
			return &RecordCapError{File: src.file, Line: start}
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return fmt.Errorf("%s: %w", src.file, err)
			}
			reason := pe.Err.Error()
			switch {
			case errors.Is(pe.Err, csv.ErrQuote):
				reason = `unterminated or malformed quoted field (a quote inside a quoted field must be doubled; truncated line?)`
			case errors.Is(pe.Err, csv.ErrBareQuote):
				reason = `quote in an unquoted field (quote the field and double the quote)`
			}
			return &RowError{File: src.file, Line: pe.StartLine, Reason: reason}
		}
		line, _ := src.cr.FieldPos(0)
		if blankRecord(fields) {
			continue
		}
		if len(fields) != len(src.cols) {
			if len(fields) < len(src.cols) || !blankRecord(fields[len(src.cols):]) {
				return &RowError{File: src.file, Line: line,
					Reason: fmt.Sprintf("has %d fields, the header has %d (separator %q; truncated line?)", len(fields), len(src.cols), src.sep)}
			}
			fields = fields[:len(src.cols)]
		}
		for i, v := range fields {
			if len(v) > MaxFieldBytes {
				col := ""
				if i < len(src.hdr) {
					col = src.hdr[i]
				}
				return &RowError{File: src.file, Line: line, Column: col, Reason: fmt.Sprintf("value is %d bytes, more than %d KiB", len(v), MaxFieldBytes>>10)}
			}
		}
		*rec = raw{line: line}
		for i, v := range fields {
			if slot := src.cols[i]; slot >= 0 {
				rec.vals[slot] = v
			} else if v != "" {
				rec.extra = append(rec.extra, Field{Name: src.hdr[i], Value: v})
			}
		}
		return nil
	}
}

func blankRecord(fields []string) bool {
	for _, f := range fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// readLine returns the next physical line without its line terminator.
func (src *rowSource) readLine() (line []byte, tooLong bool, err error) {
	b, err := src.br.ReadSlice('\n')
	src.offset += int64(len(b))
	if err == bufio.ErrBufferFull {
		src.long = append(src.long[:0], b...)
		for err == bufio.ErrBufferFull {
			b, err = src.br.ReadSlice('\n')
			src.offset += int64(len(b))
			if len(src.long) <= maxLine {
				src.long = append(src.long, b...)
			} else {
				tooLong = true
			}
		}
		b = src.long
	}
	if err == io.EOF && len(b) > 0 {
		err = nil
	}
	if err != nil {
		return nil, false, err
	}
	src.line++
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) > maxLine {
		tooLong = true
	}
	return b, tooLong, nil
}

func (src *rowSource) nextJSONL(rec *raw) error {
	for {
		b, tooLong, err := src.readLine()
		if err == io.EOF {
			return io.EOF
		}
		if err != nil {
			return fmt.Errorf("%s: %w", src.file, err)
		}
		if tooLong {
			return &RowError{File: src.file, Line: src.line, Reason: fmt.Sprintf("line longer than %d MiB", maxLine>>20)}
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		*rec = raw{line: src.line}
		if perr := src.jp.parse(b, rec, src.schema); perr != nil {
			perr.File, perr.Line = src.file, src.line
			return perr
		}
		return nil
	}
}
