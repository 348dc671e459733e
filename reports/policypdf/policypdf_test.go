package policypdf

import (
	"legco.kz/compliance/reports/internal/pdftest"

	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"legco.kz/compliance/assets"
	"legco.kz/compliance/reports/pdfkit"
	"legco.kz/compliance/store/policydoc"
)

var update = flag.Bool("update", false, "rewrite the golden text files in testdata/")

const auditHead = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func seedDoc(t testing.TB) *policydoc.Document {
	t.Helper()
	b, err := assets.FS.ReadFile(assets.SeedPolicyPath)
	if err != nil {
		t.Fatal(err)
	}
	d, err := policydoc.Parse(bytes.NewReader(b), assets.SeedPolicyPath)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func seedEdition(t testing.TB) Edition {
	return Edition{
		Number:      1,
		Status:      StatusPublished,
		UpdatedOn:   time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC),
		EffectiveOn: time.Date(2024, 7, 15, 0, 0, 0, 0, time.UTC),
		Author:      "ТОО «K&T Partners (Кей энд Ти Партнерс)»",
		Doc:         seedDoc(t),
		AuditHead:   auditHead,
	}
}

var layouts = []Layout{RU, KK, RUKK}

func render(t testing.TB, ed Edition, l Layout) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, ed, l); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pageCount(t *testing.T, path string) int {
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(pdftest.Tool(t, "pdfinfo", path))
	n, _ := strconv.Atoi(m[1])
	return n
}

const ptPerMM = 72 / 25.4

// columnText extracts the text of one column of every page, without the
// running header and the footer, with pdftotext's crop box (points).
func columnText(t *testing.T, path string, pages int, x0, x1 float64) string {
	var sb strings.Builder
	top, bottom := 15.0, 297-pdfkit.DefaultMargins.Bottom+1
	for p := 1; p <= pages; p++ {
		sb.WriteString(pdftest.Tool(t, "pdftotext", "-enc", "UTF-8", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p),
			"-x", fmt.Sprint(int(x0*ptPerMM)), "-y", fmt.Sprint(int(top*ptPerMM)),
			"-W", fmt.Sprint(int((x1-x0)*ptPerMM)), "-H", fmt.Sprint(int((bottom-top)*ptPerMM)), path, "-"))
		sb.WriteString("\n")
	}
	return sb.String()
}

// letters keeps letters and digits only: comparing these streams checks
// that every word is there, once, in order, whatever the line breaks,
// spacing and hyphenation (a break "персональ-\n" is joined first).
func letters(s string) string {
	s = strings.ReplaceAll(s, "-\n", "")
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// expectedText is what a column must show, in order: the title, the
// lines under it, then every clause with its label.
func expectedText(ed Edition, l policydoc.Lang) string {
	var sb strings.Builder
	meta := func() {
		for _, p := range metaLines(ed, l) {
			for _, r := range p.Runs {
				sb.WriteString(r.Text + "\n")
			}
		}
	}
	metaDone := false
	for _, c := range ed.Doc.Clauses {
		if c.Kind != policydoc.KindTitle && !metaDone {
			meta()
			metaDone = true
		}
		if t := c.Text(l); !t.IsEmpty() {
			sb.WriteString(c.Label() + " " + t.Plain + "\n")
		}
	}
	return sb.String()
}

func TestRenderSeed(t *testing.T) {
	pdftest.Need(t)
	ed := seedEdition(t)
	for _, layout := range layouts {
		t.Run(layout.String(), func(t *testing.T) {
			b := render(t, ed, layout)
			if !bytes.Equal(b, render(t, ed, layout)) {
				t.Fatal("two renders of the same edition differ")
			}
			path := pdftest.Save(t, b, "privacy-"+layout.String()+".pdf")
			pdftest.Tool(t, "qpdf", "--check", path)
			pages := pageCount(t, path)

			// every clause's words, in order, in each column
			var cols []struct {
				lang   policydoc.Lang
				x0, x1 float64
			}
			if layout == RUKK {
				m := pdfkit.DefaultMargins
				mid := m.Left + (210-m.Left-m.Right-columnGap)/2 + columnGap/2
				cols = append(cols, struct {
					lang   policydoc.Lang
					x0, x1 float64
				}{policydoc.RU, 0, mid}, struct {
					lang   policydoc.Lang
					x0, x1 float64
				}{policydoc.KK, mid, 210})
			} else {
				cols = append(cols, struct {
					lang   policydoc.Lang
					x0, x1 float64
				}{layout.langs()[0], 0, 210})
			}
			for _, c := range cols {
				got := letters(columnText(t, path, pages, c.x0, c.x1))
				want := letters(expectedText(ed, c.lang))
				if got != want {
					t.Errorf("[%s] column text differs from the document: %s", c.lang, pdftest.FirstDiff(got, want))
				}
				if c.lang == policydoc.KK {
					for _, r := range "әғқңөұүіӘҚҮ" {
						if !strings.ContainsRune(got, r) {
							t.Errorf("Kazakh letter %c missing", r)
						}
					}
				}
			}

			full := pdftest.Tool(t, "pdftotext", "-enc", "UTF-8", path, "-")
			for _, l := range layout.langs() {
				for _, want := range []string{updatedLabel[l] + "01.07.2024", effectiveLabel[l] + "15.07.2024", editionLabel(l, 1)} {
					if !strings.Contains(full, want) {
						t.Errorf("missing %q", want)
					}
				}
			}
			for _, want := range []string{
				fmt.Sprintf("Страница 1 из %d / 1-бет, барлығы %d", pages, pages),
				fmt.Sprintf("Страница %d из %d / %d-бет, барлығы %d", pages, pages, pages, pages),
				pdfkit.AuditLabel + auditHead,
			} {
				if !strings.Contains(full, want) {
					t.Errorf("missing %q", want)
				}
			}
			if strings.Contains(full, "ПРОЕКТ") {
				t.Error("a published edition shows the draft label")
			}

			golden := filepath.Join("testdata", "seed-"+layout.String()+".txt")
			if *update {
				if err := os.WriteFile(golden, []byte(full), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if full != string(want) {
				t.Errorf("pdftotext output differs from %s (run with -update after checking the pages): %s", golden, pdftest.FirstDiff(full, string(want)))
			}

			// metadata
			info := pdftest.Tool(t, "pdfinfo", path)
			wantTitle := title(ed.Doc, layout.langs()[0])
			for _, want := range []string{"Title:           " + wantTitle, "Author:          " + ed.Author,
				"CreationDate:    Mon Jul  1 00:00:00 2024"} {
				if !strings.Contains(info, want) {
					t.Errorf("pdfinfo lacks %q", want)
				}
			}
			lang := "ru-KZ"
			if layout == KK {
				lang = "kk-KZ"
			}
			if !bytes.Contains(b, []byte("/Lang ("+lang+")")) {
				t.Errorf("catalog lacks /Lang (%s)", lang)
			}

			// one bookmark per section heading
			var outl struct {
				Outlines []struct {
					Title string `json:"title"`
				} `json:"outlines"`
			}
			if err := json.Unmarshal([]byte(pdftest.Tool(t, "qpdf", "--json", "--json-key=outlines", path)), &outl); err != nil {
				t.Fatal(err)
			}
			var titles []string
			for _, o := range outl.Outlines {
				titles = append(titles, o.Title)
			}
			var wantTitles []string
			for _, i := range ed.Doc.Headings() {
				wantTitles = append(wantTitles, bookmarkText(ed.Doc.Clauses[i], layout.langs()))
			}
			if strings.Join(titles, "\n") != strings.Join(wantTitles, "\n") || len(titles) != 7 {
				t.Errorf("bookmarks\n%s\nwant\n%s", strings.Join(titles, "\n"), strings.Join(wantTitles, "\n"))
			}
		})
	}
}

func TestRenderDraftAndOddText(t *testing.T) {
	pdftest.Need(t)
	doc := seedDoc(t).Clone()
	i := doc.Find("2.2.5")
	doc.Clauses[i].RU = doc.Clauses[i].RU.WithPlain("таргетирование рекламных материалов 🎯 и\u0306 ещё;")
	doc.Clauses[i].KK = policydoc.NewText("жарнамалық материалдарды бағыттау (ӘәҒғҚқҢңӨөҰұҮүҺһІі) 👍🏽;")
	ed := Edition{Number: 2, Status: StatusDraft, Doc: doc, AuditHead: auditHead}
	for _, layout := range layouts {
		b := render(t, ed, layout)
		if !bytes.Equal(b, render(t, ed, layout)) {
			t.Fatalf("%s: draft renders differ", layout)
		}
		path := pdftest.Save(t, b, "draft.pdf")
		pdftest.Tool(t, "qpdf", "--check", path)
		full := strings.Join(strings.Fields(strings.ReplaceAll(pdftest.Tool(t, "pdftotext", "-enc", "UTF-8", path, "-"), "-\n", "")), " ")
		for _, want := range []string{"ПРОЕКТ / ЖОБА", updatedLabel[layout.langs()[0]] + "—"} {
			if !strings.Contains(full, want) {
				t.Errorf("%s: missing %q", layout, want)
			}
		}
		if layout != KK && !strings.Contains(full, "материалов "+string(pdfkit.Replacement())+" й ещё") {
			t.Errorf("%s: emoji not replaced or NFD not composed", layout)
		}
		if layout != RU && !strings.Contains(full, "ӘәҒғҚқҢңӨөҰұҮүҺһІі") {
			t.Errorf("%s: Kazakh letters damaged", layout)
		}
		if strings.Contains(full, "Дата вступления") {
			t.Errorf("%s: a draft without effective date shows one", layout)
		}
	}
}

func TestRenderConcurrent(t *testing.T) {
	ed := seedEdition(t)
	want := render(t, ed, RUKK)
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			if err := Render(&buf, ed, RUKK); err != nil || !bytes.Equal(buf.Bytes(), want) {
				errs <- fmt.Sprint("concurrent render differs: ", err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestRenderErrorsAndRuns(t *testing.T) {
	if err := Render(&bytes.Buffer{}, Edition{}, RU); err == nil {
		t.Error("nil document accepted")
	}
	if err := Render(&bytes.Buffer{}, seedEdition(t), Layout(9)); err == nil {
		t.Error("bad layout accepted")
	}
	for s, want := range map[string]Layout{"ru": RU, "KK": KK, "ru-kk": RUKK} {
		if got, err := ParseLayout(s); err != nil || got != want {
			t.Errorf("ParseLayout(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseLayout("en"); err == nil {
		t.Error("ParseLayout(en) accepted")
	}
	d := seedDoc(t)
	c := d.Clauses[d.Find("6.1")]
	var under []string
	for _, r := range runs(c, policydoc.KK) {
		if r.Underline {
			under = append(under, r.Text)
		}
	}
	if strings.Join(under, "|") != "www.legco.kz|http://legco.kz/docs/privacy.pdf" {
		t.Errorf("underlined runs %q", under)
	}
	if r := runs(c, policydoc.RU); r[0].Text != "6.1. " || !r[0].Bold {
		t.Errorf("label run %+v", r[0])
	}
	term := runs(d.Clauses[3], policydoc.RU)
	if term[0].Text != "Аккаунт" || !term[0].Bold || term[1].Bold {
		t.Errorf("term runs %+v", term[:2])
	}
	if FormatDate(time.Date(2025, 3, 9, 23, 0, 0, 0, time.UTC)) != "09.03.2025" || FormatDate(time.Time{}) != "—" {
		t.Error("FormatDate")
	}
}

func BenchmarkRenderSeed(b *testing.B) {
	ed := seedEdition(b)
	for _, layout := range layouts {
		b.Run(layout.String(), func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := Render(&buf, ed, layout); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "bytes")
		})
	}
}
