package pdfkit

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Replacement is what Clean puts in place of a character the fonts
// cannot draw: U+FFFD when Noto Sans has a glyph for it, else '?'.
func Replacement() rune {
	fd := fonts()
	if fd.err == nil && fd.mReg.has('\uFFFD') && fd.mBold.has('\uFFFD') {
		return '\uFFFD'
	}
	return '?'
}

// CanDraw reports whether both embedded faces (regular and bold) have a
// glyph for r. Runes above U+FFFF are never drawable: fpdf panics on them.
func CanDraw(r rune) bool {
	fd := fonts()
	if fd.err != nil {
		return r < 0x80 && r >= 0x20
	}
	return fd.mReg.has(r) && fd.mBold.has(r)
}

// Clean prepares a string for drawing with the kit's fonts: invalid
// UTF-8 is repaired, the text is NFC-normalised, CR LF and CR become LF,
// tabs become spaces, and every other character the fonts cannot draw
// (emoji and anything above U+FFFF, control characters, uncovered
// scripts) is replaced by Replacement(). It never fails.
func Clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	repl := Replacement()
	clean := true
	for _, r := range s {
		if !drawable(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	prevCR := false
	for _, r := range s {
		switch {
		case r == '\r':
			b.WriteByte('\n')
		case r == '\n':
			if !prevCR {
				b.WriteByte('\n')
			}
		case r == '\t':
			b.WriteByte(' ')
		case r == '\u200D' || r == '\uFE0F' || r == '\uFE0E' || (r >= 0x1F3FB && r <= 0x1F3FF):
			// joiners, emoji variation selectors and skin tones: part of a sequence
			// whose visible character is replaced already
		case unicode.Is(unicode.Mn, r) && !CanDraw(r):
			// an undrawable combining mark: drop it, keep the base letter
		case !drawable(r):
			b.WriteRune(repl)
		default:
			b.WriteRune(r)
		}
		prevCR = r == '\r'
	}
	return b.String()
}

func drawable(r rune) bool {
	if r == '\n' || r == ' ' {
		return true
	}
	if r < 0x20 || (r >= 0x7F && r < 0xA0) {
		return false
	}
	return CanDraw(r)
}
