package destructionact

import (
	"legco.kz/compliance/reports/internal/pdftest"

	"bytes"
	"cmp"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"legco.kz/compliance/reports/pdfkit"
	"legco.kz/compliance/store"
)

var (
	update = flag.Bool("update", false, "rewrite the golden text files in testdata/")
	keep   = flag.String("keep", "", "also write the sample act's PDF to this path (to look at it)")
)

var ptPerMM = 72 / 25.4

const (
	auditHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	account   = "LC-7F3K9Q2M"
)

// sampleAct was made at 09:42 UTC, 14:42 in Almaty.
func sampleAct() *store.DestructionAct {
	return &store.DestructionAct{
		Number:    "DA-2026-000001",
		At:        time.Date(2026, 3, 16, 9, 42, 17, 0, time.UTC),
		Staff:     "Жұмабекова Зуһра Серікқызы",
		Role:      store.RoleCompliance,
		Reason:    "Обращение субъекта от 12.03.2026 об уничтожении персональных данных (вх. № 117)",
		AccountID: account,
		Counts: store.DestroyedCounts{
			RegistrationFields: 11,
			ExtraFields:        3,
			AccessLogRows:      1287,
			PublicDataRows:     4,
			AuditPayloads:      29,
		},
		AuditSeq:    48213,
		AuditHash:   auditHash,
		WorkspaceID: "3c9d2f41a07be6158e42d0c9b7a1f365",
	}
}

func render(t testing.TB, act *store.DestructionAct, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderWith(&buf, act, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// flat collapses whitespace and joins words hyphenated at line ends.
func flat(s string) string {
	s = regexp.MustCompile(`([а-яәғқңөұүһіё])-\n`).ReplaceAllString(s, "$1")
	return strings.Join(strings.Fields(s), " ")
}

type bword struct {
	page           int
	x0, y0, x1, y1 float64 // mm
	text           string
}

// words returns the words of the PDF with their boxes (pdftotext -bbox).
func words(t *testing.T, path string) []bword {
	out := pdftest.Tool(t, "pdftotext", "-enc", "UTF-8", "-bbox", path, "-")
	re := regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
	var ws []bword
	for i, page := range strings.Split(out, "<page ")[1:] {
		for _, m := range re.FindAllStringSubmatch(page, -1) {
			w := bword{page: i + 1, text: m[5]}
			for j, f := range []*float64{&w.x0, &w.y0, &w.x1, &w.y1} {
				v, _ := strconv.ParseFloat(m[j+1], 64)
				*f = v / ptPerMM
			}
			ws = append(ws, w)
		}
	}
	return ws
}

// countColumn returns the numbers in the count column of the table of
// destroyed data, top to bottom, between its header and section 5.
func countColumn(t *testing.T, path string) []string {
	ws := words(t, path)
	x0 := pdfkit.DefaultMargins.Left + 8 + 90
	x1 := x0 + 23
	i := slices.IndexFunc(ws, func(w bword) bool { return w.text == "Количество" })
	if i < 0 {
		t.Fatal("no table header")
	}
	top, page, bottom := ws[i].y1, ws[i].page, 297-pdfkit.DefaultMargins.Bottom
	for _, w := range ws {
		if w.page == page && w.text == "Что" && w.y0 > top { // section 4 below the table
			bottom = min(bottom, w.y0)
		}
	}
	var col []bword
	for _, w := range ws {
		if w.page == page && w.y0 > top && w.y1 < bottom && w.x0 >= x0 && w.x1 <= x1 && strings.Trim(w.text, "0123456789") == "" {
			col = append(col, w)
		}
	}
	slices.SortFunc(col, func(a, b bword) int { return cmp.Compare(a.y0, b.y0) })
	var out []string
	for _, w := range col {
		out = append(out, w.text)
	}
	return out
}

func TestRenderSample(t *testing.T) {
	pdftest.Need(t)
	act := sampleAct()
	b := render(t, act, Options{})
	if !bytes.Equal(b, render(t, act, Options{})) {
		t.Fatal("two renders of the same act differ")
	}
	if *keep != "" {
		if err := os.WriteFile(*keep, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := pdftest.Save(t, b, "act.pdf")
	pdftest.Tool(t, "qpdf", "--check", path)

	full := pdftest.Tool(t, "pdftotext", "-enc", "UTF-8", path, "-")
	text := flat(full)
	ru, kk := Title(act.Number)
	pages := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(pdftest.Tool(t, "pdfinfo", path))
	n, _ := strconv.Atoi(pages[1])
	for _, want := range []string{
		ru, kk, "г. Алматы", "Алматы қ.", "16.03.2026", "16.03.2026 в 14:42 (время Алматы, UTC+5)",
		DefaultOperatorRU, DefaultOperatorKK, "БИН: —; веб-сервис LegCo (www.legco.kz)", "БСН: —; LegCo (www.legco.kz) веб-қызметі", "www.legco.kz",
		"пункт 1.4 Политики конфиденциальности", "№ 94-V «О персональных данных и их защите»",
		"«Дербес деректер және оларды қорғау туралы»",
		account, act.Reason, act.Staff, "специалист по комплаенсу",
		"secure_delete", "WAL",
		"Ответственный за организацию обработки персональных данных",
		"Дербес деректерді өңдеуді ұйымдастыруға жауапты тұлға", "Член комиссии", "Комиссия мүшесі",
		"№ 48213", auditHash, act.WorkspaceID,
		fmt.Sprintf("Страница 1 из %d / 1-бет, барлығы %d", n, n),
		fmt.Sprintf("Страница %d из %d / %d-бет, барлығы %d", n, n, n, n),
		pdfkit.AuditLabel + auditHash,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext lacks %q", want)
		}
	}
	// the full hash unbroken on one line (the particulars table)
	if !regexp.MustCompile(`(?m)^` + auditHash + `$`).MatchString(full) {
		t.Error("the audit hash is not on a line of its own")
	}
	for _, r := range "әғқңөұүһі" {
		if !strings.ContainsRune(full, r) {
			t.Errorf("Kazakh letter %c missing", r)
		}
	}

	// the counts, in order, in the table's count column
	if got := strings.Join(countColumn(t, path), " "); got != "11 3 1287 4 29" {
		t.Errorf("count column %q", got)
	}

	golden := filepath.Join("testdata", "act.txt")
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
		t.Errorf("pdftotext output differs from %s (run with -update after looking at the pages): %s", golden, pdftest.FirstDiff(full, string(want)))
	}

	info := pdftest.Tool(t, "pdfinfo", "-isodates", path)
	for _, want := range []string{"Title:           " + ru, "Author:          " + DefaultOperatorRU,
		"CreationDate:    2026-03-16T09:42:17Z", "ModDate:         2026-03-16T09:42:17Z"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q", want)
		}
	}
	if !bytes.Contains(b, []byte("/Lang (ru-KZ)")) {
		t.Error("catalog lacks /Lang (ru-KZ)")
	}
}

func TestRenderOptionsAndOddText(t *testing.T) {
	pdftest.Need(t)
	act := sampleAct()
	// NFD "й", an emoji, a long reason that pushes the act onto more pages
	act.Reason = "Повторный запрос и\u0306 🎯 " + strings.Repeat("өтініш бойынша ҚҰЖАТ ұсынылды; ", 60)
	act.Staff = "Ә\u0301лиев Ғ."
	act.Role = "custodian"
	opts := Options{OperatorBIN: "123456789012", SecondMember: "Сейтқали Нұрлан, юрист", AuditHead: strings.Repeat("ab", 32)}
	b := render(t, act, opts)
	if !bytes.Equal(b, render(t, act, opts)) {
		t.Fatal("renders differ")
	}
	if *keep != "" {
		if err := os.WriteFile(strings.TrimSuffix(*keep, ".pdf")+"-odd.pdf", b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := pdftest.Save(t, b, "act.pdf")
	pdftest.Tool(t, "qpdf", "--check", path)
	text := flat(pdftest.Tool(t, "pdftotext", "-enc", "UTF-8", path, "-"))
	for _, want := range []string{
		"БИН: 123456789012", "БСН: 123456789012", "Сейтқали Нұрлан, юрист",
		"Повторный запрос й " + string(pdfkit.Replacement()), "өтініш бойынша ҚҰЖАТ ұсынылды",
		"custodian", pdfkit.AuditLabel + strings.Repeat("ab", 32), auditHash,
		"Страница 2 из",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext lacks %q", want)
		}
	}
	if strings.Contains(text, "Страница 1 из 1 ") {
		t.Error("the long reason did not flow onto more pages")
	}
}

func TestDatesInAlmaty(t *testing.T) {
	// 20:30 UTC on 31 December is already 1 January in Almaty, whatever
	// the time zone of the machine or of the value.
	ny, _ := time.LoadLocation("America/New_York")
	for _, at := range []time.Time{
		time.Date(2026, 12, 31, 20, 30, 0, 0, time.UTC),
		time.Date(2026, 12, 31, 15, 30, 0, 0, time.FixedZone("EST", -5*3600)),
	} {
		if ny != nil {
			at = at.In(ny)
		}
		if got := FormatDate(at) + " " + FormatTime(at); got != "01.01.2027 01:30" {
			t.Errorf("%v: %s", at, got)
		}
	}
}

func TestFileName(t *testing.T) {
	for in, want := range map[string]string{"DA-2026-000001": "DA-2026-000001.pdf", "DA/2026 №7": "DA-2026--7.pdf", "": "act.pdf"} {
		if got := FileName(&store.DestructionAct{Number: in}); got != want {
			t.Errorf("FileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	if err := Render(&bytes.Buffer{}, nil); err == nil {
		t.Error("nil act accepted")
	}
	for name, change := range map[string]func(*store.DestructionAct){
		"number":  func(a *store.DestructionAct) { a.Number = " " },
		"date":    func(a *store.DestructionAct) { a.At = time.Time{} },
		"account": func(a *store.DestructionAct) { a.AccountID = "" },
	} {
		a := sampleAct()
		change(a)
		if err := Render(&bytes.Buffer{}, a); err == nil {
			t.Errorf("act without %s accepted", name)
		}
	}
}

func TestRenderConcurrent(t *testing.T) {
	want := render(t, sampleAct(), Options{})
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			var buf bytes.Buffer
			if err := Render(&buf, sampleAct()); err != nil {
				errs <- err
			} else if !bytes.Equal(buf.Bytes(), want) {
				errs <- fmt.Errorf("a concurrent render differs")
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// An act kept with its parties prints them: the operator's details, the
// member's full name and position, the time zone, the request.
func TestRenderActParties(t *testing.T) {
	pdftest.Need(t)
	act := sampleAct()
	act.StaffFullName, act.StaffPosition = "Сейітқали Нұрлан Серікұлы", "юрист"
	act.Operator = &store.Operator{NameRU: "ТОО «K&T Partners»", NameKK: "«K&T Partners» ЖШС", BIN: "190240012344",
		AddressRU: "г. Алматы, пр. Абая, 150", AddressKK: "Алматы қ., Абай даңғылы, 150"}
	act.TimeZone = "Asia/Aqtobe"
	act.RequestID = "RQ-2026-000042"
	b := render(t, act, Options{})
	path := pdftest.Save(t, b, "act.pdf")
	text := flat(pdftest.Tool(t, "pdftotext", "-enc", "UTF-8", path, "-"))
	for _, want := range []string{"ТОО «K&T Partners»", "БИН: 190240012344", "Адрес: г. Алматы, пр. Абая, 150", "контакт: —",
		"Мекенжайы: Алматы қ., Абай даңғылы, 150", "Сейітқали Нұрлан Серікұлы", "юрист", "Asia/Aqtobe", "RQ-2026-000042"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext lacks %q", want)
		}
	}
	if strings.Contains(text, "БИН: —") {
		t.Error("«БИН: —» with the BIN set")
	}
}
