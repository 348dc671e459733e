package policydoc

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Span marks a run of underlined text: rune offsets into Text.Plain,
// Start inclusive, End exclusive.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Text is the content of one clause in one language: a plain string
// (NFC, whitespace collapsed to single spaces, no leading or trailing
// space) plus the underlined spans, so that underline survives without
// keeping HTML. Build values with NewText, ParseMarkup or WithPlain; they
// keep both parts consistent. The zero value is the empty text.
type Text struct {
	Plain     string `json:"plain"`
	Underline []Span `json:"underline,omitempty"`
}

// Segment is a maximal run of text with one underline state, as returned
// by Text.Segments.
type Segment struct {
	Text      string
	Underline bool
}

// NewText builds a normalised Text from plain and the underlined spans
// given as rune offsets into plain. Whitespace is collapsed, the result is
// NFC, invisible characters (BOM, zero-width space, soft hyphen) and
// control characters are dropped; the spans follow the characters they
// covered. Out-of-range or empty spans are ignored.
func NewText(plain string, underline ...Span) Text {
	var b richBuilder
	rs := []rune(plain)
	flags := make([]bool, len(rs))
	for _, sp := range underline {
		for i := max(sp.Start, 0); i < sp.End && i < len(rs); i++ {
			flags[i] = true
		}
	}
	for i, r := range rs {
		b.add(r, flags[i])
	}
	return b.text()
}

// IsEmpty reports whether the text has no characters.
func (t Text) IsEmpty() bool { return t.Plain == "" }

// String returns the plain text.
func (t Text) String() string { return t.Plain }

// Len returns the length of the plain text in runes.
func (t Text) Len() int { return utf8.RuneCountInString(t.Plain) }

// Equal reports whether two texts have the same characters and the same
// underlined characters.
func (t Text) Equal(o Text) bool {
	if t.Plain != o.Plain {
		return false
	}
	a, b := normSpans(t.Underline, t.Len()), normSpans(o.Underline, o.Len())
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Segments splits the text into runs of equal underline state, in order.
// Concatenating the segments' Text gives Plain.
func (t Text) Segments() []Segment {
	if t.Plain == "" {
		return nil
	}
	rs := []rune(t.Plain)
	spans := normSpans(t.Underline, len(rs))
	var out []Segment
	pos := 0
	for _, sp := range spans {
		if sp.Start > pos {
			out = append(out, Segment{Text: string(rs[pos:sp.Start])})
		}
		out = append(out, Segment{Text: string(rs[sp.Start:sp.End]), Underline: true})
		pos = sp.End
	}
	if pos < len(rs) {
		out = append(out, Segment{Text: string(rs[pos:])})
	}
	return out
}

// Underlined returns the underlined substrings in order.
func (t Text) Underlined() []string {
	var out []string
	for _, s := range t.Segments() {
		if s.Underline {
			out = append(out, s.Text)
		}
	}
	return out
}

// Slice returns the part of the text between rune offsets i and j
// (clamped), with the underline kept and surrounding space trimmed.
func (t Text) Slice(i, j int) Text {
	rs := []rune(t.Plain)
	i = min(max(i, 0), len(rs))
	j = min(max(j, i), len(rs))
	var b richBuilder
	flags := t.flags(len(rs))
	for k := i; k < j; k++ {
		b.add(rs[k], flags[k])
	}
	return b.text()
}

// WithPlain returns a Text with the new plain text (normalised like
// NewText) that keeps every underlined substring of t that still occurs
// in it. Each underlined substring is looked for after the previous one
// (underlines stay in order and never overlap); among the occurrences the
// one closest to its old position is chosen. Substrings that no longer
// occur lose their underline. This is what an editor calls after the user
// edited the plain text of a clause.
func (t Text) WithPlain(newPlain string) Text {
	nt := NewText(newPlain)
	if len(t.Underline) == 0 || nt.Plain == "" {
		return nt
	}
	oldRunes := []rune(t.Plain)
	newRunes := []rune(nt.Plain)
	var spans []Span
	from := 0
	for _, sp := range normSpans(t.Underline, len(oldRunes)) {
		needle := oldRunes[sp.Start:sp.End]
		best := -1
		for k := from; k+len(needle) <= len(newRunes); k++ {
			if !runesEqualAt(newRunes, k, needle) {
				continue
			}
			if best < 0 || abs(k-sp.Start) < abs(best-sp.Start) {
				best = k
			}
			if k >= sp.Start { // later occurrences are only further away
				break
			}
		}
		if best >= 0 {
			spans = append(spans, Span{best, best + len(needle)})
			from = best + len(needle)
		}
	}
	nt.Underline = normSpans(spans, len(newRunes))
	return nt
}

// Markup renders the text as minimal HTML: &, < and > escaped and
// underlined runs wrapped in <u>…</u>. ParseMarkup reverses it.
func (t Text) Markup() string {
	var sb strings.Builder
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	for _, s := range t.Segments() {
		if s.Underline {
			sb.WriteString("<u>")
		}
		sb.WriteString(esc.Replace(s.Text))
		if s.Underline {
			sb.WriteString("</u>")
		}
	}
	return sb.String()
}

// ParseMarkup parses inline markup as produced by Markup (text with <u>
// and </u>, HTML character references) into a normalised Text. Other tags
// are an error.
func ParseMarkup(s string) (Text, error) {
	toks, err := tokenize(s)
	if err != nil {
		return Text{}, err
	}
	var b richBuilder
	u := false
	for _, tk := range toks {
		switch {
		case tk.tag == "":
			b.addString(tk.text, u)
		case tk.tag == "u":
			u = !tk.closing
		case tk.tag == "br":
			b.add(' ', false)
		default:
			return Text{}, &tagError{tag: tk.raw}
		}
	}
	return b.text(), nil
}

// flags returns the underline state of every rune.
func (t Text) flags(n int) []bool {
	f := make([]bool, n)
	for _, sp := range normSpans(t.Underline, n) {
		for i := sp.Start; i < sp.End; i++ {
			f[i] = true
		}
	}
	return f
}

// normSpans clamps spans to [0,n), drops empty ones, sorts them and merges
// overlapping or touching ones. The input is not modified.
func normSpans(spans []Span, n int) []Span {
	if len(spans) == 0 {
		return nil
	}
	cp := make([]Span, 0, len(spans))
	for _, s := range spans {
		s.Start = max(s.Start, 0)
		s.End = min(s.End, n)
		if s.End > s.Start {
			cp = append(cp, s)
		}
	}
	sort.Slice(cp, func(i, j int) bool {
		if cp[i].Start != cp[j].Start {
			return cp[i].Start < cp[j].Start
		}
		return cp[i].End < cp[j].End
	})
	var out []Span
	for _, s := range cp {
		if k := len(out) - 1; k >= 0 && s.Start <= out[k].End {
			out[k].End = max(out[k].End, s.End)
			continue
		}
		out = append(out, s)
	}
	return out
}

func runesEqualAt(hay []rune, at int, needle []rune) bool {
	for i, r := range needle {
		if hay[at+i] != r {
			return false
		}
	}
	return true
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// richBuilder accumulates runes with an underline flag and produces a
// normalised Text: invisible and control characters dropped, whitespace
// runs collapsed to one space (a run made only of no-break spaces stays
// one no-break space), leading and trailing space trimmed, NFC applied per
// normalisation segment, spans never starting or ending on a space.
type richBuilder struct {
	rs []rune
	fl []bool
}

func (b *richBuilder) add(r rune, u bool) {
	b.rs = append(b.rs, r)
	b.fl = append(b.fl, u)
}

func (b *richBuilder) addString(s string, u bool) {
	for _, r := range s {
		b.add(r, u)
	}
}

func (b *richBuilder) addText(t Text) {
	rs := []rune(t.Plain)
	fl := t.flags(len(rs))
	for i, r := range rs {
		b.add(r, fl[i])
	}
}

func (b *richBuilder) len() int { return len(b.rs) }

// isInvisible reports characters dropped from policy text.
func isInvisible(r rune) bool {
	switch r {
	case '\uFEFF', '\u200B', '\u00AD', '\u2060', utf8.RuneError:
		return true
	}
	return unicode.IsControl(r) && !unicode.IsSpace(r)
}

func isNBSP(r rune) bool { return r == '\u00A0' || r == '\u202F' || r == '\u2007' }

func (b *richBuilder) text() Text {
	// 1. drop invisibles, collapse whitespace.
	type rr struct {
		r rune
		u bool
	}
	out := make([]rr, 0, len(b.rs))
	for i := 0; i < len(b.rs); i++ {
		r := b.rs[i]
		if isInvisible(r) {
			continue
		}
		if !unicode.IsSpace(r) {
			out = append(out, rr{r, b.fl[i]})
			continue
		}
		allNBSP := true
		j := i
		for ; j < len(b.rs) && (unicode.IsSpace(b.rs[j]) || isInvisible(b.rs[j])); j++ {
			if unicode.IsSpace(b.rs[j]) && !isNBSP(b.rs[j]) {
				allNBSP = false
			}
		}
		sp := ' '
		if allNBSP {
			sp = '\u00A0'
		}
		// A space is underlined only if it sits inside an underlined run.
		u := i > 0 && b.fl[i-1] && j < len(b.rs) && b.fl[j]
		if len(out) > 0 && j < len(b.rs) {
			out = append(out, rr{sp, u})
		}
		i = j - 1
	}
	// 2. NFC per normalisation segment, flag of the segment's first rune.
	var sb strings.Builder
	var flags []bool
	s := make([]rune, len(out))
	for i, x := range out {
		s[i] = x.r
	}
	str := string(s)
	// map byte offsets of str to rune index of out
	runeAt := make([]int, 0, len(str)+1)
	for i, r := range str {
		_ = r
		runeAt = append(runeAt, i)
	}
	byteToRune := func(off int) int {
		return sort.SearchInts(runeAt, off)
	}
	for pos := 0; pos < len(str); {
		n := norm.NFC.NextBoundaryInString(str[pos:], true)
		if n <= 0 {
			n = len(str) - pos
		}
		seg := str[pos : pos+n]
		u := out[byteToRune(pos)].u
		if !norm.NFC.IsNormalString(seg) {
			seg = norm.NFC.String(seg)
		}
		for range seg {
			flags = append(flags, u)
		}
		sb.WriteString(seg)
		pos += n
	}
	plain := sb.String()
	// 3. spans from flags, not starting or ending on a space.
	rs := []rune(plain)
	var spans []Span
	for i := 0; i < len(rs); {
		if !flags[i] || unicode.IsSpace(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && flags[j] {
			j++
		}
		e := j
		for e > i && unicode.IsSpace(rs[e-1]) {
			e--
		}
		spans = append(spans, Span{i, e})
		i = j
	}
	return Text{Plain: plain, Underline: spans}
}
