package policydoc

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Codes of the glossary check and the language lints.
const (
	CodeTermMismatch = "term-mismatch"
	CodeDocType      = "doc-type"
	CodeDoubledWord  = "doubled-word"
	CodeLayoutHyphen = "layout-hyphen"
	CodeMixedScript  = "mixed-script"
	CodeKazakhLetter = "kazakh-letter"
)

// LintCodes lists the codes Lint reports.
var LintCodes = []string{CodeTermMismatch, CodeDocType, CodeDoubledWord, CodeLayoutHyphen, CodeMixedScript, CodeKazakhLetter}

// Fix is a suggested correction: replace runes [Start, End) of the
// clause's text in the problem's language with Text.
type Fix struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// ltok is a word of one clause text, prepared for the lints.
type ltok struct {
	wordTok
	low    string // lower case
	key    string // lower case with Kazakh letters folded
	joined string // for a word cut by a layout hyphen, the word whole
}

type clauseText struct {
	plain string
	rs    []rune
	toks  []ltok
}

func prepare(t Text) clauseText {
	ct := clauseText{plain: t.Plain, rs: []rune(t.Plain)}
	ws := words(t.Plain)
	ct.toks = make([]ltok, 0, len(ws))
	var b, f []byte
	for _, w := range ws {
		// One pass for the lower-case form and the folded key; most words
		// need no folding and share the string.
		plain := true
		for _, r := range w.word {
			if unicode.IsUpper(r) || r == 'ё' {
				plain = false
				break
			}
			if _, ok := kazakhLetters[r]; ok {
				plain = false
				break
			}
		}
		if plain {
			ct.toks = append(ct.toks, ltok{wordTok: w, low: w.word, key: w.word})
			continue
		}
		b, f = b[:0], f[:0]
		folded := false
		for _, r := range w.word {
			r = unicode.ToLower(r)
			if r == 'ё' {
				r = 'е'
			}
			b = utf8.AppendRune(b, r)
			if k, ok := kazakhLetters[r]; ok {
				r, folded = k, true
			}
			f = utf8.AppendRune(f, r)
		}
		low := string(b)
		key := low
		if folded {
			key = string(f)
		}
		ct.toks = append(ct.toks, ltok{wordTok: w, low: low, key: key})
	}
	return ct
}

// CheckAll is the full check: structure and parity (Check), then the
// glossary and the language lints (Lint), in clause order.
func CheckAll(doc *Document, lx *Lexicon) []Problem {
	out := Check(doc)
	if lx != nil && doc != nil && len(doc.Clauses) > 0 {
		out = append(out, Lint(doc, lx)...)
		sort.SliceStable(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	}
	return out
}

// Lint checks the terminology against the glossary and runs the language
// lints on both texts of every clause:
//   - term-mismatch: a glossary term in one language whose accepted forms
//     are all missing from the other;
//   - doc-type: «осы келісім» / «настоящее соглашение» in a document whose
//     title names another kind (a policy);
//   - doubled-word: the same word twice in a row;
//   - layout-hyphen: a word cut by a hyphen left from page layout
//     («статисти-калық»), told from real hyphenated words by the word list
//     and the words of the edition;
//   - mixed-script: a word mixing Cyrillic and Latin letters;
//   - kazakh-letter: a Kazakh word written with a Russian letter
//     («окшаулау» for «оқшаулау»).
//
// Every finding has a span; most carry a Fix.
func Lint(doc *Document, lx *Lexicon) []Problem {
	if doc == nil || lx == nil {
		return nil
	}
	keys := doc.Keys()
	texts := make([][2]clauseText, len(doc.Clauses))
	seen := [2]map[string]bool{{}, {}} // words of the edition, lower case
	for i, c := range doc.Clauses {
		for li, l := range Langs {
			ct := prepare(c.Text(l))
			texts[i][li] = ct
			for _, tk := range ct.toks {
				if !strings.ContainsRune(tk.low, '-') {
					seen[li][tk.low] = true
				}
			}
		}
	}
	// Words of the edition with Kazakh letters teach the Kazakh-letter
	// lint their spelling, on top of the word list and the glossary.
	kkFolded := map[string]string{}
	for w := range seen[1] {
		if countKazakhLetters(w) > 0 {
			kkFolded[foldKK(w)] = w
		}
	}
	var out []Problem
	add := func(i int, l Lang, code string, sp *Span, found string, fix *Fix, en, ru, kk string) {
		out = append(out, Problem{Clause: keys[i], Index: i, Lang: l, Code: code, Severity: SeverityWarning,
			Message: en, MessageRU: ru, MessageKK: kk, Span: sp, Found: found, Fix: fix})
	}
	docType := lx.documentType(doc)
	for i := range doc.Clauses {
		for li, l := range Langs {
			ct := &texts[i][li]
			lintDoubled(ct, func(sp *Span, found string, fix *Fix, en, ru, kk string) {
				add(i, l, CodeDoubledWord, sp, found, fix, en, ru, kk)
			})
			lintMixed(ct, func(sp *Span, found string, fix *Fix, en, ru, kk string) {
				add(i, l, CodeMixedScript, sp, found, fix, en, ru, kk)
			})
			lx.lintHyphen(l, ct, seen[li], func(sp *Span, found string, fix *Fix, en, ru, kk string) {
				add(i, l, CodeLayoutHyphen, sp, found, fix, en, ru, kk)
			})
			if l == KK {
				lx.lintKazakhLetters(ct, kkFolded, func(sp *Span, found string, fix *Fix, en, ru, kk string) {
					add(i, l, CodeKazakhLetter, sp, found, fix, en, ru, kk)
				})
			}
		}
		lx.lintTerms(doc.Clauses[i], &texts[i], docType, func(l Lang, code string, sp *Span, found string, fix *Fix, en, ru, kk string) {
			add(i, l, code, sp, found, fix, en, ru, kk)
		})
	}
	return out
}

type emit func(sp *Span, found string, fix *Fix, en, ru, kk string)

func onlySpace(rs []rune) bool {
	for _, r := range rs {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

func lintDoubled(ct *clauseText, add emit) {
	for k := 1; k < len(ct.toks); k++ {
		a, b := ct.toks[k-1], ct.toks[k]
		if a.low != b.low || !hasLetter(a.low) || !onlySpace(ct.rs[a.end:b.start]) {
			continue
		}
		found := string(ct.rs[a.start:b.end])
		add(&Span{a.start, b.end}, found, &Fix{Start: a.end, End: b.end, Text: ""},
			fmt.Sprintf("«%s» twice in a row", b.word),
			fmt.Sprintf("слово «%s» повторено дважды подряд", b.word),
			fmt.Sprintf("«%s» сөзі қатарынан екі рет жазылған", b.word))
	}
}

func scriptOf(r rune) int {
	switch {
	case unicode.Is(unicode.Cyrillic, r):
		return 1
	case unicode.Is(unicode.Latin, r):
		return 2
	}
	return 0
}

// Latin letters that look like Cyrillic ones, and back.
var (
	latinToCyr = map[rune]rune{'a': 'а', 'c': 'с', 'e': 'е', 'o': 'о', 'p': 'р', 'x': 'х', 'y': 'у', 'i': 'і', 'k': 'к', 'h': 'һ',
		'A': 'А', 'B': 'В', 'C': 'С', 'E': 'Е', 'H': 'Н', 'K': 'К', 'M': 'М', 'O': 'О', 'P': 'Р', 'T': 'Т', 'X': 'Х', 'Y': 'У', 'I': 'І'}
	cyrToLatin = map[rune]rune{}
)

func init() {
	for l, c := range latinToCyr {
		cyrToLatin[c] = l
	}
}

func lintMixed(ct *clauseText, add emit) {
	for _, tk := range ct.toks {
		off := tk.start
		for _, part := range strings.Split(tk.word, "-") {
			prs := []rune(part)
			var cyr, lat int
			for _, r := range prs {
				switch scriptOf(r) {
				case 1:
					cyr++
				case 2:
					lat++
				}
			}
			if cyr > 0 && lat > 0 {
				to, toName, toRU := latinToCyr, "Cyrillic", "кириллицу"
				if lat > cyr {
					to, toName, toRU = cyrToLatin, "Latin", "латиницу"
				}
				fixed := []rune(part)
				ok := true
				for j, r := range fixed {
					if scriptOf(r) == 0 || (toName == "Cyrillic" && scriptOf(r) == 1) || (toName == "Latin" && scriptOf(r) == 2) {
						continue
					}
					if m, has := to[r]; has {
						fixed[j] = m
					} else {
						ok = false
					}
				}
				var fix *Fix
				if ok {
					fix = &Fix{Start: off, End: off + len(prs), Text: string(fixed)}
				}
				add(&Span{off, off + len(prs)}, part, fix,
					fmt.Sprintf("«%s» mixes Cyrillic and Latin letters; write it all in %s", part, toName),
					fmt.Sprintf("в слове «%s» смешаны кириллица и латиница; замените на %s", part, toRU),
					fmt.Sprintf("«%s» сөзінде кириллица мен латын әріптері аралас жазылған", part))
			}
			off += len(prs) + 1
		}
	}
}

func isCyrillicWord(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Cyrillic, r) {
			return false
		}
	}
	return true
}

// lintHyphen finds words cut by a layout hyphen: both halves are letters,
// the second starts in lower case, the word is not a known hyphenated word,
// and the halves joined make a word the edition or the word list knows.
func (lx *Lexicon) lintHyphen(l Lang, ct *clauseText, seen map[string]bool, add emit) {
	for k := range ct.toks {
		tk := &ct.toks[k]
		a, b, ok := strings.Cut(tk.low, "-")
		if !ok || strings.Contains(b, "-") || !isCyrillicWord(tk.low) {
			continue
		}
		if len([]rune(a)) < 2 || len([]rune(b)) < 2 || lx.hyphen[tk.low] || lx.knownHyphenated(tk.low) {
			continue
		}
		wb := []rune(strings.SplitN(tk.word, "-", 2)[1])
		if !unicode.IsLower(wb[0]) {
			continue
		}
		joined := a + b
		if !lx.knownWord(l, joined, seen) {
			continue
		}
		whole := strings.Replace(tk.word, "-", "", 1)
		tk.joined = lower(whole)
		add(&Span{tk.start, tk.end}, tk.word, &Fix{Start: tk.start, End: tk.end, Text: whole},
			fmt.Sprintf("«%s» is cut by a layout hyphen: «%s»", tk.word, whole),
			fmt.Sprintf("слово «%s» разорвано переносом: «%s»", tk.word, whole),
			fmt.Sprintf("«%s» сөзі тасымалдау сызықшасымен бөлініп қалған: «%s»", tk.word, whole))
	}
}

// knownHyphenated: a form of a hyphenated word of the list («мекен-жайы»).
func (lx *Lexicon) knownHyphenated(w string) bool {
	for h := range lx.hyphen {
		if strings.HasPrefix(w, h) && restIsSuffixes(KK, w[len(h):]) {
			return true
		}
	}
	return false
}

// lintKazakhLetters finds Kazakh words written with a Russian letter in
// place of a Kazakh one, when the word list, the glossary or the edition
// itself spells the word with the Kazakh letter.
func (lx *Lexicon) lintKazakhLetters(ct *clauseText, edition map[string]string, add emit) {
	for _, tk := range ct.toks {
		w := tk.low
		if strings.ContainsRune(w, '-') || !isCyrillicWord(w) || len([]rune(w)) < 4 {
			continue
		}
		if lx.knownWord(KK, w, nil) {
			continue
		}
		rs := []rune(tk.key)
		if len(rs) != tk.end-tk.start {
			continue // lower-casing changed the length (a dotted İ): offsets would not map
		}
		for n := len(rs); n >= 4; n-- {
			p := string(rs[:n])
			right, ok := lx.kkFolded[p]
			if !ok {
				right, ok = edition[p]
			}
			if !ok || !restIsSuffixes(KK, string(rs[n:])) {
				continue
			}
			orig := []rune(tk.word)
			if lower(string(orig[:n])) == right || countKazakhLetters(right) <= countKazakhLetters(lower(string(orig[:n]))) {
				break
			}
			fixed := []rune(right)
			if unicode.IsUpper(orig[0]) {
				fixed[0] = unicode.ToUpper(fixed[0])
			}
			whole := string(fixed) + string(orig[n:])
			add(&Span{tk.start, tk.end}, tk.word, &Fix{Start: tk.start, End: tk.end, Text: whole},
				fmt.Sprintf("«%s» is written with a Russian letter: «%s»", tk.word, whole),
				fmt.Sprintf("в слове «%s» русская буква вместо казахской: «%s»", tk.word, whole),
				fmt.Sprintf("«%s» сөзінде қазақ әрпінің орнына орыс әрпі жазылған: «%s»", tk.word, whole))
			break
		}
	}
}

// termHit is one occurrence of a glossary form in a text.
type termHit struct {
	entry, form int
	start, end  int // token indexes
}

// termHits finds the glossary forms in a text, longest first: a word that
// belongs to a longer term («Пайдаланушы келісімі») does not count for a
// shorter one («Пайдаланушы»). Forms of the same length may share words
// (homonyms: «келісім» is both consent and agreement).
func (lx *Lexicon) termHits(l Lang, ct *clauseText) []termHit {
	_, hits := lx.allTermHits(l, ct)
	return hits
}

// allTermHits returns every occurrence of a glossary form (words may be
// shared) and the occurrences left once longer terms took their words.
func (lx *Lexicon) allTermHits(l Lang, ct *clauseText) (all, kept []termHit) {
	var cands []termHit
	for k, tk := range ct.toks {
		key := tk.key
		if tk.joined != "" {
			key = foldKK(tk.joined)
		}
		for _, tf := range lx.forms[l][prefix2(key)] {
			if k+len(tf.stems) > len(ct.toks) {
				continue
			}
			match := true
			for j, st := range tf.stems {
				t := ct.toks[k+j]
				w := t.key
				if t.joined != "" {
					w = foldKK(t.joined)
				}
				// Kazakh compounds inflect only their last word
				// («пайдаланушы келісімінің», not «пайдаланушының келісімі»).
				if l == KK && j < len(tf.stems)-1 {
					if w != tf.words[j] {
						match = false
						break
					}
					continue
				}
				if !strings.HasPrefix(w, st) || !restIsSuffixes(l, w[len(st):]) {
					match = false
					break
				}
			}
			if match {
				cands = append(cands, termHit{tf.entry, tf.form, k, k + len(tf.stems)})
			}
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].end-cands[i].start > cands[j].end-cands[j].start })
	owner := make([]int, len(ct.toks)) // length of the term that took the word
	var out []termHit
	for _, c := range cands {
		n := c.end - c.start
		free := true
		for k := c.start; k < c.end; k++ {
			if owner[k] > n {
				free = false
				break
			}
		}
		if !free {
			continue
		}
		for k := c.start; k < c.end; k++ {
			owner[k] = n
		}
		out = append(out, c)
	}
	return cands, out
}

// documentType returns the doctype entry named in the title (the first
// clause of kind title), or -1.
func (lx *Lexicon) documentType(doc *Document) int {
	for _, c := range doc.Clauses {
		if c.Kind != KindTitle {
			continue
		}
		ct := prepare(c.RU)
		best, at := -1, len(ct.toks)+1
		all, _ := lx.allTermHits(RU, &ct)
		for _, h := range all {
			if lx.Glossary.Entries[h.entry].Kind == GlossaryDocType && h.start < at {
				best, at = h.entry, h.start
			}
		}
		return best
	}
	return -1
}

// demonstratives introduce «this document» in each language.
func isDemonstrative(l Lang, w string) bool {
	if l == KK {
		return w == "осы"
	}
	return strings.HasPrefix(w, "настоящ")
}

func (lx *Lexicon) lintTerms(c Clause, ct *[2]clauseText, docType int, add func(l Lang, code string, sp *Span, found string, fix *Fix, en, ru, kk string)) {
	if c.RU.IsEmpty() || c.KK.IsEmpty() {
		return // a missing translation is reported by Check
	}
	// A term is present when any of its forms occurs, even inside a
	// longer term; it is reported only where no longer term took it.
	var hits, all [2][]termHit
	all[0], hits[0] = lx.allTermHits(RU, &ct[0])
	all[1], hits[1] = lx.allTermHits(KK, &ct[1])
	present := [2]map[int]bool{{}, {}}
	for li := range all {
		for _, h := range all[li] {
			present[li][h.entry] = true
		}
	}
	docTypeHit := lx.lintDocType(c, ct, hits, present, docType, add)
	ents := lx.Glossary.Entries
	for li := range Langs {
		other := 1 - li
		ol := Langs[other]
		reported := map[int]bool{}
		for _, h := range hits[li] {
			e := ents[h.entry]
			if e.Kind == GlossaryVocab || present[other][h.entry] || reported[h.entry] || (li == 1 && (e.OneWay || e.Kind == GlossaryDocType)) || docTypeHit[[2]int{li, h.start}] {
				continue
			}
			// Kazakh may name the document («осы саясатта») where Russian
			// says «настоящий документ»: document kinds are checked from
			// Russian only, as are one-way entries.
			// A homonym: the words are also a term the other text has.
			if shared := lx.sharedWithPresent(hits[li], h, present[other]); shared {
				continue
			}
			reported[h.entry] = true
			t := ct[li].toks
			found := string(ct[li].rs[t[h.start].start:t[h.end-1].end])
			groups := lx.standIns(&ct[other], hits[other], ol, (float64(h.start)+float64(h.end))/2/float64(len(t)))
			forms := e.Forms(ol)
			accepted := "«" + strings.Join(forms, "», «") + "»"
			var stand []string
			for _, g := range groups {
				stand = append(stand, g.text)
			}
			in, inRU, inKK := "", "", ""
			if len(stand) > 0 {
				in = fmt.Sprintf("; in its place: «%s»", strings.Join(stand, "», «"))
				inRU = fmt.Sprintf("; на его месте: «%s»", strings.Join(stand, "», «"))
				inKK = fmt.Sprintf("; оның орнында: «%s»", strings.Join(stand, "», «"))
			}
			langEN, langRU, langKK := "Kazakh", "казахском", "қазақша"
			if ol == RU {
				langEN, langRU, langKK = "Russian", "русском", "орысша"
			}
			// The finding belongs to the text that lacks the term; when one
			// phrase stands in its place, the fix puts the accepted form
			// that corresponds to the form found there.
			var sp *Span
			var fix *Fix
			var standText string
			if len(groups) == 1 {
				g := groups[0]
				sp = &Span{g.start, g.end}
				standText = g.text
				want := forms[min(h.form, len(forms)-1)]
				if unicode.IsUpper([]rune(g.text)[0]) {
					r := []rune(want)
					r[0] = unicode.ToUpper(r[0])
					want = string(r)
				}
				fix = &Fix{Start: g.start, End: g.end, Text: want}
			}
			add(ol, CodeTermMismatch, sp, standText, fix,
				fmt.Sprintf("«%s» (%s) has none of its accepted %s forms %s%s", found, e.ID, langEN, accepted, in),
				fmt.Sprintf("для термина «%s» (%s) в %s тексте нет ни одного из принятых вариантов %s%s", found, e.ID, langRU, accepted, inRU),
				fmt.Sprintf("«%s» (%s) терминінің %s мәтінде қабылданған нұсқаларының (%s) бірде-біреуі жоқ%s", found, e.ID, langKK, accepted, inKK))
		}
	}
}

// sharedWithPresent reports whether the words of h also make a term that
// the other language has (so h is a homonym read the other way).
func (lx *Lexicon) sharedWithPresent(hits []termHit, h termHit, otherPresent map[int]bool) bool {
	for _, o := range hits {
		if o.entry != h.entry && o.start == h.start && o.end == h.end && otherPresent[o.entry] {
			return true
		}
	}
	return false
}

// standIn is a phrase of the other text that may stand in a term's place.
type standIn struct {
	start, end int // rune offsets
	text       string
}

// standIns returns the words of the other text that no glossary entry
// explains (the candidates for what was written instead of the term),
// at most the two nearest the term's relative position, adjacent words
// joined into one phrase.
func (lx *Lexicon) standIns(ct *clauseText, hits []termHit, l Lang, at float64) []standIn {
	covered := make([]bool, len(ct.toks))
	for _, h := range hits {
		for k := h.start; k < h.end; k++ {
			covered[k] = true
		}
	}
	type cand struct {
		k    int
		dist float64
	}
	var cs []cand
	for k, tk := range ct.toks {
		if covered[k] || lx.stop[l][tk.low] || !hasLetter(tk.low) || !isCyrillicWord(tk.low) {
			continue
		}
		pos := (float64(k) + 0.5) / float64(len(ct.toks))
		d := pos - at
		if d < 0 {
			d = -d
		}
		cs = append(cs, cand{k, d})
	}
	if len(cs) > 2 {
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].dist < cs[j].dist })
		cs = cs[:2]
		sort.Slice(cs, func(i, j int) bool { return cs[i].k < cs[j].k })
	}
	var out []standIn
	for i, c := range cs {
		tk := ct.toks[c.k]
		if i > 0 && cs[i-1].k == c.k-1 && onlySpace(ct.rs[ct.toks[c.k-1].end:tk.start]) {
			g := &out[len(out)-1]
			g.end = tk.end
			g.text = string(ct.rs[g.start:g.end])
			continue
		}
		out = append(out, standIn{tk.start, tk.end, tk.word})
	}
	return out
}

// lintDocType reports «this agreement» («осы келісім», «настоящее
// соглашение») in a document whose title names another kind.
func (lx *Lexicon) lintDocType(c Clause, ct *[2]clauseText, hits [2][]termHit, present [2]map[int]bool, docType int,
	add func(l Lang, code string, sp *Span, found string, fix *Fix, en, ru, kk string)) map[[2]int]bool {
	reported := map[[2]int]bool{} // language index, first word
	if docType < 0 {
		return reported
	}
	ents := lx.Glossary.Entries
	own := ents[docType]
	for li, l := range Langs {
		t := ct[li].toks
		for _, h := range hits[li] {
			e := ents[h.entry]
			if e.Kind != GlossaryDocType || h.entry == docType || h.start == 0 || !isDemonstrative(l, t[h.start-1].low) {
				continue
			}
			// «осы келісім» may be «this consent» when the other text says so.
			if lx.sharedWithPresent(hits[li], h, present[1-li]) {
				continue
			}
			if reported[[2]int{li, h.start}] {
				continue
			}
			reported[[2]int{li, h.start}] = true
			found := string(ct[li].rs[t[h.start].start:t[h.end-1].end])
			sp := &Span{t[h.start].start, t[h.end-1].end}
			var fix *Fix
			if l == KK && h.end-h.start == 1 {
				if repl, ok := kkReinflect(t[h.start].word, e.Forms(KK)[0], own.Forms(KK)[0]); ok {
					fix = &Fix{Start: sp.Start, End: sp.End, Text: repl}
				}
			}
			add(l, CodeDocType, sp, found, fix,
				fmt.Sprintf("«%s %s» calls the document «%s», but its title makes it «%s»", t[h.start-1].word, found, e.Forms(l)[0], own.Forms(l)[0]),
				fmt.Sprintf("«%s %s»: документ назван «%s», но по заглавию это «%s»", t[h.start-1].word, found, e.Forms(l)[0], own.Forms(l)[0]),
				fmt.Sprintf("«%s %s»: құжат «%s» деп аталған, бірақ атауы бойынша бұл — «%s»", t[h.start-1].word, found, e.Forms(l)[0], own.Forms(l)[0]))
		}
	}
	return reported
}
