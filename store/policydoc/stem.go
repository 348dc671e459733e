package policydoc

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// wordTok is one word of a text: rune offsets into the plain text and the
// word as written. Internal hyphens stay inside the word («веб-қызмет»).
type wordTok struct {
	start, end int // rune offsets, end exclusive
	word       string
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// tokenize splits s into words: runs of letters and digits, joined by a
// single hyphen or apostrophe between two letters.
func words(s string) []wordTok {
	rs := []rune(s)
	var out []wordTok
	for i := 0; i < len(rs); {
		if !isWordRune(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) {
			if isWordRune(rs[j]) {
				j++
				continue
			}
			if (rs[j] == '-' || rs[j] == '\'' || rs[j] == '’') && j+1 < len(rs) && unicode.IsLetter(rs[j+1]) && unicode.IsLetter(rs[j-1]) {
				j++
				continue
			}
			break
		}
		out = append(out, wordTok{start: i, end: j, word: string(rs[i:j])})
		i = j
	}
	return out
}

// lower folds case and ё to е, so «Ёлка» and «елка» compare equal.
func lower(s string) string {
	s = strings.ToLower(s)
	if strings.ContainsRune(s, 'ё') {
		s = strings.ReplaceAll(s, "ё", "е")
	}
	return s
}

// kazakhLetters are the letters Kazakh adds to the Russian alphabet, each
// with the Russian letter a careless or Russian keyboard puts instead.
var kazakhLetters = map[rune]rune{
	'ә': 'а', 'ғ': 'г', 'қ': 'к', 'ң': 'н', 'ө': 'о', 'ұ': 'у', 'ү': 'у', 'һ': 'х', 'і': 'и',
	'Ә': 'А', 'Ғ': 'Г', 'Қ': 'К', 'Ң': 'Н', 'Ө': 'О', 'Ұ': 'У', 'Ү': 'У', 'Һ': 'Х', 'І': 'И',
}

// foldKK writes every Kazakh letter as its Russian look-alike: the key
// under which «окшаулау» and «оқшаулау» meet.
func foldKK(s string) string {
	hit := false
	for _, r := range s {
		if _, ok := kazakhLetters[r]; ok {
			hit = true
			break
		}
	}
	if !hit {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if f, ok := kazakhLetters[r]; ok {
			r = f
		}
		b.WriteRune(r)
	}
	return b.String()
}

func countKazakhLetters(s string) int {
	n := 0
	for _, r := range s {
		if _, ok := kazakhLetters[r]; ok {
			n++
		}
	}
	return n
}

// Russian inflectional endings, longest first. Stripping one of them
// leaves a stem shared by the forms of a noun, adjective or participle
// («персональные», «персональных», «персональными» → «персональн»).
var ruEndings = sortedByLength([]string{
	"иями", "иям", "ями", "ами", "иях", "ием", "ией", "ого", "его", "ому", "ему", "ыми", "ими", "ешь", "ишь",
	"ий", "ый", "ой", "ей", "ая", "яя", "ое", "ее", "ые", "ие", "ых", "их", "ым", "им", "ую", "юю",
	"ом", "ем", "ам", "ям", "ах", "ях", "ов", "ев", "ия", "ию", "ии", "ья", "ье", "ьи", "ью",
	"ть", "ет", "ит", "ют", "ут", "ат", "ят",
	"а", "я", "о", "е", "ы", "и", "у", "ю", "ь",
})

// Kazakh suffixes (case, plural, possessive, the commonest verb forms)
// with their vowel-harmony and assimilation variants, longest first. They
// are stripped repeatedly, because Kazakh stacks them: «деректерін» =
// дерек + тер + ін.
var kkSuffixes = sortedByLength([]string{
	"ның", "нің", "дың", "дің", "тың", "тің",
	"ды", "ді", "ты", "ті", "ны", "ні", "ын", "ін",
	"ға", "ге", "қа", "ке", "на", "не",
	"да", "де", "та", "те", "нда", "нде", "дағы", "дегі", "тағы", "тегі", "ндағы", "ндегі",
	"дан", "ден", "тан", "тен", "нан", "нен",
	"мен", "бен", "пен", "сыз", "сіз",
	"лар", "лер", "дар", "дер", "тар", "тер", "нар", "нер",
	"ым", "ім", "ың", "ің", "сы", "сі", "ы", "і", "мыз", "міз", "ңыз", "ңіз",
	"у", "йтын", "йтін", "йды", "йді", "ған", "ген", "қан", "кен",
	"лық", "лік", "дық", "дік", "тық", "тік",
})

func sortedByLength(xs []string) []string {
	out := append([]string(nil), xs...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && utf8.RuneCountInString(out[j]) > utf8.RuneCountInString(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func hasVowel(s string) bool {
	return strings.ContainsAny(s, "аәеёиіоөуұүыэюя")
}

// minStem is the shortest stem (in runes) either stemmer leaves.
const minStem = 3

// stemRU strips one Russian ending (and a reflexive «-ся»).
func stemRU(w string) string {
	w = lower(w)
	w = strings.TrimSuffix(w, "ся")
	n := utf8.RuneCountInString(w)
	for _, e := range ruEndings {
		if strings.HasSuffix(w, e) && n-utf8.RuneCountInString(e) >= minStem {
			return w[:len(w)-len(e)]
		}
	}
	return w
}

// stemKK strips Kazakh suffixes one after another while what is left is a
// plausible stem (at least three letters, a vowel among them).
func stemKK(w string) string {
	w = lower(w)
	for {
		n := utf8.RuneCountInString(w)
		stripped := false
		for _, s := range kkSuffixes {
			if !strings.HasSuffix(w, s) || n-utf8.RuneCountInString(s) < minStem {
				continue
			}
			rest := w[:len(w)-len(s)]
			if !hasVowel(rest) {
				continue
			}
			w, stripped = rest, true
			break
		}
		if !stripped {
			return w
		}
	}
}

// Stem returns the stem of one word in language l, the key under which
// the glossary and the lints compare inflected forms.
func Stem(l Lang, w string) string {
	if l == KK {
		return stemKK(w)
	}
	return stemRU(w)
}

// Inflection decides whether w is a form of the word whose stem is stem:
// w starts with the stem and the rest is one Russian ending, or a chain of
// Kazakh suffixes. Kazakh letters are folded on both sides, so that a
// misspelling such as «окшаулау» is left to the Kazakh-letter lint rather
// than reported twice.
func isForm(l Lang, stem, w string) bool {
	stem, w = foldKK(lower(stem)), foldKK(lower(w))
	if !strings.HasPrefix(w, stem) {
		return false
	}
	return restIsSuffixes(l, w[len(stem):])
}

var (
	ruEndingSet  = map[string]bool{}
	kkFoldedSufs []string
)

func init() {
	for _, e := range ruEndings {
		ruEndingSet[e] = true
	}
	// Participles and the forms a stemmer must not cut (they would eat
	// stems: «саясатын») still count as inflection after a stem.
	for _, s := range append(append([]string(nil), kkSuffixes...), "атын", "етін", "йтын", "йтін", "ған", "ген") {
		kkFoldedSufs = append(kkFoldedSufs, foldKK(s))
	}
	// The stem-forming parts a Russian stemmer cuts with the ending.
	for _, e := range []string{"ся", "ии", "ие", "ия", "ию", "ий", "ием", "иям", "иями", "иях", "ой", "ем"} {
		ruEndingSet[e] = true
	}
}

func restIsSuffixes(l Lang, rest string) bool {
	if rest == "" {
		return true
	}
	if l == RU {
		if ruEndingSet[rest] {
			return true
		}
		// an ending and a reflexive «-ся»
		r := strings.TrimSuffix(rest, "ся")
		return r != rest && (r == "" || ruEndingSet[r])
	}
	// Kazakh: a chain of suffixes, at most four deep.
	var walk func(s string, depth int) bool
	walk = func(s string, depth int) bool {
		if s == "" {
			return true
		}
		if depth == 4 {
			return false
		}
		for _, suf := range kkFoldedSufs {
			if strings.HasPrefix(s, suf) && walk(s[len(suf):], depth+1) {
				return true
			}
		}
		return false
	}
	return walk(rest, 0)
}

// SameWord reports whether a and b are forms of one word in language l
// («деректер» and «деректерін», «данные» and «данных»).
func SameWord(l Lang, a, b string) bool {
	return isForm(l, Stem(l, a), b) || isForm(l, Stem(l, b), a)
}
