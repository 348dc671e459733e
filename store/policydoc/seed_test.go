package policydoc

import (
	"html"
	"os"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"legco.kz/compliance/assets"
)

func seedBytes(t testing.TB) []byte {
	t.Helper()
	b, err := assets.FS.ReadFile(assets.SeedPolicyPath)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func seedDoc(t testing.TB) *Document {
	t.Helper()
	d, err := Parse(strings.NewReader(string(seedBytes(t))), assets.SeedPolicyPath)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func byKey(t testing.TB, d *Document, key string) Clause {
	t.Helper()
	for i, k := range d.Keys() {
		if k == key {
			return d.Clauses[i]
		}
	}
	t.Fatalf("no clause %s", key)
	return Clause{}
}

func firstWords(s string, n int) string {
	w := strings.Fields(s)
	return strings.Join(w[:min(n, len(w))], " ")
}

func lastWords(s string, n int) string {
	w := strings.Fields(s)
	return strings.Join(w[max(0, len(w)-n):], " ")
}

func TestSeedClauseTexts(t *testing.T) {
	d := seedDoc(t)
	tests := []struct {
		key            string
		kind           Kind
		ruStart, ruEnd string
		kkStart, kkEnd string
		joins          []string // text that spans a page break
	}{
		{"¶1", KindTitle, "Политика конфиденциальности, применяемая", "знаком LegCo (Legal Communications)",
			"«LegCo (Legal Communications)» тауар", "кезінде қолданылатын құпиялылық саясаты", nil},
		{"¶2", KindParagraph, "Ниже в настоящем", "используются следующие термины:", "Осы келісімде мынадай", "мен анықтамалар қолданылады:", nil},
		{"¶3", KindTerm, "Администрация – ТОО", "энд Ти Партнерс)»;", "әкімшілік – «K&T", "Ти Партнерс)» ЖШС;", nil},
		{"¶8", KindTerm, "Пользовательское соглашение – соглашение", "знаком LegCo (Legal Communications);", "Пайдаланушы келісімі – әкімшілік", "пайдалану туралы келісім.", nil},
		{"¶9", KindHeading, "Преамбула", "Преамбула", "Преамбула", "Преамбула", nil},
		{"¶11", KindParagraph, "Пользование возможностями Веб-сервиса", "должен воздержаться от использования Веб-сервиса.",
			"Веб-қызмет мүмкіндіктерін пайдалану", "келіспеген жағдайда веб-қызметті пайдаланудан бас тартуға тиіс.", nil},
		{"1", KindHeading, "Персональные данные Пользователей,", "обрабатывает и хранит Администрация", "Әкімшілік жинайтын, өңдейтін", "пайдаланушылардың дербес деректері", nil},
		{"1.3", KindClause, "Администрация не обязана проверять", "несет предоставивший ее Пользователь.",
			"Әкімшілік пайдаланушы ұсынатын", "пайдаланушы өз мойнына алады.",
			[]string{"данных и иной информации, предоставляемых", "өзге де ақпараттың дұрыстығы мен"}},
		{"1.4", KindClause, "Принимая условия Пользовательского", "условиях, указанных в Политике:", "Пайдаланушы келісімінің шарттарын", "жазбаша нысанда келісім береді:", nil},
		{"1.4[1]", KindItem, "запись;", "запись;", "жазу;", "жазу;", nil},
		{"1.4[11]", KindItem, "удаление,", "удаление,", "құрту;", "құрту;", nil},
		{"1.4[12]", KindItem, "уничтожение персональных данных.", "уничтожение персональных данных.", "жою.", "жою.", nil},
		{"1.6", KindClause, "Пользователь дает согласие на раскрытие", "с момента создания проекта сделки.", "", "", nil},
		{"2.1", KindClause, "Администрация собирает и хранит", "с использованием возможностей Веб-сервиса.",
			"Әкімшілік тек қана веб-қызмет", "қажетті дербес деректерді жинайды және сақтайды.", nil},
		{"2.2", KindClause, "Администрация может использовать предоставляемые/предоставленные", "иную информацию в следующих целях:",
			"Әкімшілік пайдаланушы ұсынған/ұсынатын", "келесі мақсаттарда пайдалануы мүмкін:", nil},
		{"3.2.4", KindClause, "такая передача происходит в рамках", "информации и персональных данных Пользователей;",
			"мұндай деректерді беру бизнесті", "сақтау міндеттемелері өткенде;",
			[]string{"переходят все обязательства по соблюдению", "сөзсіз сатып алушыға осы"}},
		{"4.1", KindClause, "Пользователь может в любой момент", "в разделе «Личный кабинет»", "Пайдаланушы кез-келген уақытта", "енгізе және жаңарта алады.", nil},
		{"6.2", KindClause, "К отношениям между Пользователем", "применению право Республики Казахстан.",
			"Пайдаланушы мен әкімшілік арасында", "реттеуде Қазақстан Республикасының заңдары қолданылады.", nil},
		{"¶12", KindParagraph, "Единоличный исполнительный орган – Директор.", "Единоличный исполнительный орган – Директор.",
			"Жалғыз атқарушы орган – Директор.", "Жалғыз атқарушы орган – Директор.", nil},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			c := byKey(t, d, tc.key)
			if c.Kind != tc.kind {
				t.Errorf("kind %s, want %s", c.Kind, tc.kind)
			}
			check := func(lang, text, start, end string) {
				n := len(strings.Fields(start))
				if got := firstWords(text, n); got != start {
					t.Errorf("[%s] starts %q, want %q", lang, got, start)
				}
				if end == "" {
					return
				}
				n = len(strings.Fields(end))
				if got := lastWords(text, n); got != end {
					t.Errorf("[%s] ends %q, want %q", lang, got, end)
				}
			}
			check("ru", c.RU.Plain, tc.ruStart, tc.ruEnd)
			check("kk", c.KK.Plain, tc.kkStart, tc.kkEnd)
			for _, j := range tc.joins {
				if !strings.Contains(c.RU.Plain, j) && !strings.Contains(c.KK.Plain, j) {
					t.Errorf("page-break join %q missing", j)
				}
			}
			// the page-break joins leave exactly one space
			for _, s := range []string{c.RU.Plain, c.KK.Plain} {
				if strings.Contains(s, "  ") || s != strings.TrimSpace(s) {
					t.Errorf("whitespace not collapsed: %q", s)
				}
			}
		})
	}
}

func TestSeedStructure(t *testing.T) {
	d := seedDoc(t)
	var numbers []string
	kinds := map[Kind]int{}
	for _, c := range d.Clauses {
		kinds[c.Kind]++
		if c.Number != "" {
			numbers = append(numbers, c.Number)
		}
	}
	want := "1 1.1 1.1.1 1.1.2 1.1.3 1.2 1.3 1.4 1.5 1.6 2 2.1 2.2 2.2.1 2.2.2 2.2.3 2.2.4 2.2.5 2.2.6 " +
		"3 3.1 3.2 3.2.1 3.2.2 3.2.3 3.2.4 3.2.5 4 4.1 5 5.1 6 6.1 6.2"
	if got := strings.Join(numbers, " "); got != want {
		t.Errorf("numbers\n got %s\nwant %s", got, want)
	}
	wantKinds := map[Kind]int{KindTitle: 1, KindParagraph: 4, KindTerm: 6, KindHeading: 7, KindClause: 28, KindItem: 12}
	for k, n := range wantKinds {
		if kinds[k] != n {
			t.Errorf("%d clauses of kind %s, want %d", kinds[k], k, n)
		}
	}
	if len(d.Clauses) != 58 {
		t.Errorf("%d clauses, want 58", len(d.Clauses))
	}
	// the twelve items of 1.4 follow 1.4 directly, in both languages
	i := d.Find("1.4")
	items := d.Items("1.4")
	if len(items) != 12 {
		t.Fatalf("1.4 has %d items", len(items))
	}
	for k, j := range items {
		if j != i+1+k {
			t.Errorf("item %d at %d, want %d", k+1, j, i+1+k)
		}
		c := d.Clauses[j]
		if c.RU.IsEmpty() || c.KK.IsEmpty() || strings.HasPrefix(c.RU.Plain, "–") || strings.HasPrefix(c.KK.Plain, "–") {
			t.Errorf("item %d: %q / %q", k+1, c.RU.Plain, c.KK.Plain)
		}
	}
	if c := d.Clauses[d.Find("1.6")]; !c.KK.IsEmpty() || c.RU.IsEmpty() {
		t.Errorf("1.6 should be Russian only")
	}
	// underline spans survive
	under := map[string][2][]string{
		"3.2.5": {{"Пользовательское соглашение"}, {"Пайдаланушы Пайдаланушы келісімін"}},
		"6.1":   {{"www.legco.kz", "http://legco.kz/docs/privacy.pdf"}, {"www.legco.kz", "http://legco.kz/docs/privacy.pdf"}},
	}
	for i, c := range d.Clauses {
		u, ok := under[c.Number]
		if !ok {
			if len(c.RU.Underline)+len(c.KK.Underline) != 0 {
				t.Errorf("clause %d (%s) has unexpected underline", i, c.Number)
			}
			continue
		}
		if got := strings.Join(c.RU.Underlined(), "|"); got != strings.Join(u[0], "|") {
			t.Errorf("%s ru underlined %q", c.Number, got)
		}
		if got := strings.Join(c.KK.Underlined(), "|"); got != strings.Join(u[1], "|") {
			t.Errorf("%s kk underlined %q", c.Number, got)
		}
	}
	// clean text: no markup, NFC
	for _, c := range d.Clauses {
		for _, tx := range []Text{c.RU, c.KK} {
			if strings.ContainsAny(tx.Plain, "<>\t\n") || strings.Contains(tx.Plain, "&amp;") {
				t.Errorf("markup left: %q", tx.Plain)
			}
			if !norm.NFC.IsNormalString(tx.Plain) {
				t.Errorf("not NFC: %q", tx.Plain)
			}
		}
	}
	if d.Name != assets.SeedPolicyPath {
		t.Errorf("name %q", d.Name)
	}
}

var (
	tagRe  = regexp.MustCompile(`<[^>]*>`)
	wordRe = regexp.MustCompile(`[\p{L}\p{N}]+`)
)

// TestSeedNoLossNoDuplication: the words of each language of the file,
// tags stripped, are exactly the words of the parsed document in order
// (clause labels included).
func TestSeedNoLossNoDuplication(t *testing.T) {
	raw := string(seedBytes(t))
	d := seedDoc(t)
	for f, lang := range Langs {
		var file []string
		for _, line := range strings.Split(raw, "\n") {
			fields := strings.Split(line, "\t")
			if len(fields) != 2 {
				continue
			}
			file = append(file, wordRe.FindAllString(html.UnescapeString(tagRe.ReplaceAllString(fields[f], " ")), -1)...)
		}
		var doc []string
		for _, c := range d.Clauses {
			if !c.Text(lang).IsEmpty() {
				doc = append(doc, wordRe.FindAllString(c.Label()+" "+c.Text(lang).Plain, -1)...)
			}
		}
		if len(file) < 1000 {
			t.Fatalf("[%s] only %d words in the file?", lang, len(file))
		}
		if strings.Join(file, " ") != strings.Join(doc, " ") {
			for i := range min(len(file), len(doc)) {
				if file[i] != doc[i] {
					t.Fatalf("[%s] word %d: file %q, parsed %q (file context %v)", lang, i, file[i], doc[i], file[max(0, i-5):min(len(file), i+5)])
				}
			}
			t.Fatalf("[%s] %d words in the file, %d parsed", lang, len(file), len(doc))
		}
	}
}

func TestSeedCheck(t *testing.T) {
	got := Check(seedDoc(t))
	want := []struct {
		clause string
		lang   Lang
		code   string
		sev    Severity
	}{
		{"¶8", "", CodePunctuationMismatch, SeverityWarning},      // ru ends «;», kk «.»
		{"1.4[11]", "", CodePunctuationMismatch, SeverityWarning}, // ru «удаление,» kk «құрту;»
		{"1.6", KK, CodeMissingTranslation, SeverityError},
		{"4.1", "", CodePunctuationMismatch, SeverityWarning}, // ru has no final full stop
	}
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Clause != w.clause || g.Lang != w.lang || g.Code != w.code || g.Severity != w.sev {
			t.Errorf("problem %d = %v, want %+v", i, g, w)
		}
		if g.Message == "" || g.MessageRU == "" {
			t.Errorf("problem %d lacks a message", i)
		}
	}
}

func TestSeedFileMatchesShared(t *testing.T) {
	shared, err := os.ReadFile("/work/shared/seed/legco-privacy-policy.ru-kk.txt")
	if err != nil {
		t.Skip("shared seed not present")
	}
	if string(shared) != string(seedBytes(t)) {
		t.Error("embedded seed differs from the shared copy")
	}
}
