package policynotice

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"legco.kz/compliance/assets"
	"legco.kz/compliance/reports/internal/pdftest"
	"legco.kz/compliance/store/policydoc"
)

// corrected returns the seed edition and a draft with every suggested
// correction of the check applied, as the editor's «apply» does.
func corrected(t *testing.T) (seed, draft *policydoc.Document) {
	t.Helper()
	b, err := assets.FS.ReadFile(assets.SeedPolicyPath)
	if err != nil {
		t.Fatal(err)
	}
	seed, err = policydoc.Parse(bytes.NewReader(b), "seed")
	if err != nil {
		t.Fatal(err)
	}
	gb, _ := assets.FS.ReadFile(assets.GlossaryPath)
	g, err := policydoc.ParseGlossary(gb, assets.GlossaryPath)
	if err != nil {
		t.Fatal(err)
	}
	wb, _ := assets.FS.ReadFile(assets.WordsKKPath)
	wl, err := policydoc.ParseWordList(bytes.NewReader(wb), assets.WordsKKPath)
	if err != nil {
		t.Fatal(err)
	}
	lx := policydoc.NewLexicon(g, wl)
	draft = seed.Clone()
	for range 20 {
		var next *policydoc.Problem
		for _, p := range policydoc.Lint(draft, lx) {
			if p.Fix != nil {
				next = &p
				break
			}
		}
		if next == nil {
			break
		}
		if err := policydoc.ApplyFix(draft, *next); err != nil {
			t.Fatal(err)
		}
	}
	return seed, draft
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestNoticeSeedToCorrected(t *testing.T) {
	pdftest.Need(t)
	seed, draft := corrected(t)
	n := policydoc.NewNotice(seed, draft, 1, 2, true)
	if len(n.Items) != 7 {
		t.Fatalf("%d changed clauses, want 7", len(n.Items))
	}
	kk := []string{"Құпиялылық саясатына енгізілген өзгерістер туралы хабарлама", "2.2.5-тармақ", "1.4-тармақ (тізбенің 9-позициясы)",
		"Бұрын: жарнамалық материалдарды шектеу;", "Енді: жарнамалық материалдарды таргеттеу;",
		"Бұрын: иеліктен шығару;", "Енді: иесіздендіру;", "Бұрын: окшаулау;", "Енді: оқшаулау;",
		"статисти-калық", "статистикалық", "Пайдаланушы Пайдаланушы келісімін", "редакция-сына", "редакциясына",
		"жария-ланған", "жарияланған", "Осы келісімде", "Осы саясатта", "келісіміңіз қажет", "№ 1 — № 2"}
	ru := []string{"Уведомление об изменении Политики конфиденциальности", "Пункт 2.2.5", "Пункт 1.4 (позиция 9 перечня)", "Текст без номера (¶2)",
		"Текст на русском языке не изменился (изменён текст на казахском языке).", "Текст: таргетирование рекламных материалов;",
		"Текст: обезличивание;", "Пункт 6.1", "необходимо ваше согласие"}
	for _, tt := range []struct {
		layout   string
		want     []string
		unwanted []string
	}{
		{"ru", ru, []string{"Бұрын:", "Енді:", "Было:"}},
		{"kk", kk, []string{"Было:", "Стало:"}},
		{"ru+kk", append(append([]string(nil), ru...), kk...), nil},
	} {
		t.Run(tt.layout, func(t *testing.T) {
			layout, err := ParseLayout(tt.layout)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := Render(&buf, n, layout, Options{Date: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Draft: true}); err != nil {
				t.Fatal(err)
			}
			path := pdftest.Save(t, buf.Bytes(), "notice-"+layout.String()+".pdf")
			pdftest.Tool(t, "qpdf", "--check", path)
			text := squash(pdftest.Tool(t, "pdftotext", "-enc", "UTF-8", path, "-"))
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("%s: no %q in the PDF text:\n%s", tt.layout, w, text)
				}
			}
			for _, w := range tt.unwanted {
				if strings.Contains(text, w) {
					t.Errorf("%s: %q in a one-language notice", tt.layout, w)
				}
			}
			// The same notice gives the same bytes.
			var again bytes.Buffer
			Render(&again, n, layout, Options{Date: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Draft: true})
			if !bytes.Equal(buf.Bytes(), again.Bytes()) {
				t.Error("two renders of one notice differ")
			}
		})
	}
	// The plain text for the website and e-mail holds both wordings too.
	plain := n.PlainText(policydoc.RU, policydoc.KK)
	for _, w := range []string{"Текст: обезличивание;", "Бұрын: иеліктен шығару;", "Енді: иесіздендіру;"} {
		if !strings.Contains(plain, w) {
			t.Errorf("plain text lacks %q", w)
		}
	}
	if _, err := ParseLayout("en"); err == nil {
		t.Error("layout en accepted")
	}
}
