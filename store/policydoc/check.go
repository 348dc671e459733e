package policydoc

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Severity tells how serious a Problem is.
type Severity string

const (
	// SeverityError: the two languages say different things or a part is
	// missing; the edition should not be published as is.
	SeverityError Severity = "error"
	// SeverityWarning: probably a slip worth a look (punctuation, names).
	SeverityWarning Severity = "warning"
)

// Problem codes reported by Check. They are stable: the UI and stored
// review notes key on them.
const (
	CodeEmptyDocument       = "empty-document"
	CodeMissingTranslation  = "missing-translation"
	CodeEmptyText           = "empty-text"
	CodeNumberingInvalid    = "numbering-invalid"
	CodeNumberingDuplicate  = "numbering-duplicate"
	CodeNumberingGap        = "numbering-gap"
	CodeNumberingOrder      = "numbering-order"
	CodeItemCountMismatch   = "item-count-mismatch"
	CodeURLMismatch         = "url-mismatch"
	CodeEmailMismatch       = "email-mismatch"
	CodeNumberMismatch      = "number-mismatch"
	CodeLatinMismatch       = "latin-mismatch"
	CodeUnderlineMismatch   = "underline-mismatch"
	CodePunctuationMismatch = "punctuation-mismatch"
)

// Problem is one finding of Check.
type Problem struct {
	// Clause is the clause key (see Document.Keys), "" for the document.
	Clause string `json:"clause"`
	// Index is the clause index in Document.Clauses, -1 for the document.
	Index int `json:"index"`
	// Lang is the language at fault ("" when it concerns both).
	Lang      Lang     `json:"lang,omitempty"`
	Code      string   `json:"code"`
	Severity  Severity `json:"severity"`
	Message   string   `json:"message"`    // English
	MessageRU string   `json:"message_ru"` // Russian
	// MessageKK is the Kazakh message, where there is one (the glossary
	// and language findings).
	MessageKK string `json:"message_kk,omitempty"`
	// Span is where in the clause's text in Lang the finding is (rune
	// offsets), Found the text there; nil for findings about a whole
	// clause.
	Span  *Span  `json:"span,omitempty"`
	Found string `json:"found,omitempty"`
	// Fix is the suggested correction, nil when there is none.
	Fix *Fix `json:"fix,omitempty"`
}

func (p Problem) String() string {
	where := p.Clause
	if where == "" {
		where = "document"
	}
	if p.Lang != "" {
		where += " [" + string(p.Lang) + "]"
	}
	return fmt.Sprintf("%s %s %s: %s", p.Severity, where, p.Code, p.Message)
}

var (
	urlRe    = regexp.MustCompile(`(?i)(?:https?://|www\.)[^\s«»"<>()]+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:kz|ru|com|org|net|info|gov)\b(?:/[^\s«»"<>()]*)?`)
	emailRe  = regexp.MustCompile(`[\p{L}0-9._%+-]+@[\p{L}0-9-]+(?:\.[\p{L}0-9-]+)+`)
	digitsRe = regexp.MustCompile(`[0-9]+(?:[.,:][0-9]+)*`)
	latinRe  = regexp.MustCompile(`[A-Za-z][A-Za-z0-9]*`)
)

// references extracts what must be identical in both languages: e-mail
// addresses, URLs, numbers and Latin-script words (brand and product
// names such as LegCo, iOS, SMS), each normalised.
type references struct {
	emails, urls, numbers, latin []string
}

func trimURL(s string) string {
	return strings.ToLower(strings.TrimRight(s, ".,;:!?»\"'"))
}

func referencesOf(s string) references {
	var r references
	// Each pattern needs a character most clauses lack; testing for it
	// first keeps the check fast enough to run as the user types.
	if strings.ContainsRune(s, '@') {
		for _, m := range emailRe.FindAllString(s, -1) {
			r.emails = append(r.emails, strings.ToLower(strings.TrimRight(m, ".")))
		}
		s = emailRe.ReplaceAllString(s, " ")
	}
	if strings.ContainsRune(s, '.') {
		for _, m := range urlRe.FindAllString(s, -1) {
			r.urls = append(r.urls, trimURL(m))
		}
		s = urlRe.ReplaceAllString(s, " ")
	}
	if strings.ContainsAny(s, "0123456789") {
		r.numbers = digitsRe.FindAllString(s, -1)
	}
	if hasASCIILetter(s) {
		r.latin = latinRe.FindAllString(s, -1)
	}
	return r
}

func hasASCIILetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c >= 'a' && c <= 'z' {
			return true
		}
	}
	return false
}

// multisetDiff returns the elements of a missing from b and of b missing
// from a (with multiplicity), sorted.
func multisetDiff(a, b []string) (onlyA, onlyB []string) {
	count := map[string]int{}
	for _, x := range a {
		count[x]++
	}
	for _, x := range b {
		count[x]--
	}
	for x, n := range count {
		for ; n > 0; n-- {
			onlyA = append(onlyA, x)
		}
		for ; n < 0; n++ {
			onlyB = append(onlyB, x)
		}
	}
	sort.Strings(onlyA)
	sort.Strings(onlyB)
	return onlyA, onlyB
}

// finalPunct classifies how a text ends: ".", ";", ":", ",", "?", "!" or
// "" (no punctuation). Closing quotes and brackets are skipped.
func finalPunct(s string) string {
	s = strings.TrimRight(s, "»\"”’)] ")
	if s == "" {
		return ""
	}
	r := []rune(s)
	last := r[len(r)-1]
	if last == '…' {
		return "."
	}
	if strings.ContainsRune(".;:,?!", last) {
		return string(last)
	}
	return ""
}

func describePunct(p string) string {
	if p == "" {
		return "none"
	}
	return "«" + p + "»"
}

func describePunctKK(p string) string {
	if p == "" {
		return "белгі жоқ"
	}
	return "«" + p + "»"
}

func describePunctRU(p string) string {
	if p == "" {
		return "нет"
	}
	return "«" + p + "»"
}

// Check compares the two languages and the numbering and returns the
// problems found, in document order. It reports:
//   - missing-translation: text in one language only (lang = the empty one);
//   - empty-text: a clause with no text in either language;
//   - numbering-invalid / -duplicate / -gap / -order;
//   - item-count-mismatch: a list with a different number of items;
//   - url-mismatch, email-mismatch: links or addresses that differ;
//   - number-mismatch, latin-mismatch (warnings): digits or Latin-script
//     names (LegCo, iOS, SMS…) that differ;
//   - underline-mismatch (warning): a different number of underlined runs;
//   - punctuation-mismatch (warning): the clause ends differently (e.g.
//     «;» in one language, «.» or nothing in the other).
//
// Items of a list are compared as a whole (item-count-mismatch on the
// owning clause), not one by one.
func Check(doc *Document) []Problem {
	if doc == nil || len(doc.Clauses) == 0 {
		return []Problem{{Index: -1, Code: CodeEmptyDocument, Severity: SeverityError,
			Message: "the document has no clauses", MessageRU: "в документе нет ни одного пункта", MessageKK: "құжатта бірде-бір тармақ жоқ"}}
	}
	keys := doc.Keys()
	var out []Problem
	add := func(i int, lang Lang, code string, sev Severity, en, ru, kk string) {
		out = append(out, Problem{Clause: keys[i], Index: i, Lang: lang, Code: code, Severity: sev, Message: en, MessageRU: ru, MessageKK: kk})
	}
	numbering := checkNumbering(doc)
	itemCounts := map[string][2]int{}
	for _, c := range doc.Clauses {
		if c.Kind == KindItem {
			n := itemCounts[c.Parent]
			if !c.RU.IsEmpty() {
				n[0]++
			}
			if !c.KK.IsEmpty() {
				n[1]++
			}
			itemCounts[c.Parent] = n
		}
	}
	listOwner := map[string]int{} // parent number -> index of the clause owning the list
	for i, c := range doc.Clauses {
		if c.Kind == KindItem {
			if _, ok := listOwner[c.Parent]; !ok {
				owner := i
				for j := i - 1; j >= 0; j-- {
					if doc.Clauses[j].Kind != KindItem {
						owner = j
						break
					}
				}
				listOwner[c.Parent] = owner
			}
		}
	}
	for i, c := range doc.Clauses {
		for _, p := range numbering[i] {
			add(i, "", p.code, SeverityError, p.en, p.ru, p.kk)
		}
		ruEmpty, kkEmpty := c.RU.IsEmpty(), c.KK.IsEmpty()
		if c.Kind != KindItem {
			switch {
			case ruEmpty && kkEmpty:
				add(i, "", CodeEmptyText, SeverityError, "no text in either language", "нет текста ни на одном языке", "екі тілде де мәтін жоқ")
			case kkEmpty:
				add(i, KK, CodeMissingTranslation, SeverityError,
					"present in Russian only: the Kazakh text is missing",
					"есть только на русском языке: нет казахского текста",
					"тек орыс тілінде бар: қазақша мәтін жоқ")
			case ruEmpty:
				add(i, RU, CodeMissingTranslation, SeverityError,
					"present in Kazakh only: the Russian text is missing",
					"есть только на казахском языке: нет русского текста",
					"тек қазақ тілінде бар: орысша мәтін жоқ")
			}
		}
		for parent, owner := range listOwner {
			if owner != i {
				continue
			}
			if n := itemCounts[parent]; n[0] != n[1] {
				add(i, "", CodeItemCountMismatch, SeverityError,
					fmt.Sprintf("the list has %d items in Russian and %d in Kazakh", n[0], n[1]),
					fmt.Sprintf("число пунктов перечня различается: %d в русском тексте, %d в казахском", n[0], n[1]),
					fmt.Sprintf("тізбе тармақтарының саны әртүрлі: орысша мәтінде %d, қазақша мәтінде %d", n[0], n[1]))
			}
		}
		if ruEmpty || kkEmpty {
			continue // nothing to compare
		}
		ra, ka := referencesOf(c.RU.Plain), referencesOf(c.KK.Plain)
		cmp := func(code string, sev Severity, what, whatRU, whatKK string, a, b []string) {
			onlyRU, onlyKK := multisetDiff(a, b)
			if len(onlyRU) == 0 && len(onlyKK) == 0 {
				return
			}
			lang := Lang("")
			switch {
			case len(onlyKK) == 0:
				lang = KK
			case len(onlyRU) == 0:
				lang = RU
			}
			add(i, lang, code, sev,
				fmt.Sprintf("%s differ: only in Russian %s, only in Kazakh %s", what, list(onlyRU), list(onlyKK)),
				fmt.Sprintf("%s различаются: только в русском тексте %s, только в казахском %s", whatRU, list(onlyRU), list(onlyKK)),
				fmt.Sprintf("%s әртүрлі: тек орысша мәтінде %s, тек қазақша мәтінде %s", whatKK, list(onlyRU), list(onlyKK)))
		}
		cmp(CodeURLMismatch, SeverityError, "links", "ссылки", "сілтемелер", ra.urls, ka.urls)
		cmp(CodeEmailMismatch, SeverityError, "e-mail addresses", "адреса электронной почты", "электрондық пошта мекенжайлары", ra.emails, ka.emails)
		cmp(CodeNumberMismatch, SeverityWarning, "numbers", "числа", "сандар", ra.numbers, ka.numbers)
		cmp(CodeLatinMismatch, SeverityWarning, "Latin-script names", "названия латиницей", "латынша атаулар", ra.latin, ka.latin)
		if nr, nk := len(normSpans(c.RU.Underline, c.RU.Len())), len(normSpans(c.KK.Underline, c.KK.Len())); nr != nk {
			add(i, "", CodeUnderlineMismatch, SeverityWarning,
				fmt.Sprintf("%d underlined passages in Russian, %d in Kazakh", nr, nk),
				fmt.Sprintf("подчёркнутых фрагментов: %d в русском тексте, %d в казахском", nr, nk),
				fmt.Sprintf("асты сызылған үзінділер: орысша мәтінде %d, қазақша мәтінде %d", nr, nk))
		}
		if c.Kind != KindTitle && c.Kind != KindHeading {
			if pr, pk := finalPunct(c.RU.Plain), finalPunct(c.KK.Plain); pr != pk {
				add(i, "", CodePunctuationMismatch, SeverityWarning,
					fmt.Sprintf("ends with %s in Russian but %s in Kazakh", describePunct(pr), describePunct(pk)),
					fmt.Sprintf("в конце русского текста %s, казахского — %s", describePunctRU(pr), describePunctRU(pk)),
					fmt.Sprintf("орысша мәтіннің соңында %s, қазақшаның соңында — %s", describePunctKK(pr), describePunctKK(pk)))
			}
		}
	}
	return out
}

func list(xs []string) string {
	if len(xs) == 0 {
		return "—"
	}
	return "«" + strings.Join(xs, "», «") + "»"
}

type numberingProblem struct {
	code, en, ru, kk string
}

// checkNumbering walks the numbered clauses and headings in order and
// reports, by clause index, invalid numbers, duplicates, gaps and
// numbers out of order.
func checkNumbering(doc *Document) map[int][]numberingProblem {
	out := map[int][]numberingProblem{}
	seen := map[string]int{}
	var last []int
	for i, c := range doc.Clauses {
		if c.Number == "" {
			continue
		}
		if !ValidNumber(c.Number) {
			out[i] = append(out[i], numberingProblem{CodeNumberingInvalid,
				fmt.Sprintf("%q is not a valid clause number", c.Number),
				fmt.Sprintf("«%s» — неправильный номер пункта", c.Number),
				fmt.Sprintf("«%s» — тармақтың дұрыс емес нөмірі", c.Number)})
			continue
		}
		if j, dup := seen[c.Number]; dup {
			out[i] = append(out[i], numberingProblem{CodeNumberingDuplicate,
				fmt.Sprintf("number %s is used twice (also clause #%d)", c.Number, j+1),
				fmt.Sprintf("номер %s использован дважды (также пункт №%d)", c.Number, j+1),
				fmt.Sprintf("%s нөмірі екі рет қолданылған (№%d тармақ та)", c.Number, j+1)})
			continue
		}
		seen[c.Number] = i
		p := numberParts(c.Number)
		d := len(p)
		switch {
		case len(last) < d-1:
			out[i] = append(out[i], numberingProblem{CodeNumberingGap,
				fmt.Sprintf("clause %s has no parent: %s is missing", c.Number, joinParts(p[:d-1])),
				fmt.Sprintf("у пункта %s нет вышестоящего: отсутствует %s", c.Number, joinParts(p[:d-1])),
				fmt.Sprintf("%s тармағының жоғары тармағы жоқ: %s жоқ", c.Number, joinParts(p[:d-1]))})
		case !equalParts(last[:d-1], p[:d-1]):
			if compareParts(p[:d-1], last[:d-1]) < 0 {
				out[i] = append(out[i], numberingProblem{CodeNumberingOrder,
					fmt.Sprintf("clause %s comes after %s", c.Number, joinParts(last)),
					fmt.Sprintf("пункт %s стоит после %s", c.Number, joinParts(last)),
					fmt.Sprintf("%s тармағы %s тармағынан кейін тұр", c.Number, joinParts(last))})
			} else {
				out[i] = append(out[i], numberingProblem{CodeNumberingGap,
					fmt.Sprintf("clause %s has no parent: %s is missing", c.Number, joinParts(p[:d-1])),
					fmt.Sprintf("у пункта %s нет вышестоящего: отсутствует %s", c.Number, joinParts(p[:d-1])),
					fmt.Sprintf("%s тармағының жоғары тармағы жоқ: %s жоқ", c.Number, joinParts(p[:d-1]))})
			}
		default:
			want := 1
			if len(last) >= d {
				want = last[d-1] + 1
			}
			switch {
			case p[d-1] > want:
				from := append(append([]int(nil), p[:d-1]...), want)
				to := append(append([]int(nil), p[:d-1]...), p[d-1]-1)
				gap := joinParts(from)
				if want != p[d-1]-1 {
					gap += "–" + joinParts(to)
				}
				out[i] = append(out[i], numberingProblem{CodeNumberingGap,
					fmt.Sprintf("numbering skips %s before %s", gap, c.Number),
					fmt.Sprintf("в нумерации пропущен %s перед %s", gap, c.Number),
					fmt.Sprintf("нөмірлеуде %s тармағының алдында %s өткізіп жіберілген", c.Number, gap)})
			case p[d-1] < want:
				out[i] = append(out[i], numberingProblem{CodeNumberingOrder,
					fmt.Sprintf("clause %s comes after %s", c.Number, joinParts(last)),
					fmt.Sprintf("пункт %s стоит после %s", c.Number, joinParts(last)),
					fmt.Sprintf("%s тармағы %s тармағынан кейін тұр", c.Number, joinParts(last))})
			}
		}
		last = p
	}
	return out
}

func equalParts(a, b []int) bool {
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

func compareParts(a, b []int) int {
	return compareNumbers(joinParts(a), joinParts(b))
}

func joinParts(p []int) string {
	s := make([]string, len(p))
	for i, n := range p {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ".")
}
