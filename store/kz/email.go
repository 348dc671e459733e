package kz

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrEmail is wrapped by every error returned by ValidateEmail.
var ErrEmail = errors.New("invalid e-mail address")

// MaxEmailLength is the longest accepted address in bytes (RFC 5321 path
// limit minus the angle brackets).
const MaxEmailLength = 254

func emailErr(reason string) error { return fmt.Errorf("%w: %s", ErrEmail, reason) }

// ValidateEmail performs a practical syntax check of a bare address such as
// "nurlan.alibekov@mail.ru": no display name or angle brackets, exactly one
// '@', no spaces or control characters, a local part of at most 64 bytes,
// a domain of dot-separated labels (letters, digits, hyphens; international
// letters allowed) with at least one dot, and at most 254 bytes in total.
// The address must also be accepted by net/mail.
func ValidateEmail(s string) error {
	if s == "" {
		return emailErr("empty")
	}
	if len(s) > MaxEmailLength {
		return emailErr(fmt.Sprintf("longer than %d bytes", MaxEmailLength))
	}
	if !utf8.ValidString(s) {
		return emailErr("not valid UTF-8")
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return emailErr("contains a space or control character")
		}
	}
	at := strings.IndexByte(s, '@')
	if at < 0 {
		return emailErr("no @")
	}
	if strings.IndexByte(s[at+1:], '@') >= 0 {
		return emailErr("more than one @")
	}
	local, domain := s[:at], s[at+1:]
	if local == "" {
		return emailErr("empty local part")
	}
	if len(local) > 64 {
		return emailErr("local part longer than 64 bytes")
	}
	if err := checkDomain(domain); err != nil {
		return err
	}
	if plainAddress(local, domain) {
		return nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return emailErr("not a plain address")
	}
	return nil
}

func checkDomain(domain string) error {
	if domain == "" {
		return emailErr("empty domain")
	}
	if len(domain) > 253 {
		return emailErr("domain too long")
	}
	if !strings.Contains(domain, ".") {
		return emailErr("domain has no dot")
	}
	labels := strings.Split(domain, ".")
	for _, l := range labels {
		if l == "" {
			return emailErr("domain has an empty label")
		}
		if len(l) > 63 {
			return emailErr("domain label longer than 63 bytes")
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return emailErr("domain label starts or ends with a hyphen")
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) {
				return emailErr(fmt.Sprintf("domain contains %q", r))
			}
		}
	}
	tld := labels[len(labels)-1]
	allDigits := true
	for _, r := range tld {
		if r < '0' || r > '9' {
			allDigits = false
			break
		}
	}
	if allDigits {
		return emailErr("top-level domain is numeric")
	}
	return nil
}

// NormalizeEmail validates s (after trimming surrounding spaces) and
// returns it with the domain lower-cased; the local part is kept as written
// because it may be case-sensitive.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if err := ValidateEmail(s); err != nil {
		return "", err
	}
	at := strings.IndexByte(s, '@')
	domain := s[at+1:]
	if lower := strings.ToLower(domain); lower != domain {
		// Lower-casing and NFC can lengthen the domain (NFC inserts a
		// combining grapheme joiner into a long run of marks), so the
		// result is checked again (found by FuzzNormalizeEmail).
		n := s[:at+1] + NFC(lower)
		if err := ValidateEmail(n); err != nil {
			return "", err
		}
		return n, nil
	}
	return s, nil
}

// plainAddress reports whether local@domain (domain already passed
// checkDomain) is an address mail.ParseAddress takes as it is, without
// asking it: an ASCII domain, and a local part of letters, digits, '_',
// '+', '-' and single dots inside (an RFC 5322 dot-atom). That is
// nearly every address of an export, and the parser was most of an
// import's time for the e-mail column; anything else goes to the parser
// (TestPlainAddress compares the two).
func plainAddress(local, domain string) bool {
	for i := 0; i < len(domain); i++ {
		if domain[i] >= utf8.RuneSelf {
			return false
		}
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		switch c := local[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '+', c == '-':
		default:
			return false
		}
	}
	return true
}
