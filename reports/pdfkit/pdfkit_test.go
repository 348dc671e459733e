package pdfkit

import (
	"legco.kz/compliance/reports/internal/pdftest"

	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

const kazakhLetters = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"

func need(t *testing.T, bins ...string) {
	t.Helper()
	pdftest.Need(t, bins...)
}

func TestMeasureMatchesFpdf(t *testing.T) {
	pdf, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	samples := []string{
		"Политика конфиденциальности", kazakhLetters, "LegCo (Legal Communications) – «K&T»;",
		"http://legco.kz/docs/privacy.pdf", "0123456789 .,;:!?—–-/()[]{}№%", "\u00A0 ",
	}
	for _, bold := range []bool{false, true} {
		for _, size := range []float64{6.5, 9.5, 13} {
			style := ""
			if bold {
				style = "B"
			}
			pdf.SetFont(Family, style, size)
			for _, s := range samples {
				want := pdf.GetStringWidth(s)
				if got := Measure(s, bold, size); abs(got-want) > 1e-9 {
					t.Errorf("Measure(%q, %v, %v) = %v, fpdf %v", s, bold, size, got, want)
				}
			}
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestClean(t *testing.T) {
	r := Replacement()
	tests := []struct{ in, want string }{
		{"Политика " + kazakhLetters, "Политика " + kazakhLetters},
		{"и\u0306 ә", "й ә"}, // NFD -> NFC
		{"ok 👍🏽 done", "ok " + string(r) + " done"},
		{"flag 🇰🇿", "flag " + string(r) + string(r)},
		{"family 👨\u200d👩\u200d👧", "family " + string(r) + string(r) + string(r)},
		{"a\tb\r\nc\rd\x07e", "a b\nc\nd" + string(r) + "e"},
		{"bad \xff utf8", "bad " + string(r) + " utf8"},
		{"𝐀 math", string(r) + " math"},
		{"中文", string(r) + string(r)}, // no CJK in Noto Sans
	}
	for _, tc := range tests {
		if got := Clean(tc.in); got != tc.want {
			t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, c := range kazakhLetters + "«»–—№" {
		if !CanDraw(c) {
			t.Errorf("cannot draw %q", c)
		}
	}
	if CanDraw(0x1F600) || CanDraw(0x10000) || CanDraw(-1) {
		t.Error("CanDraw accepts runes above U+FFFF")
	}
}

// sample builds a two-page document exercising the kit.
func sample(t testing.TB, opts Options) []byte {
	t.Helper()
	pdf, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	pdf.AddPage()
	g := Columns(pdf, 2, 7)
	g.Divider = true
	var rows []Row
	for i := 1; i <= 40; i++ {
		n := i
		ru := []Run{{Text: fmt.Sprintf("%d. ", i), Bold: true}, {Text: strings.Repeat("Пользователь дает согласие на обработку персональных данных. ", i%5+1)},
			{Text: "www.legco.kz", Underline: true}, {Text: " 😀."}}
		kk := []Run{{Text: fmt.Sprintf("%d. ", i), Bold: true}, {Text: strings.Repeat("Пайдаланушы дербес деректерді өңдеуге келісім береді ("+kazakhLetters+"). ", i%3+1)}}
		rows = append(rows, Row{
			Cells:       [][]Paragraph{{{Runs: ru, Size: 9.5, Align: AlignJustify, Hyphenate: true}}, {{Runs: kk, Size: 9.5, Align: AlignJustify, Hyphenate: true}}},
			SpaceBefore: 2,
			OnStart: func(pdf *fpdf.Fpdf, y float64) {
				if n%10 == 1 {
					Bookmark(pdf, fmt.Sprintf("Раздел %d / %d-бөлім", n, n), 0, y)
				}
			},
		})
	}
	if err := g.Write(pdf, rows...); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(pdf, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var sampleOpts = Options{
	Title: "Проверка pdfkit 😀", Author: "ТОО «K&T Partners»", Subject: "Тест", Lang: "ru-KZ",
	Created:    time.Date(2024, 7, 1, 9, 30, 0, 0, time.UTC),
	AuditHead:  "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	FooterText: "LegCo · pdfkit", Watermark: "ПРОЕКТ / ЖОБА",
}

func writeTemp(t *testing.T, b []byte) string {
	p := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func TestSampleDocument(t *testing.T) {
	need(t, "qpdf", "pdftotext", "pdfinfo")
	b := sample(t, sampleOpts)
	if !bytes.Equal(b, sample(t, sampleOpts)) {
		t.Fatal("two renders differ")
	}
	p := writeTemp(t, b)
	run(t, "qpdf", "--check", p)
	info := run(t, "pdfinfo", p)
	for _, want := range []string{"Title:           Проверка pdfkit " + string(Replacement()), "Author:          ТОО «K&T Partners»",
		"Creator:         LegCo Compliance Workstation", "CreationDate:    Mon Jul  1 09:30:00 2024"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	if !bytes.Contains(b, []byte("/Lang (ru-KZ)")) {
		t.Error("no /Lang in the catalog")
	}
	pages := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(info)[1]
	text := run(t, "pdftotext", "-enc", "UTF-8", p, "-")
	for _, want := range []string{
		"Страница 1 из " + pages + " / 1-бет, барлығы " + pages,
		"Страница " + pages + " из " + pages,
		AuditLabel + sampleOpts.AuditHead,
		kazakhLetters, "www.legco.kz", "LegCo · pdfkit",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	if pages == "1" {
		t.Error("expected several pages")
	}
	outline := run(t, "qpdf", "--json", "--json-key=outlines", p)
	for _, want := range []string{"Раздел 1 / 1-бөлім", "Раздел 31 / 31-бөлім"} {
		if !strings.Contains(outline, want) {
			t.Errorf("outline lacks %q", want)
		}
	}
	if os.Getenv("PDFKIT_KEEP") != "" {
		os.WriteFile(os.Getenv("PDFKIT_KEEP"), b, 0o644)
	}
}

func TestWriteErrors(t *testing.T) {
	pdf, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(pdf, &bytes.Buffer{}); err != ErrNoPages {
		t.Errorf("no pages: %v", err)
	}
	pdf, _ = New(Options{})
	pdf.AddPage()
	pdf.SetFont("NoSuchFont", "", 10)
	if err := Write(pdf, &bytes.Buffer{}); err == nil {
		t.Error("sticky fpdf error not reported")
	}
}

func TestGridLayout(t *testing.T) {
	pdf, _ := New(Options{NoFooter: true})
	pdf.AddPage()
	g := Grid{Widths: []float64{40}}
	long := Paragraph{Runs: []Run{{Text: "Supercalifragilisticexpialidocious-and-then-some-more-characters short"}}, Size: 10}
	if h := g.Height(pdf, Row{Cells: [][]Paragraph{{long}}}); h < 3*PtToMM(10)*1.3-1e-9 {
		t.Errorf("overlong word not broken: height %v", h)
	}
	lines := layoutParagraph(Paragraph{Runs: []Run{{Text: "a\nb"}, {Text: " c", Bold: true}}, Size: 10}, 100, 0)
	if len(lines) != 2 {
		t.Errorf("hard break: %d lines", len(lines))
	}
	// widow/orphan control
	mk := func(n, para int) []line {
		var ls []line
		for i := range n {
			ls = append(ls, line{h: 1, para: para, nth: i, count: n})
		}
		return ls
	}
	ls := append(mk(3, 0), mk(5, 1)...)
	for _, tc := range []struct {
		avail float64
		want  int
	}{{2.5, 0}, {3.5, 3}, {4.5, 3}, {5.5, 5}, {6.5, 6}, {7.5, 6}, {9, 8}} {
		if got := fitLines(ls, tc.avail, 2, false); got != tc.want {
			t.Errorf("fitLines(avail %v) = %d, want %d", tc.avail, got, tc.want)
		}
	}
	if got := fitLines(ls, 2.5, 2, true); got != 2 {
		t.Errorf("at the top of a page take what fits: %d", got)
	}
	keep := append([]line{{h: 1, para: 0, count: 1, keepNext: true}}, mk(4, 1)...)
	for i := range keep[1:] {
		keep[1+i].para = 1
	}
	if got := fitLines(keep, 2.5, 2, false); got != 0 {
		t.Errorf("heading left alone at the page end: %d", got)
	}
}

func TestSampleHash(t *testing.T) {
	b := sample(t, sampleOpts)
	t.Logf("sample sha256 %x, %d bytes", sha256.Sum256(b), len(b))
}

func TestHyphenPoints(t *testing.T) {
	show := func(w string) string {
		rs := []rune(w)
		var b strings.Builder
		prev := 0
		for _, k := range HyphenPoints(w) {
			b.WriteString(string(rs[prev:k]))
			b.WriteString("|")
			prev = k
		}
		b.WriteString(string(rs[prev:]))
		return b.String()
	}
	tests := map[string]string{
		"персональных":       "пер|со|наль|ных",
		"конфиденциальности": "кон|фи|ден|ци|аль|нос|ти",
		"пайдаланушылардың":  "пай|да|ла|ну|шы|лар|дың",
		"Веб-сервиса":        "Веб-|сер|ви|са",
		"«Пользовательское»": "«Поль|зо|ва|тель|ское»",
		"iOS":                "iOS",
		"Communications)":    "Com|mu|ni|ca|ti|ons)",
		"(Legal":             "(Le|gal",
		"IP-адрес":           "IP-|ад|рес",
		"www.legco.kz":       "www.legco.kz",
		"2024":               "2024",
		"да":                 "да",
	}
	for w, want := range tests {
		if got := show(w); got != want {
			t.Errorf("%s → %s, want %s", w, got, want)
		}
	}
}

func TestGridNoBlankTrailingPage(t *testing.T) {
	pdf, _ := New(Options{NoFooter: true})
	pdf.AddPage()
	g := Grid{}
	_, h := pdf.GetPageSize()
	_, tm, _, bm := pdf.GetMargins()
	// fill the page to 1 mm above the bottom, then a paragraph whose
	// trailing gap does not fit
	lh := PtToMM(10) * 1.3
	n := int((h - tm - bm - 1) / lh)
	var ps []Paragraph
	for range n {
		ps = append(ps, Plain("строка", 10))
	}
	ps[n-1].SpaceAfter = 5
	if err := g.Write(pdf, Row{Cells: [][]Paragraph{ps}}); err != nil {
		t.Fatal(err)
	}
	if pdf.PageCount() != 1 {
		t.Errorf("%d pages, want 1", pdf.PageCount())
	}
}
