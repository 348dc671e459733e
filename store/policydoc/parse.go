package policydoc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxSeedSize is the largest input Parse accepts.
const MaxSeedSize = 16 << 20

// ParseError reports a problem in the seed file: the file name, the
// 1-based line and the field (ru or kk; "" for the whole line).
type ParseError struct {
	Name  string
	Line  int
	Field Lang
	Err   error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.Name)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, " (%s)", e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

// Parse reads the seed format: one row per line, Russian<TAB>Kazakh, each
// side an HTML fragment (<p>, <p align="center">, <p style="text-align:
// center;">, <u>, <ul>/<ol> lists with "– item;" entries or <li>), blank
// lines between page blocks. name is used in errors and kept in
// Document.Name.
//
// The file was cut at page breaks and the two languages are not aligned
// row by row, so each language is read as its own stream: a row's first
// fragment continues the previous paragraph when that paragraph was left
// open (no </p>) and either stops mid-sentence or the fragment starts in
// lower case; a fragment starting with a clause number or a centred <p>
// always starts a new paragraph. The streams are then split into clauses
// by structure and number and the languages are aligned by clause number
// (un-numbered clauses and list items by order within their section).
// Every clause is rebuilt whole: no HTML, whitespace collapsed, NFC.
func Parse(r io.Reader, name string) (*Document, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSeedSize+1))
	if err != nil {
		return nil, &ParseError{Name: name, Err: err}
	}
	if len(data) > MaxSeedSize {
		return nil, &ParseError{Name: name, Err: fmt.Errorf("file larger than %d bytes", MaxSeedSize)}
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	streams := [2]*stream{{lang: RU}, {lang: KK}}
	for i, line := range bytes.Split(data, []byte("\n")) {
		ln := i + 1
		line = bytes.TrimSuffix(line, []byte("\r"))
		if !utf8.Valid(line) {
			return nil, &ParseError{Name: name, Line: ln, Err: errors.New("invalid UTF-8")}
		}
		fields := strings.Split(string(line), "\t")
		for len(fields) > 2 && strings.TrimSpace(fields[len(fields)-1]) == "" {
			fields = fields[:len(fields)-1]
		}
		switch {
		case len(fields) > 2:
			return nil, &ParseError{Name: name, Line: ln, Err: fmt.Errorf("%d tab-separated fields, want 2 (Russian<TAB>Kazakh)", len(fields))}
		case len(fields) == 1:
			if strings.TrimSpace(fields[0]) != "" {
				return nil, &ParseError{Name: name, Line: ln, Err: errors.New("no tab: want Russian<TAB>Kazakh")}
			}
			continue
		}
		for f, s := range streams {
			if err := s.row(ln, fields[f]); err != nil {
				return nil, &ParseError{Name: name, Line: ln, Field: s.lang, Err: err}
			}
		}
	}
	var langs [2][]entry
	for f, s := range streams {
		langs[f] = classify(s.units())
	}
	if len(langs[0]) == 0 && len(langs[1]) == 0 {
		return nil, &ParseError{Name: name, Err: errors.New("no policy text found")}
	}
	return &Document{Name: name, Clauses: align(langs[0], langs[1])}, nil
}

// block is a paragraph or a list being assembled from fragments.
type block struct {
	list     bool
	centered bool
	closed   bool // explicit </p> or </ul>
	text     richBuilder
	items    []*richBuilder // <li> items
}

// tail returns the last characters written to the block.
func (b *block) tail() []rune {
	if b.list && len(b.items) > 0 {
		return b.items[len(b.items)-1].rs
	}
	return b.text.rs
}

func (b *block) add(r rune, u bool) {
	if b.list && len(b.items) > 0 {
		b.items[len(b.items)-1].add(r, u)
		return
	}
	b.text.add(r, u)
}

type stream struct {
	lang   Lang
	blocks []*block
	cur    *block // block receiving text, nil between blocks
	u      bool   // inside <u>
}

func (s *stream) last() *block {
	if len(s.blocks) == 0 {
		return nil
	}
	return s.blocks[len(s.blocks)-1]
}

func (s *stream) open(b *block) {
	s.blocks = append(s.blocks, b)
	s.cur = b
}

// start describes how a row's fragment begins.
type start struct {
	isP, isList, isLi, centered bool
	text                        string // the first text of the fragment
}

func firstOf(toks []token) (st start, skip int) {
	i := 0
	for i < len(toks) && toks[i].tag == "" && strings.TrimSpace(toks[i].text) == "" {
		i++
	}
	if i == len(toks) {
		return st, i
	}
	from := i
	switch t := toks[i]; {
	case t.tag == "p" && !t.closing:
		st.isP, st.centered = true, t.centered
		skip = i + 1
		from = i + 1
	case (t.tag == "ul" || t.tag == "ol") && !t.closing:
		st.isList = true
	case t.tag == "li" && !t.closing:
		st.isLi = true
	}
	var sb strings.Builder
	for _, t := range toks[from:] {
		if t.tag == "" {
			sb.WriteString(t.text)
			if len(strings.TrimSpace(sb.String())) >= 24 {
				break
			}
			continue
		}
		if t.tag == "u" || t.tag == "span" || t.tag == "br" {
			continue
		}
		break
	}
	st.text = strings.TrimSpace(sb.String())
	return st, skip
}

// continues decides whether a row starting with st continues the last
// block of the stream (the page-break rule described at Parse). The
// rows of the seed close every paragraph with </p> even where the page
// cut it, so the decision rests on the text: a paragraph that stops
// mid-sentence is continued by a fragment in lower case, or by a bare
// fragment (no <p>); a title or heading only by lower case; a fragment
// that is centred, numbered or a new list always starts a new block.
func (s *stream) continues(st start) bool {
	prev := s.last()
	if prev == nil || st.centered {
		return false
	}
	if n, _ := splitNumber(st.text); n != "" {
		return false
	}
	tail := strings.TrimSpace(string(prev.tail()))
	lower := startsLower(st.text)
	if prev.list {
		switch {
		case prev.closed || st.isP || st.isList:
			return false
		case st.isLi || startsWithMarker(st.text):
			return true
		}
		return !endsSentence(tail) || lower
	}
	if st.isList || st.isLi {
		return false
	}
	if prev.centered || len(s.blocks) == 1 || isHeading(prev) {
		return lower
	}
	if !endsSentence(tail) {
		return lower || !st.isP || !prev.closed
	}
	// "… г." + "<p>и далее": a sentence-final dot followed by lower case
	return strings.HasSuffix(strings.TrimRight(tail, "»\"”’)]"), ".") && lower
}

// isHeading reports a block starting with a one-level number ("2. Цели").
func isHeading(b *block) bool {
	head := b.text.rs
	if len(head) > 16 {
		head = head[:16]
	}
	n, _ := splitNumber(strings.TrimSpace(string(head)))
	return n != "" && !strings.Contains(n, ".")
}

func endsSentence(s string) bool {
	s = strings.TrimRight(s, "»\"”’)] ")
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(".!?;:…", r)
}

func startsLower(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return unicode.IsLower(r)
		}
		if !unicode.IsPunct(r) {
			return false
		}
	}
	return false
}

func startsWithMarker(s string) bool {
	r, n := utf8.DecodeRuneInString(s)
	return isMarker(r) && (n == len(s) || s[n] == ' ')
}

func isMarker(r rune) bool { return r == '–' || r == '—' || r == '-' || r == '•' }

// row feeds one row's fragment of this stream's language.
func (s *stream) row(line int, frag string) error {
	defer func() { s.u = false }()
	if strings.TrimSpace(frag) == "" {
		return nil
	}
	toks, err := tokenize(frag)
	if err != nil {
		return err
	}
	st, skip := firstOf(toks)
	if s.continues(st) {
		prev := s.last()
		s.cur = prev
		t := prev.tail()
		// a word hyphenated at the page break ("редак-" + "ции") is
		// joined without a space; anything else gets one space.
		if !(len(t) >= 2 && t[len(t)-1] == '-' && unicode.IsLetter(t[len(t)-2]) && startsLower(st.text)) {
			prev.add(' ', false)
		}
		toks = toks[skip:]
	} else {
		s.cur = nil
	}
	for _, tk := range toks {
		switch tk.tag {
		case "":
			if s.cur == nil {
				if strings.TrimSpace(tk.text) == "" {
					continue
				}
				s.open(&block{})
			}
			for _, r := range tk.text {
				s.cur.add(r, s.u)
			}
		case "p":
			if tk.closing {
				if s.cur != nil && !s.cur.list {
					s.cur.closed = true
					s.cur = nil
				}
				continue
			}
			s.open(&block{centered: tk.centered})
		case "ul", "ol":
			if tk.closing {
				if s.cur != nil && s.cur.list {
					s.cur.closed = true
					s.cur = nil
				}
				continue
			}
			s.open(&block{list: true})
		case "li":
			if tk.closing {
				continue
			}
			if s.cur == nil || !s.cur.list {
				s.open(&block{list: true})
			}
			s.cur.items = append(s.cur.items, &richBuilder{})
		case "u":
			s.u = !tk.closing
		case "br":
			if s.cur != nil {
				s.cur.add(' ', false)
			}
		case "span":
		}
	}
	return nil
}

// unit is a paragraph or a list item of one language, in stream order.
type unit struct {
	item     bool
	centered bool
	text     Text
}

func (s *stream) units() []unit {
	var out []unit
	for _, b := range s.blocks {
		if !b.list {
			t := b.text.text()
			if t.IsEmpty() {
				continue
			}
			head, items := splitInlineList(t)
			out = append(out, unit{centered: b.centered, text: head})
			for _, it := range items {
				out = append(out, unit{item: true, text: it})
			}
			continue
		}
		// text written inside the list but outside any <li>, then items
		for _, it := range splitItems(b.text.text()) {
			out = append(out, unit{item: true, text: it})
		}
		for _, ib := range b.items {
			t := ib.text()
			if r, n := utf8.DecodeRuneInString(t.Plain); isMarker(r) && strings.HasPrefix(t.Plain[n:], " ") {
				t = t.Slice(1, t.Len())
			}
			if !t.IsEmpty() {
				out = append(out, unit{item: true, text: t})
			}
		}
	}
	return out
}

// markers returns the rune offsets of list markers in a list's text:
// a dash at the start, or after ";", ",", "." or ":" and a space, and
// followed by a space.
func markers(rs []rune) []int {
	var out []int
	for k, r := range rs {
		if !isMarker(r) || (k+1 < len(rs) && rs[k+1] != ' ') {
			continue
		}
		if k == 0 || (k >= 2 && rs[k-1] == ' ' && strings.ContainsRune(";,.:", rs[k-2])) {
			out = append(out, k)
		}
	}
	return out
}

// splitItems splits a list written as "– a; – b; – c." into items
// ("a;", "b;", "c."). Text before the first marker is an item too.
func splitItems(t Text) []Text {
	if t.IsEmpty() {
		return nil
	}
	rs := []rune(t.Plain)
	ms := markers(rs)
	var out []Text
	prev := 0
	for _, m := range ms {
		if it := t.Slice(prev, m); !it.IsEmpty() {
			out = append(out, it)
		}
		prev = m + 1
	}
	if it := t.Slice(prev, len(rs)); !it.IsEmpty() {
		out = append(out, it)
	}
	return out
}

// splitInlineList recognises a list written inside a paragraph,
// "…следующие действия: – запись; – хранение; – удаление.", and returns
// the lead text (up to the colon) and the items. It needs at least two
// items; otherwise the paragraph is returned unchanged.
func splitInlineList(t Text) (Text, []Text) {
	rs := []rune(t.Plain)
	for k := 0; k+3 < len(rs); k++ {
		if rs[k] != ':' || rs[k+1] != ' ' || !isMarker(rs[k+2]) || rs[k+3] != ' ' {
			continue
		}
		rest := t.Slice(k+2, len(rs))
		if len(markers([]rune(rest.Plain))) < 2 {
			return t, nil
		}
		return t.Slice(0, k+1), splitItems(rest)
	}
	return t, nil
}

// entry is a clause of one language before alignment.
type entry struct {
	number string
	kind   Kind
	parent string
	text   Text
}

// classify turns one language's units into clauses.
func classify(units []unit) []entry {
	var out []entry
	lastNumber := ""
	inTerms := false
	for _, u := range units {
		if u.item {
			out = append(out, entry{kind: KindItem, parent: lastNumber, text: u.text})
			continue
		}
		e := entry{kind: KindParagraph, text: u.text}
		if n, pre := splitNumber(u.text.Plain); n != "" {
			e.number = n
			e.text = u.text.Slice(pre, u.text.Len())
			e.kind = KindClause
			if !strings.Contains(n, ".") {
				e.kind = KindHeading
			}
			lastNumber = n
			inTerms = false
		} else if len(out) == 0 {
			e.kind = KindTitle
		} else if u.centered {
			e.kind = KindHeading
			inTerms = false
		} else if lastNumber == "" && inTerms && TermLength(u.text) > 0 {
			e.kind = KindTerm
		} else if lastNumber == "" && strings.HasSuffix(u.text.Plain, ":") {
			inTerms = true
		}
		out = append(out, e)
	}
	return out
}

// group is a numbered clause (anchor) with the un-numbered clauses and
// items that follow it; the first group has no anchor.
type group struct {
	anchor  *entry
	members []entry
}

func groupsOf(es []entry) []group {
	gs := []group{{}}
	for i := range es {
		if es[i].number != "" {
			gs = append(gs, group{anchor: &es[i]})
			continue
		}
		gs[len(gs)-1].members = append(gs[len(gs)-1].members, es[i])
	}
	return gs
}

// lcsPairs returns the index pairs of a longest common subsequence of
// sequences of length n and m under eq, in order.
func lcsPairs(n, m int, eq func(i, j int) bool) [][2]int {
	if n == 0 || m == 0 {
		return nil
	}
	w := m + 1
	dp := make([]int32, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			switch {
			case eq(i, j):
				dp[i*w+j] = dp[(i+1)*w+j+1] + 1
			case dp[(i+1)*w+j] >= dp[i*w+j+1]:
				dp[i*w+j] = dp[(i+1)*w+j]
			default:
				dp[i*w+j] = dp[i*w+j+1]
			}
		}
	}
	var out [][2]int
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case eq(i, j):
			out = append(out, [2]int{i, j})
			i++
			j++
		case dp[(i+1)*w+j] >= dp[i*w+j+1]:
			i++
		default:
			j++
		}
	}
	return out
}

func clauseOf(ru, kk *entry) Clause {
	var c Clause
	src := ru
	if src == nil {
		src = kk
	}
	c.Number, c.Kind, c.Parent = src.number, src.kind, src.parent
	if ru != nil {
		c.RU = ru.text
	}
	if kk != nil {
		c.KK = kk.text
	}
	return c
}

// align merges the Russian and Kazakh clause lists.
func align(ru, kk []entry) []Clause {
	gr, gk := groupsOf(ru), groupsOf(kk)
	pairs := lcsPairs(len(gr)-1, len(gk)-1, func(i, j int) bool {
		return gr[i+1].anchor.number == gk[j+1].anchor.number
	})
	var out []Clause
	emitOne := func(g group, isRU bool) {
		all := g.members
		if g.anchor != nil {
			all = append([]entry{*g.anchor}, g.members...)
		}
		for i := range all {
			if isRU {
				out = append(out, clauseOf(&all[i], nil))
			} else {
				out = append(out, clauseOf(nil, &all[i]))
			}
		}
	}
	emitPair := func(a, b group) {
		if a.anchor != nil {
			out = append(out, clauseOf(a.anchor, b.anchor))
		}
		mp := alignMembers(a.members, b.members)
		i, j := 0, 0
		for _, p := range append(mp, [2]int{len(a.members), len(b.members)}) {
			for ; i < p[0]; i++ {
				out = append(out, clauseOf(&a.members[i], nil))
			}
			for ; j < p[1]; j++ {
				out = append(out, clauseOf(nil, &b.members[j]))
			}
			if p[0] < len(a.members) {
				out = append(out, clauseOf(&a.members[i], &b.members[j]))
				i++
				j++
			}
		}
	}
	emitPair(gr[0], gk[0])
	i, j := 1, 1
	for _, p := range append(pairs, [2]int{len(gr) - 1, len(gk) - 1}) {
		// unmatched groups before the pair, in numeric order
		for i <= p[0] || j <= p[1] {
			switch {
			case i > p[0]:
				emitOne(gk[j], false)
				j++
			case j > p[1]:
				emitOne(gr[i], true)
				i++
			case compareNumbers(gk[j].anchor.number, gr[i].anchor.number) < 0:
				emitOne(gk[j], false)
				j++
			default:
				emitOne(gr[i], true)
				i++
			}
		}
		if p[0]+1 < len(gr) {
			emitPair(gr[i], gk[j])
			i++
			j++
		}
	}
	return out
}

// alignMembers pairs the un-numbered clauses and items of one section
// across languages. Same kind (and list) is required. When both sides
// have the same number of each kind they are paired in order; otherwise
// a weighted alignment prefers pairs that share words (names, numbers,
// identical lines) and have similar length.
func alignMembers(a, b []entry) [][2]int {
	eq := func(i, j int) bool { return a[i].kind == b[j].kind && a[i].parent == b[j].parent }
	count := map[string]int{}
	for _, e := range a {
		count[string(e.kind)+"\x00"+e.parent]++
	}
	for _, e := range b {
		count[string(e.kind)+"\x00"+e.parent]--
	}
	balanced := true
	for _, n := range count {
		if n != 0 {
			balanced = false
		}
	}
	if balanced {
		return lcsPairs(len(a), len(b), eq)
	}
	n, m := len(a), len(b)
	w := m + 1
	dp := make([]float64, (n+1)*w)
	weight := func(i, j int) float64 { return 1 + 0.2*affinity(a[i].text.Plain, b[j].text.Plain) }
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			best := max(dp[(i+1)*w+j], dp[i*w+j+1])
			if eq(i, j) {
				best = max(best, dp[(i+1)*w+j+1]+weight(i, j))
			}
			dp[i*w+j] = best
		}
	}
	var out [][2]int
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case eq(i, j) && dp[i*w+j] == dp[(i+1)*w+j+1]+weight(i, j):
			out = append(out, [2]int{i, j})
			i++
			j++
		case dp[i*w+j] == dp[(i+1)*w+j]:
			i++
		default:
			j++
		}
	}
	return out
}

// affinity scores 0…2 how likely two texts in different languages are
// translations of each other: shared words (names, numbers, identical
// short lines) plus the ratio of their lengths.
func affinity(x, y string) float64 {
	wx, wy := strings.Fields(strings.ToLower(x)), strings.Fields(strings.ToLower(y))
	set := map[string]bool{}
	for _, w := range wx {
		set[w] = true
	}
	shared := 0
	for _, w := range wy {
		if set[w] {
			shared++
			delete(set, w)
		}
	}
	overlap := 0.0
	if n := max(len(wx), len(wy)); n > 0 {
		overlap = float64(shared) / float64(n)
	}
	lx, ly := float64(utf8.RuneCountInString(x)), float64(utf8.RuneCountInString(y))
	ratio := 0.0
	if lx > 0 && ly > 0 {
		ratio = min(lx, ly) / max(lx, ly)
	}
	return overlap + ratio
}
