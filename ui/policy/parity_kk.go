package policy

import (
	"regexp"

	"fyne.io/fyne/v2/lang"

	"legco.kz/compliance/store/policydoc"
)

// The parity check (store/policydoc) words its findings in English and
// Russian. In the Kazakh UI they are said in Kazakh: the English message
// is read back by its pattern (per code) and reworded; a message whose
// pattern is not known here keeps the Russian wording.

var (
	reDiffer    = regexp.MustCompile(`^.* differ: only in Russian (.*), only in Kazakh (.*)$`)
	reItems     = regexp.MustCompile(`^the list has (\d+) items in Russian and (\d+) in Kazakh$`)
	reUnderline = regexp.MustCompile(`^(\d+) underlined passages in Russian, (\d+) in Kazakh$`)
	rePunct     = regexp.MustCompile(`^ends with (.*) in Russian but (.*) in Kazakh$`)
)

// kazakhWhat names what differs, per code.
var kazakhWhat = map[string]string{
	policydoc.CodeURLMismatch:    "сілтемелер",
	policydoc.CodeEmailMismatch:  "электрондық пошта мекенжайлары",
	policydoc.CodeNumberMismatch: "сандар",
	policydoc.CodeLatinMismatch:  "латын әрпімен жазылған атаулар",
}

func kazakhNone(s string) string {
	if s == "none" || s == "—" {
		return "жоқ"
	}
	return s
}

// kazakhProblem words p in Kazakh; ok is false for an unknown pattern.
func kazakhProblem(p policydoc.Problem) (string, bool) {
	switch p.Code {
	case policydoc.CodeEmptyText:
		return "екі тілде де мәтін жоқ", true
	case policydoc.CodeMissingTranslation:
		if p.Lang == policydoc.KK {
			return "тек орыс тілінде бар: қазақша мәтін жоқ", true
		}
		return "тек қазақ тілінде бар: орысша мәтін жоқ", true
	case policydoc.CodeItemCountMismatch:
		if m := reItems.FindStringSubmatch(p.Message); m != nil {
			return "тізім тармақтарының саны әртүрлі: орысша мәтінде " + m[1] + ", қазақшада " + m[2], true
		}
	case policydoc.CodeUnderlineMismatch:
		if m := reUnderline.FindStringSubmatch(p.Message); m != nil {
			return "астын сызған үзінділер: орысша мәтінде " + m[1] + ", қазақшада " + m[2], true
		}
	case policydoc.CodePunctuationMismatch:
		if m := rePunct.FindStringSubmatch(p.Message); m != nil {
			return "орысша мәтіннің соңында " + kazakhNone(m[1]) + ", қазақшаның соңында " + kazakhNone(m[2]), true
		}
	case policydoc.CodeURLMismatch, policydoc.CodeEmailMismatch, policydoc.CodeNumberMismatch, policydoc.CodeLatinMismatch:
		if m := reDiffer.FindStringSubmatch(p.Message); m != nil {
			return kazakhWhat[p.Code] + " әртүрлі: тек орысша мәтінде " + kazakhNone(m[1]) + ", тек қазақшада " + kazakhNone(m[2]), true
		}
	}
	return "", false
}

// openWarnings lists the parity check's open warnings for the publish
// dialog: how many, and the first few with their clause.
func openWarnings(probs []policydoc.Problem, n int) string {
	const shown = 5
	text := lang.N("{{.Count}} warning of the parity check is still open:", n, map[string]any{"Count": n})
	k := 0
	for _, p := range probs {
		if p.Severity != policydoc.SeverityWarning {
			continue
		}
		if k == shown {
			text += "\n" + lang.L("… and {{.More}} more on the Parity panel.", map[string]any{"More": n - shown})
			break
		}
		text += "\n• " + clauseName(p.Clause) + ": " + problemMessage(p)
		k++
	}
	return text
}
