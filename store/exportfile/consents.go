package exportfile

import (
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Consent is one row of a consent-events export file: a user gave,
// withdrew or let expire a consent to one purpose of one policy edition.
// Which purposes exist is the workspace's consent catalog; the reader
// checks only the syntax of the code.
type Consent struct {
	Line        int // physical line where the record starts
	AccountID   string
	Purpose     string // catalog code, e.g. "sms_third_party"
	Event       string // given, withdrawn, expired
	Edition     int    // policy edition number
	Language    string // ru, kk: the language the user saw
	Channel     string // web, ios, android, paper, egov, other
	Time        time.Time
	IP          string // canonical form, or ""
	UserAgent   string
	DocumentRef string
	Extra       []Field
}

const (
	cnAccountID = iota
	cnPurpose
	cnEvent
	cnEdition
	cnLanguage
	cnChannel
	cnTime
	cnIP
	cnUserAgent
	cnDocumentRef
	numConsentCols
)

// ConsentColumns are the contract column names of the consent-events
// file, in the order writers use. Readers accept them in any order.
var ConsentColumns = []string{"account_id", "purpose", "event", "edition", "language", "channel", "time", "ip", "user_agent", "document_ref"}

// ConsentEvents, ConsentLanguages and ConsentChannels are the accepted
// values of the event, language and channel columns.
var (
	ConsentEvents    = []string{"given", "withdrawn", "expired"}
	ConsentLanguages = []string{"ru", "kk"}
	ConsentChannels  = []string{"web", "ios", "android", "paper", "egov", "other"}
)

// MaxDocumentRef is the longest accepted document reference (runes).
const MaxDocumentRef = 300

var consentSchema = &schema{
	names:    ConsentColumns,
	required: []int{cnAccountID, cnPurpose, cnEvent, cnEdition, cnLanguage, cnChannel, cnTime},
	slot: func(name string) int {
		for i, c := range ConsentColumns {
			if c == name {
				return i
			}
		}
		return -1
	},
}

// ConsentReader reads a consent-events export file record by record.
type ConsentReader struct {
	src *rowSource
	rec raw
}

// NewConsentReader starts reading a consent-events export file; see
// NewUserReader. Required columns: account_id, purpose, event, edition,
// language, channel, time.
func NewConsentReader(r io.Reader, name string, format Format) (*ConsentReader, error) {
	src, err := newRowSource(r, name, format, consentSchema)
	if err != nil {
		return nil, err
	}
	return &ConsentReader{src: src}, nil
}

// Next returns the next consent event, a *RowError for a rejected record
// (with a Consent that has only Line set), io.EOF at the end, or a fatal
// error.
func (r *ConsentReader) Next() (Consent, error) {
	if err := r.src.next(&r.rec); err != nil {
		if re, ok := err.(*RowError); ok {
			return Consent{Line: re.Line}, re
		}
		return Consent{}, err
	}
	c, re := r.validate(&r.rec)
	if re != nil {
		return Consent{Line: r.rec.line}, re
	}
	return c, nil
}

// BytesRead returns how many bytes of the input have been consumed.
func (r *ConsentReader) BytesRead() int64 { return r.src.bytesRead() }

func (r *ConsentReader) rowErr(col int, value, reason string) *RowError {
	return &RowError{File: r.src.file, Line: r.rec.line, Column: consentSchema.names[col], Value: truncate(value), Reason: reason}
}

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

// ValidPurposeCode reports whether s has the shape of a catalog code:
// 1–64 lower-case ASCII letters, digits and underscores, starting with a
// letter.
func ValidPurposeCode(s string) bool {
	if s == "" || len(s) > 64 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func (r *ConsentReader) validate(rec *raw) (Consent, *RowError) {
	c := Consent{Line: rec.line}
	required := func(col int) (string, *RowError) {
		v := strings.TrimSpace(rec.vals[col])
		if v == "" {
			return "", r.rowErr(col, "", "required value is empty")
		}
		return v, nil
	}
	var re *RowError
	var v string
	if v, re = required(cnAccountID); re != nil {
		return c, re
	}
	var reason string
	if c.AccountID, reason = cleanText(v, false, MaxAccountID); reason != "" {
		return c, r.rowErr(cnAccountID, v, reason)
	}
	if v, re = required(cnPurpose); re != nil {
		return c, re
	}
	if c.Purpose = strings.ToLower(v); !ValidPurposeCode(c.Purpose) {
		return c, r.rowErr(cnPurpose, v, "not a consent purpose code (e.g. policy, sms_third_party, counterparty_disclosure, targeted_ads)")
	}
	if v, re = required(cnEvent); re != nil {
		return c, re
	}
	if c.Event = strings.ToLower(v); !oneOf(c.Event, ConsentEvents) {
		return c, r.rowErr(cnEvent, v, "unknown event; use given, withdrawn or expired")
	}
	if v, re = required(cnEdition); re != nil {
		return c, re
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return c, r.rowErr(cnEdition, v, "not a policy edition number (a whole number from 1)")
	}
	c.Edition = n
	if v, re = required(cnLanguage); re != nil {
		return c, re
	}
	if c.Language = strings.ToLower(v); !oneOf(c.Language, ConsentLanguages) {
		return c, r.rowErr(cnLanguage, v, "unknown language; use ru or kk")
	}
	if v, re = required(cnChannel); re != nil {
		return c, re
	}
	if c.Channel = strings.ToLower(v); !oneOf(c.Channel, ConsentChannels) {
		return c, r.rowErr(cnChannel, v, "unknown channel; use web, ios, android, paper, egov or other")
	}
	if v, re = required(cnTime); re != nil {
		return c, re
	}
	t, ok := parseTime(v)
	if !ok {
		return c, r.rowErr(cnTime, v, "not an RFC 3339 timestamp with time zone (e.g. 2024-03-05T14:07:00+05:00)")
	}
	c.Time = t
	if v := strings.TrimSpace(rec.vals[cnIP]); v != "" {
		ip, err := netip.ParseAddr(v)
		if err != nil || ip.Zone() != "" {
			return c, r.rowErr(cnIP, v, "not an IPv4 or IPv6 address")
		}
		c.IP = ip.Unmap().String()
	}
	if c.UserAgent, reason = cleanText(rec.vals[cnUserAgent], false, MaxUserAgent); reason != "" {
		return c, r.rowErr(cnUserAgent, rec.vals[cnUserAgent], reason)
	}
	if c.DocumentRef, reason = cleanText(rec.vals[cnDocumentRef], true, MaxDocumentRef); reason != "" {
		return c, r.rowErr(cnDocumentRef, rec.vals[cnDocumentRef], reason)
	}
	if len(rec.extra) > 0 {
		extra, re := cleanExtra(r.src.file, rec)
		if re != nil {
			return c, re
		}
		c.Extra = extra
	}
	return c, nil
}

// ConsentWriter writes a consent-events export file; see UserWriter.
type ConsentWriter struct{ w *writer }

// NewConsentWriter returns a writer of consent events.
func NewConsentWriter(w io.Writer, format Format, extraColumns ...string) *ConsentWriter {
	return &ConsentWriter{newWriter(w, format, ConsentColumns, extraColumns)}
}

// Write writes one consent event. Line is ignored.
func (w *ConsentWriter) Write(c Consent) error {
	ed := ""
	if c.Edition > 0 {
		ed = strconv.Itoa(c.Edition)
	}
	vals := [numConsentCols]string{
		cnAccountID:   c.AccountID,
		cnPurpose:     c.Purpose,
		cnEvent:       c.Event,
		cnEdition:     ed,
		cnLanguage:    c.Language,
		cnChannel:     c.Channel,
		cnTime:        formatTime(c.Time),
		cnIP:          c.IP,
		cnUserAgent:   c.UserAgent,
		cnDocumentRef: c.DocumentRef,
	}
	return w.w.write(vals[:], c.Extra)
}

// Flush writes buffered data to the underlying writer.
func (w *ConsentWriter) Flush() error { return w.w.flush() }
