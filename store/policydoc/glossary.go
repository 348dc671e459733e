package policydoc

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// GlossaryKind says what a glossary entry is for.
type GlossaryKind string

const (
	// GlossaryLaw: a term defined by Law No. 94-V.
	GlossaryLaw GlossaryKind = "law"
	// GlossaryPolicy: a term the policy defines or relies on.
	GlossaryPolicy GlossaryKind = "policy"
	// GlossaryDocType: a kind of document (policy, agreement, contract);
	// «this X» must name the document's own kind.
	GlossaryDocType GlossaryKind = "doctype"
	// GlossaryVocab: a common word pair, never reported; it tells which
	// Kazakh word stands in a missing term's place.
	GlossaryVocab GlossaryKind = "vocab"
)

// Valid reports whether k is a known kind.
func (k GlossaryKind) Valid() bool {
	switch k {
	case GlossaryLaw, GlossaryPolicy, GlossaryDocType, GlossaryVocab:
		return true
	}
	return false
}

// GlossaryFormat is the "format" of a glossary file.
const GlossaryFormat = "legco-policy-glossary-v1"

// GlossaryEntry is one term: its Russian forms and the Kazakh forms
// accepted for it. Forms are base forms («персональные данные», «дербес
// деректер»); inflected forms in a text match by stem.
type GlossaryEntry struct {
	ID     string       `json:"id"`
	Kind   GlossaryKind `json:"kind"`
	RU     []string     `json:"ru"`
	KK     []string     `json:"kk"`
	Source string       `json:"source,omitempty"`
	// OneWay: checked from Russian to Kazakh only, because the Kazakh
	// word has other senses too («сақтау» also means to observe a rule,
	// «шарт» a condition).
	OneWay bool `json:"oneway,omitempty"`
}

// Forms returns the entry's forms in language l.
func (e GlossaryEntry) Forms(l Lang) []string {
	if l == KK {
		return e.KK
	}
	return e.RU
}

// Glossary is the terminology the policy's two languages are checked
// against.
type Glossary struct {
	Format  string          `json:"format"`
	Note    string          `json:"note,omitempty"`
	Entries []GlossaryEntry `json:"entries"`
}

// Entry returns the entry with the id, or false.
func (g *Glossary) Entry(id string) (GlossaryEntry, bool) {
	for _, e := range g.Entries {
		if e.ID == id {
			return e, true
		}
	}
	return GlossaryEntry{}, false
}

// ValidateEntry checks one entry and returns it normalised (NFC, single
// spaces, no empty forms).
func ValidateEntry(e GlossaryEntry) (GlossaryEntry, error) {
	e.ID = strings.TrimSpace(e.ID)
	if e.ID == "" {
		return e, fmt.Errorf("field id: empty")
	}
	if e.Kind == "" {
		e.Kind = GlossaryPolicy
	}
	if !e.Kind.Valid() {
		return e, fmt.Errorf("entry %q, field kind: %q is not law, policy, doctype or vocab", e.ID, e.Kind)
	}
	clean := func(field string, xs []string) ([]string, error) {
		var out []string
		for _, x := range xs {
			x = strings.Join(strings.Fields(norm.NFC.String(x)), " ")
			if x == "" {
				continue
			}
			if len(words(x)) == 0 {
				return nil, fmt.Errorf("entry %q, field %s: %q has no letters", e.ID, field, x)
			}
			out = append(out, x)
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("entry %q, field %s: at least one form is needed", e.ID, field)
		}
		return out, nil
	}
	var err error
	if e.RU, err = clean("ru", e.RU); err != nil {
		return e, err
	}
	if e.KK, err = clean("kk", e.KK); err != nil {
		return e, err
	}
	return e, nil
}

// ParseGlossary reads a glossary file; name is used in errors.
func ParseGlossary(b []byte, name string) (*Glossary, error) {
	var g Glossary
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&g); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if g.Format != GlossaryFormat {
		return nil, fmt.Errorf("%s: format %q, want %q", name, g.Format, GlossaryFormat)
	}
	seen := map[string]bool{}
	for i, e := range g.Entries {
		ne, err := ValidateEntry(e)
		if err != nil {
			return nil, fmt.Errorf("%s: entry %d: %w", name, i+1, err)
		}
		if seen[ne.ID] {
			return nil, fmt.Errorf("%s: entry %d: id %q used twice", name, i+1, ne.ID)
		}
		seen[ne.ID] = true
		g.Entries[i] = ne
	}
	return &g, nil
}

// WordList is a list of correctly spelt words of one language, and the
// hyphenated words that are right as written.
type WordList struct {
	Words      []string
	Hyphenated []string
}

// ParseWordList reads one word a line; "#" starts a comment line, "= "
// marks a hyphenated word that is correct as written.
func ParseWordList(r io.Reader, name string) (*WordList, error) {
	wl := &WordList{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(norm.NFC.String(sc.Text()))
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if rest, ok := strings.CutPrefix(s, "="); ok {
			wl.Hyphenated = append(wl.Hyphenated, lower(strings.TrimSpace(rest)))
			continue
		}
		if strings.ContainsAny(s, " \t") {
			return nil, fmt.Errorf("%s line %d: %q: one word a line", name, line, s)
		}
		wl.Words = append(wl.Words, lower(s))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s line %d: %w", name, line, err)
	}
	return wl, nil
}

// termForm is one form of an entry, compiled: the stems of its words.
type termForm struct {
	entry int
	form  int // index in the entry's forms of its language
	lang  Lang
	stems []string // folded, lower
	words []string // the words as written in the form, folded, lower
}

// Lexicon is a glossary and word list compiled for checking.
type Lexicon struct {
	Glossary *Glossary
	Words    *WordList
	forms    map[Lang]map[string][]termForm // by the first two runes of the first stem
	known    map[Lang]map[string]bool       // stems of correctly spelt words (exact letters)
	kkFolded map[string]string              // folded stem -> stem with Kazakh letters
	hyphen   map[string]bool
	stop     map[Lang]map[string]bool
}

func prefix2(s string) string {
	n := 0
	for i := range s {
		if n == 2 {
			return s[:i]
		}
		n++
	}
	return s
}

// NewLexicon compiles g and wl (either may be nil).
func NewLexicon(g *Glossary, wl *WordList) *Lexicon {
	if g == nil {
		g = &Glossary{Format: GlossaryFormat}
	}
	if wl == nil {
		wl = &WordList{}
	}
	lx := &Lexicon{Glossary: g, Words: wl,
		forms:    map[Lang]map[string][]termForm{RU: {}, KK: {}},
		known:    map[Lang]map[string]bool{RU: {}, KK: {}},
		kkFolded: map[string]string{},
		hyphen:   map[string]bool{},
		stop:     map[Lang]map[string]bool{RU: {}, KK: {}},
	}
	for i, e := range g.Entries {
		for _, l := range Langs {
			for fi, f := range e.Forms(l) {
				tf := termForm{entry: i, form: fi, lang: l}
				for _, w := range words(f) {
					tf.stems = append(tf.stems, foldKK(Stem(l, w.word)))
					tf.words = append(tf.words, foldKK(lower(w.word)))
					lx.addKnown(l, w.word)
				}
				k := prefix2(tf.stems[0])
				lx.forms[l][k] = append(lx.forms[l][k], tf)
			}
		}
	}
	for _, w := range wl.Words {
		lx.addKnown(KK, w)
	}
	for _, h := range wl.Hyphenated {
		lx.hyphen[h] = true
	}
	for _, w := range strings.Fields(stopRU) {
		lx.stop[RU][w] = true
	}
	for _, w := range strings.Fields(stopKK) {
		lx.stop[KK][w] = true
	}
	return lx
}

const (
	stopRU = "и в во на с со по для от до из о об при а но или либо не его ее её их это этот эта эти такой такие как что который которая которые также а также же ли"
	stopKK = "және мен пен бен де да те та осы сол бұл оның олардың өз өзі өзінің үшін бойынша арқылы немесе не сондай-ақ ал бірақ егер ретінде туралы тек қана емес болып табылады мынадай келесі арасында кезінде жағдайда мүмкін"
)

func (lx *Lexicon) addKnown(l Lang, w string) {
	w = lower(w)
	lx.known[l][w] = true
	s := Stem(l, w)
	lx.known[l][s] = true
	if l == KK && countKazakhLetters(s) > 0 {
		lx.kkFolded[foldKK(s)] = s
		lx.kkFolded[foldKK(w)] = w
	}
}

// knownWord reports whether w (lower case) is a form of a known word: a
// prefix of it is a known stem and the rest inflection.
func (lx *Lexicon) knownWord(l Lang, w string, extra map[string]bool) bool {
	if lx.known[l][w] || extra[w] {
		return true
	}
	rs := []rune(w)
	for n := len(rs) - 1; n >= minStem; n-- {
		p := string(rs[:n])
		if (lx.known[l][p] || extra[p]) && restIsSuffixes(l, string(rs[n:])) {
			return true
		}
	}
	return false
}

// SortEntries orders entries by kind (law, policy, doctype, vocab) and id,
// for listings.
func SortEntries(es []GlossaryEntry) {
	rank := map[GlossaryKind]int{GlossaryLaw: 0, GlossaryPolicy: 1, GlossaryDocType: 2, GlossaryVocab: 3}
	sort.SliceStable(es, func(i, j int) bool {
		if rank[es[i].Kind] != rank[es[j].Kind] {
			return rank[es[i].Kind] < rank[es[j].Kind]
		}
		return es[i].ID < es[j].ID
	})
}
