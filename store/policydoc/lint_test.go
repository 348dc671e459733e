package policydoc

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// lintOne runs Lint on a two-clause document: a title that makes it a
// policy, and one clause with the given texts.
func lintOne(t *testing.T, lx *Lexicon, ru, kk string) []Problem {
	t.Helper()
	doc := &Document{Clauses: []Clause{
		{Kind: KindTitle, RU: NewText("Политика конфиденциальности"), KK: NewText("Құпиялылық саясаты")},
		{Number: "1.1", Kind: KindClause, RU: NewText(ru), KK: NewText(kk)},
	}}
	var out []Problem
	for _, p := range Lint(doc, lx) {
		if p.Index == 1 {
			out = append(out, p)
		}
	}
	return out
}

type lintCase struct {
	name   string
	ru, kk string
	want   []string // "lang found => fix", "" fix when none; empty: no finding
}

func runLintCases(t *testing.T, code string, cases []lintCase) {
	t.Helper()
	lx := shippedLexicon(t)
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range lintOne(t, lx, tt.ru, tt.kk) {
				if p.Code != code {
					continue
				}
				s := string(p.Lang) + " " + p.Found
				if p.Fix != nil {
					s += " => " + p.Fix.Text
				}
				got = append(got, s)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("%s findings %q, want %q", code, got, tt.want)
			}
		})
	}
}

func TestLintDoubledWord(t *testing.T) {
	runLintCases(t, CodeDoubledWord, []lintCase{
		{"kazakh doubled", "Пользователь нарушает соглашение", "Пайдаланушы Пайдаланушы келісімін бұзса", []string{"kk Пайдаланушы Пайдаланушы => "}},
		{"russian doubled, case differs", "в в течение срока", "мерзім ішінде", []string{"ru в в => "}},
		{"comma between is not doubled", "да, да", "иә, иә", nil},
		{"numbers are not words", "пункты 1 1", "1 1 тармақтар", nil},
		{"different forms", "данные данных", "деректер деректерді", nil},
	})
}

func TestLintLayoutHyphen(t *testing.T) {
	runLintCases(t, CodeLayoutHyphen, []lintCase{
		{"word list", "статистические", "статисти-калық зерттеулер", []string{"kk статисти-калық => статистикалық"}},
		{"inflected word of the list", "опубликования", "жария-ланған сәттен", []string{"kk жария-ланған => жарияланған"}},
		{"real hyphenated words", "в любое время, веб-сервис", "кез-келген уақытта, веб-қызмет, сондай-ақ қарым-қатынас", nil},
		{"hyphenated word's form", "адрес", "мекен-жайы бойынша", nil},
		{"Latin part", "IP-адрес и SMS-сообщения", "IP-адрес және SMS-хабарламалар", nil},
		{"capital after hyphen", "Алма-Ата", "Алма-Ата", nil},
		{"joined is no word", "тест", "бет-бейне", nil},
	})
}

func TestLintMixedScript(t *testing.T) {
	runLintCases(t, CodeMixedScript, []lintCase{
		{"latin o in cyrillic", "дoговор", "шарт", []string{"ru дoговор => договор"}},
		{"latin a in kazakh", "данные", "деректеp", []string{"kk деректеp => деректер"}},
		{"cyrillic in a latin name", "LegСo", "LegCo", []string{"ru LegСo => LegCo"}},
		{"names and hyphenated mixes are fine", "LegCo, K&T Partners, IP-адрес", "LegCo, K&T Partners, IP-адрес", nil},
	})
}

func TestLintKazakhLetter(t *testing.T) {
	runLintCases(t, CodeKazakhLetter, []lintCase{
		{"glossary form", "блокирование", "окшаулау", []string{"kk окшаулау => оқшаулау"}},
		{"inflected, capitalised", "блокирования", "Окшаулаудан бас тарту", []string{"kk Окшаулаудан => Оқшаулаудан"}},
		{"word list", "жалоба", "кұпиялылық", []string{"kk кұпиялылық => құпиялылық"}},
		{"russian loanwords stay", "кабинет, директор", "Жеке кабинет, Директор, Преамбула", nil},
		{"right spelling", "блокирование", "оқшаулау", nil},
		{"russian text is not linted", "окшаулау", "оқшаулау", nil},
	})
}

func TestLintDocType(t *testing.T) {
	runLintCases(t, CodeDocType, []lintCase{
		{"this agreement in a policy", "в настоящем документе", "Осы келісімде мынадай терминдер", []string{"kk келісімде => саясатта"}},
		{"accusative", "настоящий документ", "осы келісімді оқыңыз", []string{"kk келісімді => саясатты"}},
		{"russian", "настоящее соглашение действует", "осы саясат қолданылады", []string{"ru соглашение"}},
		{"this policy", "настоящая Политика", "осы саясат", nil},
		{"this consent", "настоящее согласие", "осы келісім", nil},
		{"the user agreement named", "Пользовательского соглашения", "Пайдаланушы келісімінің", nil},
	})
}

func TestLintTermMismatch(t *testing.T) {
	runLintCases(t, CodeTermMismatch, []lintCase{
		{"wrong term, one stand-in", "таргетирование рекламных материалов;", "жарнамалық материалдарды шектеу;", []string{"kk шектеу => таргеттеу"}},
		{"two-word stand-in", "обезличивание;", "иеліктен шығару;", []string{"kk иеліктен шығару => иесіздендіру"}},
		{"participle", "на основе обезличенных данных", "тәуелсіз деректер негізінде", []string{"kk тәуелсіз => иесіздендірілген"}},
		{"inflected forms match", "обработка персональных данных Пользователя", "пайдаланушының дербес деректерін өңдеу", nil},
		{"other direction", "данные", "дербес деректер", []string{"ru "}},
		{"homonym: келісім as agreement", "исполнение соглашений", "келісімдерді орындау", nil},
		{"one-way term: сақтау as observe", "соблюдение требований", "талаптарын сақтау", nil},
		{"misspelt term left to the letter lint", "блокирование", "окшаулау", nil},
	})
}

// TestSeedFindings: the seed edition, shipped glossary and word list, no
// rule written for the seed.
func TestSeedFindings(t *testing.T) {
	doc := seedDoc(t)
	var got []string
	for _, p := range Lint(doc, shippedLexicon(t)) {
		s := fmt.Sprintf("%s [%s] %s «%s»", p.Clause, p.Lang, p.Code, p.Found)
		if p.Fix != nil {
			s += " => «" + p.Fix.Text + "»"
		}
		got = append(got, s)
	}
	want := []string{
		"¶2 [kk] doc-type «келісімде» => «саясатта»",
		"1.4[9] [kk] term-mismatch «иеліктен шығару» => «иесіздендіру»",
		"1.4[10] [kk] kazakh-letter «окшаулау» => «оқшаулау»",
		"2.2.5 [kk] term-mismatch «шектеу» => «таргеттеу»",
		"2.2.6 [kk] layout-hyphen «статисти-калық» => «статистикалық»",
		"2.2.6 [kk] term-mismatch «тәуелсіз» => «иесіздендірілген»",
		"3.2.5 [kk] doubled-word «Пайдаланушы Пайдаланушы» => «»",
		"6.1 [kk] layout-hyphen «редакция-сына» => «редакциясына»",
		"6.1 [kk] layout-hyphen «жария-ланған» => «жарияланған»",
	}
	// Besides these, the check may say more (it does: heading 2 says
	// «персональной информации» in Russian, «дербес деректерін» in
	// Kazakh); it must not speak of the correct words below.
	have := map[string]bool{}
	for _, g := range got {
		have[g] = true
	}
	for _, w := range want {
		if !have[w] {
			t.Errorf("missing finding %s\ngot:\n%s", w, strings.Join(got, "\n"))
		}
	}
	for _, p := range CheckAll(doc, shippedLexicon(t)) {
		if p.Message == "" || p.MessageRU == "" || p.MessageKK == "" || !strings.ContainsAny(p.MessageKK, "әғқңөұүі") {
			t.Errorf("%s: a message is missing in one of the languages: %q / %q / %q", p.Clause, p.Message, p.MessageRU, p.MessageKK)
		}
		for _, never := range []string{"кез-келген", "веб-қызмет", "LegCo", "K&T", "Partners", "сондай-ақ", "мекен-жайы", "IP-адрес"} {
			if strings.Contains(p.Found, never) {
				t.Errorf("finding on a correct word: %s", p)
			}
		}
	}
	if len(got) > len(want)+2 {
		t.Errorf("%d findings, expected about %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	sort.Strings(got)
}

// TestApplyFixesToSeed applies every suggestion to a draft until the check
// is clean of the applied kinds; the diff against the seed shows exactly
// those changes.
func TestApplyFixesToSeed(t *testing.T) {
	seed := seedDoc(t)
	lx := shippedLexicon(t)
	draft := seed.Clone()
	applied := map[string]string{} // clause [lang] -> expected new text fragment
	kinds := map[string]bool{}
	for round := 0; round < 10; round++ {
		var fixable []Problem
		for _, p := range Lint(draft, lx) {
			if p.Fix != nil {
				fixable = append(fixable, p)
			}
		}
		if len(fixable) == 0 {
			break
		}
		// One at a time: spans of later findings move when a fix
		// changes the length of the text before them.
		p := fixable[0]
		if err := ApplyFix(draft, p); err != nil {
			t.Fatalf("apply %s: %v", p, err)
		}
		kinds[p.Code] = true
		applied[p.Clause+" "+string(p.Lang)] += p.Fix.Text + "|"
	}
	before := map[string]bool{}
	for _, p := range Lint(seed, lx) {
		before[p.Clause+" "+string(p.Lang)+" "+p.Code] = true
	}
	for _, p := range Lint(draft, lx) {
		if kinds[p.Code] && p.Fix != nil {
			t.Errorf("still found after the fixes: %s", p)
		}
		// A fix must not raise a finding the seed did not have.
		if !before[p.Clause+" "+string(p.Lang)+" "+p.Code] {
			t.Errorf("new finding after the fixes: %s", p)
		}
	}
	changes := Diff(seed, draft)
	if len(changes) != 7 {
		t.Errorf("%d changed clauses, want 7 (¶2, 1.4[9], 1.4[10], 2.2.5, 2.2.6, 3.2.5, 6.1):\n%s", len(changes), FormatDiff(changes))
	}
	text := FormatDiff(changes)
	for _, w := range []string{"саясатта", "иесіздендіру", "оқшаулау", "таргеттеу", "статистикалық", "иесіздендірілген", "редакциясына", "жарияланған"} {
		if !strings.Contains(text, w) {
			t.Errorf("diff lacks %q:\n%s", w, text)
		}
	}
	// Nothing else changed: the Russian text and every clause without a
	// finding are as in the seed.
	keys := seed.Keys()
	touched := map[string]bool{"¶2": true, "1.4[9]": true, "1.4[10]": true, "2.2.5": true, "2.2.6": true, "3.2.5": true, "6.1": true}
	for i := range seed.Clauses {
		if !seed.Clauses[i].RU.Equal(draft.Clauses[i].RU) {
			t.Errorf("clause %s: the Russian text changed", keys[i])
		}
		if !touched[keys[i]] && !seed.Clauses[i].KK.Equal(draft.Clauses[i].KK) {
			t.Errorf("clause %s changed without a finding", keys[i])
		}
	}
	if got := byKey(t, draft, "3.2.5").KK; !strings.Contains(got.Plain, "сондай-ақ Пайдаланушы келісімін") || len(got.Underlined()) != len(byKey(t, seed, "3.2.5").KK.Underlined()) {
		t.Errorf("3.2.5 after the fix: %q, underlined %q", got.Plain, got.Underlined())
	}
}

func TestTextReplaceKeepsUnderline(t *testing.T) {
	tx := NewText("а Пайдаланушы Пайдаланушы келісімін б", Span{2, 35})
	got := tx.Replace(13, 25, "")
	if got.Plain != "а Пайдаланушы келісімін б" || fmt.Sprint(got.Underlined()) != "[Пайдаланушы келісімін]" {
		t.Errorf("got %q underlined %q", got.Plain, got.Underlined())
	}
	got = NewText("x шектеу y", Span{2, 8}).Replace(2, 8, "таргеттеу")
	if fmt.Sprint(got.Underlined()) != "[таргеттеу]" {
		t.Errorf("replacement of an underlined word: %q", got.Underlined())
	}
}

func TestAcceptKeySurvivesRenumbering(t *testing.T) {
	lx := shippedLexicon(t)
	seed := seedDoc(t)
	var p Problem
	for _, q := range Lint(seed, lx) {
		if q.Code == CodeDoubledWord {
			p = q
		}
	}
	key := AcceptKey(seed, p)
	// A later draft: a clause inserted before, the text unchanged.
	later := seed.Clone()
	later.Clauses = append([]Clause{{Kind: KindParagraph, RU: NewText("Новый абзац."), KK: NewText("Жаңа абзац.")}}, later.Clauses...)
	left := FilterAccepted(later, Lint(later, lx), map[string]bool{key: true})
	for _, q := range left {
		if q.Code == CodeDoubledWord {
			t.Errorf("accepted finding came back after renumbering: %s", q)
		}
	}
	// An edit of the clause drops the mark.
	i := later.Find("3.2.5")
	later.Clauses[i].KK = later.Clauses[i].KK.WithPlain(later.Clauses[i].KK.Plain + " ")
	later.Clauses[i].KK = later.Clauses[i].KK.Replace(0, 0, "Және ")
	n := 0
	for _, q := range FilterAccepted(later, Lint(later, lx), map[string]bool{key: true}) {
		if q.Code == CodeDoubledWord {
			n++
		}
	}
	if n != 1 {
		t.Errorf("after an edit of the clause the finding should be back, got %d", n)
	}
}

func TestParseGlossaryErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"format":"x","entries":[]}`, "format"},
		{`{"format":"legco-policy-glossary-v1","entries":[{"id":"a","kind":"law","ru":["сбор"],"kk":[]}]}`, "entry 1: entry \"a\", field kk"},
		{`{"format":"legco-policy-glossary-v1","entries":[{"id":"a","kind":"zzz","ru":["сбор"],"kk":["жинау"]}]}`, "field kind"},
		{`{"format":"legco-policy-glossary-v1","entries":[{"id":"a","ru":["сбор"],"kk":["жинау"]},{"id":"a","ru":["х"],"kk":["х"]}]}`, "entry 2: id \"a\" used twice"},
	}
	for _, tt := range tests {
		_, err := ParseGlossary([]byte(tt.in), "g.json")
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "g.json") {
			t.Errorf("ParseGlossary(%s) = %v, want an error with %q", tt.in, err, tt.want)
		}
	}
}
