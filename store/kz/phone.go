package kz

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Phone number errors, comparable with errors.Is.
var (
	ErrPhoneEmpty   = errors.New("phone number is empty")
	ErrPhoneChar    = errors.New("phone number contains an unexpected character")
	ErrPhoneCountry = errors.New("not a +7 (Kazakhstan) number")
	ErrPhoneLength  = errors.New("phone number must have 10 digits after +7 or 8")
	ErrPhoneNumber  = errors.New("not a valid +7 number")
)

// isPhoneSeparator reports whether r may appear between the digits of a
// written phone number.
func isPhoneSeparator(r rune) bool {
	switch r {
	case '-', '.', '(', ')', '/', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
		return true
	}
	return unicode.IsSpace(r)
}

// phoneDigits extracts the digits of s. plus reports a leading '+'. sepAfterFirst
// reports that the first digit is directly followed by a separator (as in
// "8 701" or "8(701)").
func phoneDigits(s string) (d []byte, plus, sepAfterFirst bool, bad rune) {
	d = make([]byte, 0, 16)
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "+") {
		plus = true
		s = s[1:]
	}
	prevDigit := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			d = append(d, byte(r))
			prevDigit = true
		case isPhoneSeparator(r):
			if prevDigit && len(d) == 1 {
				sepAfterFirst = true
			}
			prevDigit = false
		default:
			return d, plus, sepAfterFirst, r
		}
	}
	return d, plus, sepAfterFirst, 0
}

// NormalizePhone converts a Kazakhstan (+7) phone number written in any
// common way — "8 701 123 45 67", "+7 (701) 123-45-67", "87011234567",
// "7011234567", "+7 701 1234567", "007 701 123 4567" — into E.164 form
// "+7XXXXXXXXXX". Numbers of other countries, wrong lengths and stray
// characters are rejected with an error wrapping one of the ErrPhone*
// values.
//
// Every +7 number with ten national digits is accepted (Kazakhstan mobile
// 70x/747/75x/76x/77x, Kazakhstan landlines 7xx, and numbers of the shared
// +7 zone); national numbers starting with 0, 1 or 2 do not exist and are
// rejected. A bare ten-digit number starting with 8 is rejected as a trunk
// prefix 8 followed by only nine digits.
func NormalizePhone(s string) (string, error) {
	d, plus, _, bad := phoneDigits(s)
	if bad != 0 {
		return "", fmt.Errorf("%w: %q", ErrPhoneChar, bad)
	}
	if len(d) == 0 {
		if plus || strings.TrimSpace(s) != "" {
			return "", fmt.Errorf("%w: no digits", ErrPhoneLength)
		}
		return "", ErrPhoneEmpty
	}
	international := plus
	if !plus && len(d) > 2 && d[0] == '0' && d[1] == '0' {
		international = true
		d = d[2:]
	}
	var national []byte
	switch {
	case international:
		if d[0] != '7' {
			cc := d
			if len(cc) > 3 {
				cc = cc[:3]
			}
			return "", fmt.Errorf("%w: country code starts +%s", ErrPhoneCountry, cc)
		}
		national = d[1:]
	case len(d) == 11 && (d[0] == '8' || d[0] == '7'):
		national = d[1:]
	case len(d) == 11:
		return "", fmt.Errorf("%w: 11 digits must start with 8 or 7", ErrPhoneNumber)
	case len(d) == 10 && d[0] == '8':
		return "", fmt.Errorf("%w: got 8 and 9 digits", ErrPhoneLength)
	case len(d) == 10:
		national = d
	default:
		return "", fmt.Errorf("%w: got %d digits", ErrPhoneLength, len(d))
	}
	if len(national) != 10 {
		return "", fmt.Errorf("%w: got %d", ErrPhoneLength, len(national))
	}
	if national[0] < '3' {
		return "", fmt.Errorf("%w: national number cannot start with %c", ErrPhoneNumber, national[0])
	}
	return "+7" + string(national), nil
}

// PhoneSearchKey turns a complete or partial phone number, written any way,
// into a string of digits that is a substring of the matching E.164 numbers
// produced by NormalizePhone (with or without the '+'). It returns "" if s
// has no digits or contains characters that cannot be part of a phone
// number (so that a name search is not mistaken for a phone search).
//
// Prefixes are handled so that what users type matches what is stored:
// "+7 701 12" → "770112", "8 701 12" → "770112" (trunk prefix 8 becomes
// the country code 7), "8701" → "7701", "007 701" → "7701", while a
// fragment such as "123-45" → "12345" or "701 12" → "70112" is kept as is.
// A leading 8 is treated as the trunk prefix when it is followed by a
// separator, when eleven digits are given, or when the digits start with
// "87" and there are at least four of them.
func PhoneSearchKey(s string) string {
	d, plus, sepAfterFirst, bad := phoneDigits(s)
	if bad != 0 || len(d) == 0 {
		return ""
	}
	switch {
	case plus:
		return string(d)
	case len(d) > 2 && d[0] == '0' && d[1] == '0':
		return string(d[2:])
	case d[0] == '8' && (sepAfterFirst || len(d) == 11 || (len(d) >= 4 && d[1] == '7')):
		if len(d) == 1 {
			return "8"
		}
		return "7" + string(d[1:])
	}
	return string(d)
}
