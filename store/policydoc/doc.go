// Package policydoc is the domain model of one edition of the bilingual
// (Russian/Kazakh) privacy policy: an ordered list of clauses, each with
// its Russian and Kazakh text. It parses the legacy seed format, checks
// parity between the two languages, diffs two editions clause by clause
// and word by word, and hashes a canonical encoding of an edition.
//
// The package is pure Go: no database, no UI.
package policydoc

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Lang is a language of the policy.
type Lang string

// The two languages of the policy.
const (
	RU Lang = "ru"
	KK Lang = "kk"
)

// Langs lists the languages in document order (Russian first).
var Langs = []Lang{RU, KK}

// Kind is the role of a clause in the document.
type Kind string

// Clause kinds.
const (
	// KindTitle is the centred title of the document.
	KindTitle Kind = "title"
	// KindHeading is a section heading, numbered («1. Персональные
	// данные…», Number "1") or not («Преамбула», Number "").
	KindHeading Kind = "heading"
	// KindClause is a numbered clause (1.1, 1.1.1, …).
	KindClause Kind = "clause"
	// KindItem is a list item; Parent names the clause it belongs to.
	KindItem Kind = "item"
	// KindTerm is a definition in the terms block («Аккаунт – …»).
	KindTerm Kind = "term"
	// KindParagraph is un-numbered text (preamble, closing line, …).
	KindParagraph Kind = "paragraph"
)

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool {
	switch k {
	case KindTitle, KindHeading, KindClause, KindItem, KindTerm, KindParagraph:
		return true
	}
	return false
}

// Clause is one unit of the policy in both languages.
type Clause struct {
	// Number is "1", "1.1", "1.1.1", … without the trailing dot, or ""
	// for the title, un-numbered headings, paragraphs, terms and items.
	Number string `json:"number"`
	Kind   Kind   `json:"kind"`
	// Parent is, for a list item, the number of the clause the list
	// belongs to ("" if the list follows un-numbered text).
	Parent string `json:"parent,omitempty"`
	RU     Text   `json:"ru"`
	KK     Text   `json:"kk"`
}

// Text returns the clause's text in language l.
func (c Clause) Text(l Lang) Text {
	if l == KK {
		return c.KK
	}
	return c.RU
}

// SetText sets the clause's text in language l.
func (c *Clause) SetText(l Lang, t Text) {
	if l == KK {
		c.KK = t
	} else {
		c.RU = t
	}
}

// Label is the number as printed in the policy ("1.1."), or "".
func (c Clause) Label() string {
	if c.Number == "" {
		return ""
	}
	return c.Number + "."
}

// Equal reports whether two clauses are identical (text and underline
// included).
func (c Clause) Equal(o Clause) bool {
	return c.Number == o.Number && c.Kind == o.Kind && c.Parent == o.Parent &&
		c.RU.Equal(o.RU) && c.KK.Equal(o.KK)
}

// Document is one edition's content: clauses in reading order. List items
// follow their clause directly.
type Document struct {
	// Name identifies where the document came from (file name); it is
	// not part of the content and not hashed.
	Name    string   `json:"name,omitempty"`
	Clauses []Clause `json:"clauses"`
}

// Clone returns a deep copy.
func (d *Document) Clone() *Document {
	if d == nil {
		return nil
	}
	cp := &Document{Name: d.Name, Clauses: make([]Clause, len(d.Clauses))}
	for i, c := range d.Clauses {
		c.RU.Underline = append([]Span(nil), c.RU.Underline...)
		c.KK.Underline = append([]Span(nil), c.KK.Underline...)
		cp.Clauses[i] = c
	}
	return cp
}

// Find returns the index of the clause or heading with the given number,
// or -1.
func (d *Document) Find(number string) int {
	for i, c := range d.Clauses {
		if c.Number != "" && c.Number == number {
			return i
		}
	}
	return -1
}

// Items returns the indexes of the list items whose Parent is number, in
// order.
func (d *Document) Items(number string) []int {
	var out []int
	for i, c := range d.Clauses {
		if c.Kind == KindItem && c.Parent == number {
			out = append(out, i)
		}
	}
	return out
}

// Keys returns a stable, human-readable key for every clause, by index:
// the number for numbered clauses ("1.4"), parent and position for list
// items ("1.4[3]", 1-based), "¶n" for the n-th un-numbered clause that is
// not an item (the title is "¶1"). Keys are used in problems and diffs.
func (d *Document) Keys() []string {
	keys := make([]string, len(d.Clauses))
	para := 0
	item := map[string]int{}
	for i, c := range d.Clauses {
		switch {
		case c.Kind == KindItem:
			item[c.Parent]++
			keys[i] = fmt.Sprintf("%s[%d]", c.Parent, item[c.Parent])
		case c.Number != "":
			keys[i] = c.Number
		default:
			para++
			keys[i] = fmt.Sprintf("¶%d", para)
		}
	}
	return keys
}

// Headings returns the indexes of all headings (numbered or not), e.g.
// for a table of contents or PDF bookmarks.
func (d *Document) Headings() []int {
	var out []int
	for i, c := range d.Clauses {
		if c.Kind == KindHeading {
			out = append(out, i)
		}
	}
	return out
}

// TermLength returns, for a definition such as «Аккаунт – уникальная…»,
// the length in runes of the defined term («Аккаунт»), or 0 when t does
// not start with "term – ".
func TermLength(t Text) int {
	i := strings.Index(t.Plain, " – ")
	if i <= 0 {
		i = strings.Index(t.Plain, " — ")
	}
	if i <= 0 || i > 200 {
		return 0
	}
	return len([]rune(t.Plain[:i]))
}

var numberRe = regexp.MustCompile(`^([1-9][0-9]{0,2}(?:\.[0-9]{1,3})*)(\.?)(?:\s+|$)`)

// splitNumber recognises a leading clause number: "1.1. Text" gives
// ("1.1", rune length of the prefix including the space). A single
// number needs its dot ("2. Цели") so that "2 дня" is not a number.
func splitNumber(s string) (number string, prefixRunes int) {
	m := numberRe.FindStringSubmatch(s)
	if m == nil {
		return "", 0
	}
	if m[2] == "" && !strings.Contains(m[1], ".") {
		return "", 0
	}
	return m[1], len([]rune(m[0]))
}

// ValidNumber reports whether s is a well-formed clause number
// ("1", "1.2", "1.2.3").
func ValidNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, p := range strings.Split(s, ".") {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || p != strconv.Itoa(n) {
			return false
		}
	}
	return true
}

// numberParts splits a valid number into its integer components.
func numberParts(s string) []int {
	var out []int
	for _, p := range strings.Split(s, ".") {
		n, _ := strconv.Atoi(p)
		out = append(out, n)
	}
	return out
}

// compareNumbers orders clause numbers numerically (1.2 < 1.10 < 2).
func compareNumbers(a, b string) int {
	pa, pb := numberParts(a), numberParts(b)
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if pa[i] != pb[i] {
			if pa[i] < pb[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(pa) < len(pb):
		return -1
	case len(pa) > len(pb):
		return 1
	}
	return 0
}
