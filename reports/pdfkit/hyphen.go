package pdfkit

import (
	"strings"
	"unicode"
)

// Hyphenation for Russian and Kazakh (Cyrillic) words, used by the
// layout to fill justified lines in narrow columns. It follows the
// classic letter-class rules for Russian (P. Khmelev): letters are
// vowels (g), consonants (s) or й/ь/ъ (x), and a word may be broken
//
//	x|gg x|gs x|sg x|ss  gss|ssg  gss|sg  sg|sg  gs|sg  sg|gg  sg|gs
//
// with at least two letters on each side. Kazakh vowels (ә ө ұ ү і) are
// added. Latin words get the same letter classes (a e i o u y are
// vowels): a Russian line holding "LegCo (Legal Communications)" must
// break and justify like the others, and these rules give acceptable
// English breaks (Com|mu|ni|ca|ti|ons). Words with digits or inner
// punctuation (www.legco.kz) are never hyphenated; an existing hyphen
// ("веб-сервис") is always a break point.

const (
	vowels  = "аеёиоуыэюяәөұүі"
	special = "йьъ"
)

func letterClass(r rune) byte {
	r = unicode.ToLower(r)
	switch {
	case strings.ContainsRune(vowels, r):
		return 'g'
	case strings.ContainsRune(special, r):
		return 'x'
	case r >= 'а' && r <= 'я', r == 'ё', r == 'ғ', r == 'қ', r == 'ң', r == 'һ':
		return 's'
	case strings.ContainsRune("aeiouy", r):
		return 'g'
	case r >= 'a' && r <= 'z':
		return 's'
	}
	return 0
}

var hyphenRules = []struct {
	pat string
	at  int
}{
	{"xgg", 1}, {"xgs", 1}, {"xsg", 1}, {"xss", 1},
	{"gssssg", 3}, {"gsssg", 3}, {"sgsg", 2}, {"gssg", 2}, {"sggg", 2}, {"sggs", 2},
}

// HyphenPoints returns the rune offsets in w where a line may break.
// An offset k means w[:k] ends the line (with an added hyphen unless
// w[k-1] is a hyphen already) and w[k:] starts the next.
func HyphenPoints(w string) []int {
	rs := []rune(w)
	var out []int
	// existing hyphens inside the word
	for i := 1; i+1 < len(rs); i++ {
		if rs[i] == '-' && unicode.IsLetter(rs[i-1]) && unicode.IsLetter(rs[i+1]) {
			out = append(out, i+1)
		}
	}
	// the letter core of each hyphen-separated part
	start := 0
	for i := 0; i <= len(rs); i++ {
		if i < len(rs) && rs[i] != '-' {
			continue
		}
		out = append(out, corePoints(rs, start, i)...)
		start = i + 1
	}
	sortInts(out)
	return out
}

// corePoints hyphenates rs[from:to] if it is a Cyrillic word, possibly
// wrapped in punctuation («слово»,).
func corePoints(rs []rune, from, to int) []int {
	for from < to && !unicode.IsLetter(rs[from]) {
		from++
	}
	for to > from && !unicode.IsLetter(rs[to-1]) {
		to--
	}
	n := to - from
	if n < 4 {
		return nil
	}
	cls := make([]byte, n)
	for i := range n {
		c := letterClass(rs[from+i])
		if c == 0 {
			return nil // digits, Latin, inner punctuation: leave alone
		}
		cls[i] = c
	}
	pat := string(cls)
	can := make([]bool, n+1)
	for _, r := range hyphenRules {
		for k := 0; k+len(r.pat) <= n; k++ {
			if pat[k:k+len(r.pat)] == r.pat {
				can[k+r.at] = true
			}
		}
	}
	var out []int
	for k := 2; k <= n-2; k++ {
		// both sides need a vowel; never break before й/ь/ъ
		if can[k] && strings.ContainsRune(pat[:k], 'g') && strings.ContainsRune(pat[k:], 'g') && cls[k] != 'x' {
			out = append(out, from+k)
		}
	}
	return out
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}
