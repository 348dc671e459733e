package exportfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Caps on what one CSV record may hold. encoding/csv keeps a quoted value
// in memory until its closing quote: without a cap, an unterminated quote
// made the reader hold the rest of the file (200 MB file, 853 MB
// resident). A record (its lines, quoted values included) stops at
// MaxRecordBytes, a field at MaxFieldBytes; JSON Lines lines stop at
// maxLine (rows.go).
const (
	MaxRecordBytes = 4 << 20
	MaxFieldBytes  = 1 << 20
)

var errRecordCap = errors.New("record cap reached")

// capReader sits between the buffered file and encoding/csv. It refuses
// to pass more than MaxRecordBytes past the start of the current record,
// and counts lines so that the record's first line can be named.
type capReader struct {
	r     io.Reader
	total int64 // bytes passed to csv
	lines int   // newlines among them
	limit int64
	tail  []byte // the last bytes passed (csv reads ahead at most 4 KiB)
}

const capTail = 64 << 10

func (c *capReader) Read(p []byte) (int, error) {
	if c.total >= c.limit {
		return 0, errRecordCap
	}
	if room := c.limit - c.total; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := c.r.Read(p)
	c.total += int64(n)
	c.lines += bytes.Count(p[:n], []byte{'\n'})
	c.tail = append(c.tail, p[:n]...)
	if len(c.tail) > 2*capTail {
		c.tail = append(c.tail[:0], c.tail[len(c.tail)-capTail:]...)
	}
	return n, err
}

// startRecord is called before each record with csv's input offset: the
// record may read up to MaxRecordBytes from there. It returns the line the
// record starts on.
func (c *capReader) startRecord(offset int64) int {
	c.limit = offset + MaxRecordBytes
	ahead := c.total - offset // read by csv, not yet consumed
	if ahead < 0 || ahead > int64(len(c.tail)) {
		ahead = 0
	}
	return c.lines - bytes.Count(c.tail[int64(len(c.tail))-ahead:], []byte{'\n'}) + 1
}

// RecordCapError stops a CSV file whose record runs past MaxRecordBytes.
// It is fatal (not a *RowError): where the next record would start is
// unknown, so nothing after it can be read.
type RecordCapError struct {
	File string
	Line int // where the record (and its unclosed quote) starts
}

func (e *RecordCapError) Error() string {
	return fmt.Sprintf("%s line %d: the record starting here runs past %d MiB without ending: a quoted value opened on line %d is not closed (unterminated quote?); the file cannot be read past it",
		e.File, e.Line, MaxRecordBytes>>20, e.Line)
}
