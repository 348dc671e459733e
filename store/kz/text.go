package kz

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode Normalization Form C. Invalid UTF-8 bytes are
// passed through unchanged. Strings that are already in NFC are returned
// without copying.
func NFC(s string) string {
	if simpleNFC(s) || norm.NFC.IsNormalString(s) {
		return s
	}
	return norm.NFC.String(s)
}

// simpleNFC is a fast path for typical Latin and Cyrillic (including
// Kazakh) text: it reports true if s consists only of code points below
// U+0300 (before the combining diacritical marks) or in the Cyrillic and
// Cyrillic Supplement blocks U+0400–U+052F. Every string made of those
// code points is in NFC: none of them decomposes, none composes with a
// preceding character, and the only non-starters (U+0483–U+0487) share one
// combining class. TestSimpleNFCRanges verifies this against the tables.
func simpleNFC(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf {
			continue
		}
		// Two-byte sequences: lead bytes 0xC2–0xCB encode U+0080–U+02FF,
		// 0xD0–0xD4 encode U+0400–U+052F.
		if (c >= 0xC2 && c <= 0xCB) || (c >= 0xD0 && c <= 0xD3) || (c == 0xD4 && i+1 < len(s) && s[i+1] < 0xB0) {
			if i+1 >= len(s) || s[i+1]&0xC0 != 0x80 {
				return false
			}
			i++
			continue
		}
		return false
	}
	return true
}

// Fold prepares text for case- and form-insensitive search: it applies NFC,
// lower-cases with Unicode rules, maps «ё»/«Ё» to «е», trims surrounding
// white space and collapses internal runs of white space to a single
// space. All other letters stay distinct, in particular the Kazakh letters
// ә ғ қ ң ө ұ ү һ і (which are not folded to а г к н о у у х и), and «й»
// stays distinct from «и».
//
// Fold is idempotent, and Fold(a) == Fold(b) for a and b that differ only
// in case, normalization form, «ё»/«е» or spacing.
func Fold(s string) string {
	simple := simpleNFC(s)
	if !simple {
		s = NFC(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	for i := 0; i < len(s); {
		c := s[i]
		var r rune
		if c < utf8.RuneSelf {
			r = rune(c)
			i++
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
		} else {
			var size int
			r, size = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				// Keep invalid bytes as the replacement character.
				i++
			} else {
				i += size
			}
			r = unicode.ToLower(r)
			if simple && r >= 0x300 && (r < 0x400 || r >= 0x530) {
				simple = false // e.g. U+023A Ⱥ lower-cases to U+2C65
			}
		}
		if unicode.IsSpace(r) {
			pendingSpace = b.Len() > 0
			continue
		}
		if r == 'ё' {
			r = 'е'
		}
		if pendingSpace {
			b.WriteByte(' ')
			pendingSpace = false
		}
		b.WriteRune(r)
	}
	out := b.String()
	if simple {
		return out
	}
	// Lower-casing can, in rare cases outside Cyrillic, produce text that is
	// not NFC; normalise again so that Fold is idempotent.
	return NFC(out)
}
