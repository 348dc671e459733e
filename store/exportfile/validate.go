package exportfile

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"legco.kz/compliance/store/kz"
)

// Length limits, in characters (runes), for text values.
const (
	MaxAccountID  = 100
	MaxName       = 300 // full_name, entity_name
	MaxAddress    = 500
	MaxExtraName  = 100
	MaxExtraValue = 1000
	MaxCookieID   = 200
	MaxUserAgent  = 1000
	MaxPage       = 2000
)

// cleanText trims surrounding white space, checks UTF-8, control
// characters and length, and returns the NFC form. multiline allows tab,
// CR and LF inside the value. reason is "" if the value is acceptable.
func cleanText(v string, multiline bool, max int) (out, reason string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", ""
	}
	ascii := true
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 0x80 {
			ascii = false
			// C1 control characters U+0080–U+009F are encoded C2 80–C2 9F.
			if c == 0xC2 && i+1 < len(v) && v[i+1] < 0xA0 {
				return "", "contains a control character"
			}
			continue
		}
		if c < 0x20 || c == 0x7F {
			if !multiline || (c != '\n' && c != '\r' && c != '\t') {
				if c == '\n' || c == '\r' {
					return "", "contains a line break"
				}
				return "", "contains a control character"
			}
		}
	}
	n := len(v)
	if !ascii {
		if !utf8.ValidString(v) {
			return "", "not valid UTF-8"
		}
		v = kz.NFC(v)
		n = utf8.RuneCountInString(v)
	}
	if n > max {
		return "", fmt.Sprintf("longer than %d characters (%d)", max, n)
	}
	return v, ""
}

// parseDate parses a YYYY-MM-DD calendar date.
func parseDate(s string) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	num := func(t string) int {
		n := 0
		for i := 0; i < len(t); i++ {
			if t[i] < '0' || t[i] > '9' {
				return -1
			}
			n = n*10 + int(t[i]-'0')
		}
		return n
	}
	y, m, d := num(s[:4]), num(s[5:7]), num(s[8:])
	if y < 0 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// parseTime parses an RFC 3339 timestamp with a time zone, e.g.
// "2024-03-05T14:07:00+05:00" or "2024-03-05T09:07:00.123Z".
func parseTime(s string) (time.Time, bool) {
	if len(s) < len("2006-01-02T15:04:05Z") || (s[10] != 'T' && s[10] != 't') {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
