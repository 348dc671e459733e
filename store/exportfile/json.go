package exportfile

import (
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonParser parses one JSON Lines record: a flat JSON object whose values
// are strings (or null, meaning absent). It is much faster than decoding
// into a map and keeps the order of keys for extra columns.
type jsonParser struct {
	sb   []byte
	seen [maxSlots]bool
}

const jsonTruncated = "JSON object is incomplete (truncated line?)"

type jsonErr struct {
	key    string
	reason string
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func skipWS(s string, i int) int {
	for i < len(s) && isJSONSpace(s[i]) {
		i++
	}
	return i
}

// parse fills rec from the JSON object in line. The returned RowError has
// File and Line unset.
func (p *jsonParser) parse(line []byte, rec *raw, sc *schema) *RowError {
	if !utf8.Valid(line) {
		return &RowError{Reason: "line is not valid UTF-8"}
	}
	if je := p.parseObject(string(line), rec, sc); je != nil {
		return &RowError{Column: truncate(je.key), Reason: je.reason}
	}
	return nil
}

func (p *jsonParser) parseObject(s string, rec *raw, sc *schema) *jsonErr {
	p.seen = [maxSlots]bool{}
	i := skipWS(s, 0)
	if i >= len(s) || s[i] != '{' {
		return &jsonErr{reason: "not a JSON object (each line must be {...})"}
	}
	i = skipWS(s, i+1)
	if i < len(s) && s[i] == '}' {
		i++
	} else {
		for {
			if i >= len(s) {
				return &jsonErr{reason: jsonTruncated}
			}
			if s[i] != '"' {
				return &jsonErr{reason: fmt.Sprintf("expected a key in double quotes at byte %d", i+1)}
			}
			key, j, err := p.str(s, i)
			if err != nil {
				return err
			}
			i = skipWS(s, j)
			if i >= len(s) {
				return &jsonErr{key: key, reason: jsonTruncated}
			}
			if s[i] != ':' {
				return &jsonErr{key: key, reason: fmt.Sprintf("expected ':' after key at byte %d", i+1)}
			}
			i = skipWS(s, i+1)
			if i >= len(s) {
				return &jsonErr{key: key, reason: jsonTruncated}
			}
			var val string
			switch c := s[i]; {
			case c == '"':
				val, i, err = p.str(s, i)
				if err != nil {
					err.key = key
					return err
				}
			case len(s)-i >= 4 && s[i:i+4] == "null":
				i += 4
			case c == 'n' && len(s)-i < 4 && "null"[:len(s)-i] == s[i:]:
				return &jsonErr{key: key, reason: jsonTruncated}
			default:
				return &jsonErr{key: key, reason: "value must be a JSON string (in double quotes) or null"}
			}
			if key == "" {
				return &jsonErr{reason: "empty key"}
			}
			if slot := sc.lookup(key); slot >= 0 {
				if p.seen[slot] {
					return &jsonErr{key: sc.names[slot], reason: "key appears twice"}
				}
				p.seen[slot] = true
				rec.vals[slot] = val
			} else {
				for _, f := range rec.extra {
					if f.Name == key {
						return &jsonErr{key: key, reason: "key appears twice"}
					}
				}
				if val != "" {
					rec.extra = append(rec.extra, Field{Name: key, Value: val})
				}
			}
			i = skipWS(s, i)
			if i >= len(s) {
				return &jsonErr{reason: jsonTruncated}
			}
			if s[i] == '}' {
				i++
				break
			}
			if s[i] != ',' {
				return &jsonErr{reason: fmt.Sprintf("expected ',' or '}' at byte %d", i+1)}
			}
			i = skipWS(s, i+1)
		}
	}
	if i = skipWS(s, i); i != len(s) {
		return &jsonErr{reason: fmt.Sprintf("unexpected data after the object at byte %d (one object per line)", i+1)}
	}
	return nil
}

// str parses the JSON string starting at s[i] == '"'. It returns the value
// and the index after the closing quote. Values without escapes share
// memory with s.
func (p *jsonParser) str(s string, i int) (string, int, *jsonErr) {
	start := i + 1
	j := start
	for j < len(s) {
		c := s[j]
		if c == '"' {
			return s[start:j], j + 1, nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", 0, &jsonErr{reason: "control character in string (must be escaped)"}
		}
		j++
	}
	if j >= len(s) {
		return "", 0, &jsonErr{reason: jsonTruncated}
	}
	b := append(p.sb[:0], s[start:j]...)
	for j < len(s) {
		c := s[j]
		switch {
		case c == '"':
			p.sb = b
			return string(b), j + 1, nil
		case c < 0x20:
			return "", 0, &jsonErr{reason: "control character in string (must be escaped)"}
		case c != '\\':
			b = append(b, c)
			j++
			continue
		}
		if j+1 >= len(s) {
			return "", 0, &jsonErr{reason: jsonTruncated}
		}
		switch e := s[j+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, n, err := hex4(s, j+2)
			if err != nil {
				return "", 0, err
			}
			j += n
			if utf16.IsSurrogate(r) {
				r2, n2, err2 := rune(-1), 0, (*jsonErr)(nil)
				if j+2 < len(s) && s[j+2] == '\\' && j+3 < len(s) && s[j+3] == 'u' {
					r2, n2, err2 = hex4(s, j+4)
					if err2 != nil {
						return "", 0, err2
					}
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					r = dec
					j += 2 + n2
				} else {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", 0, &jsonErr{reason: fmt.Sprintf("invalid escape \\%c in string", e)}
		}
		j += 2
	}
	return "", 0, &jsonErr{reason: jsonTruncated}
}

// hex4 parses the four hex digits of a \u escape at s[i:].
func hex4(s string, i int) (rune, int, *jsonErr) {
	if i+4 > len(s) {
		return 0, 0, &jsonErr{reason: jsonTruncated}
	}
	v, err := strconv.ParseUint(s[i:i+4], 16, 32)
	if err != nil {
		return 0, 0, &jsonErr{reason: "invalid \\u escape in string"}
	}
	return rune(v), 4, nil
}

// appendJSONString appends s as a JSON string literal. Invalid UTF-8 is
// replaced by U+FFFD; U+2028 and U+2029 are escaped so that lines stay
// lines for every consumer.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, "\ufffd"...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
