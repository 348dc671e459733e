package consentreport

import (
	"bytes"
	"context"
	"encoding/csv"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"legco.kz/compliance/reports/internal/pdftest"
	"legco.kz/compliance/store"
	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/keyslot"
)

func demoWorkspace(t *testing.T, n int) *store.Workspace {
	t.Helper()
	ctx := context.Background()
	w, err := store.Create(ctx, filepath.Join(t.TempDir(), "ws.db"), "admin", []byte("correct horse"), store.Options{KDF: keyslot.TestParams})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if err := w.PublishDemoEditions(ctx, demo.DemoEditions); err != nil {
		t.Fatal(err)
	}
	if _, err := w.LoadDemo(ctx, n, 3, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.LoadDemoConsents(ctx, n, 3, demo.DemoEditions, nil); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestReportShowsTheFigures(t *testing.T) {
	pdftest.Need(t)
	ctx := context.Background()
	w := demoWorkspace(t, 300)
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	d, err := w.ConsentReport(ctx, store.ConsentFilter{}, at)
	if err != nil {
		t.Fatal(err)
	}
	heading := map[string]string{"ru": "Отчёт о согласиях", "kk": "келісімдер туралы есеп", "en": "Consent report"}
	for _, lang := range []string{"ru", "kk", "en"} {
		var a, b bytes.Buffer
		if err := Render(&a, d, Options{Lang: lang}); err != nil {
			t.Fatal(err)
		}
		if err := Render(&b, d, Options{Lang: lang}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("%s: two renders of the same data differ", lang)
		}
		path := pdftest.Save(t, a.Bytes(), "report-"+lang+".pdf")
		pdftest.Tool(t, "qpdf", "--check", path)
		txt := strings.ReplaceAll(pdftest.Tool(t, "pdftotext", "-layout", path, "-"), "\u00a0", " ")
		flat := strings.Join(strings.Fields(txt), " ")
		for _, want := range []string{heading[lang], d.Head.Hash, "01.12.2026 14:30:00", "admin", d.Editions[3].SHA256} {
			if !strings.Contains(flat, want) {
				t.Errorf("%s: text lacks %q", lang, want)
			}
		}
		for _, r := range d.Rows {
			f := r.Total
			if !containsFigures(txt, f) {
				t.Errorf("%s: edition %d %s figures %+v not in the text", lang, r.Edition, r.Purpose, f)
			}
		}
		if !strings.Contains(flat, " "+strings.ReplaceAll(n(d.Backlog.Total), "\u00a0", " ")+" ") || d.Backlog.Total == 0 {
			t.Errorf("%s: backlog total %d not in the text", lang, d.Backlog.Total)
		}
	}
}

// containsFigures finds the four figures in order on one line.
func containsFigures(txt string, f store.ConsentFigures) bool {
	want := strings.Join([]string{n(f.Given), n(f.Withdrawn), n(f.Expired), n(f.Current)}, " ")
	want = strings.ReplaceAll(want, "\u00a0", " ")
	for _, line := range strings.Split(txt, "\n") {
		if strings.HasSuffix(strings.Join(strings.Fields(line), " "), want) {
			return true
		}
	}
	return false
}

func TestCSVExcelReady(t *testing.T) {
	ctx := context.Background()
	w := demoWorkspace(t, 60)
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	for _, sep := range []rune{';', ','} {
		var buf bytes.Buffer
		rows, err := WriteCSV(ctx, &buf, w, store.ConsentFilter{Edition: 3}, CSVOptions{Sep: sep, GeneratedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		s := buf.String()
		if !strings.HasPrefix(s, "\ufeff# generated_at"+string(sep)) || !strings.Contains(s, "\r\n") {
			t.Fatalf("sep %q: no BOM, header or CRLF: %q", sep, s[:min(80, len(s))])
		}
		lines := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
		if len(lines) != rows+5 || rows == 0 {
			t.Fatalf("sep %q: %d lines for %d rows", sep, len(lines), rows)
		}
		if lines[4] != strings.Join(CSVColumns, string(sep)) || !strings.Contains(lines[2], "edition=3") || !strings.Contains(lines[3], "#") {
			t.Fatalf("sep %q: header lines %q", sep, lines[:5])
		}
		for _, l := range lines[5:] {
			if f := strings.Split(l, string(sep)); len(f) != len(CSVColumns) || f[3] != "3" {
				t.Fatalf("sep %q: row %q", sep, l)
			}
		}
	}
	if _, err := WriteCSV(ctx, &bytes.Buffer{}, w, store.ConsentFilter{}, CSVOptions{Sep: '\t'}); err == nil {
		t.Fatal("tab separator accepted")
	}
}

// appendField writes every field exactly as encoding/csv's Writer (with
// CRLF) does: the current-states rows no longer go through it.
func TestAppendFieldQuotesAsEncodingCSV(t *testing.T) {
	fields := []string{"", "LC-0000001", "sms_third_party", "a;b", "a,b", `say "hi"`, "two\nlines", "cr\rlf\r\n", " lead", "\tlead",
		"\u00a0nbsp", `\.`, `\.x`, "Әлия Нұрова", "трейлинг ", "\"", ";", ","}
	for _, sep := range []rune{';', ','} {
		for _, f := range fields {
			var want bytes.Buffer
			cw := csv.NewWriter(&want)
			cw.Comma, cw.UseCRLF = sep, true
			cw.Write([]string{f, "x"})
			cw.Flush()
			got := string(appendField(nil, f, sep)) + string(sep) + "x\r\n"
			if got != want.String() {
				t.Errorf("sep %q field %q: got %q, encoding/csv %q", sep, f, got, want.String())
			}
		}
	}
}

// Every row of the current-states CSV says what the store says of that
// user and purpose now (a reader of the file, not the writer, checks it).
func TestCSVRowsAreTheCurrentStates(t *testing.T) {
	ctx := context.Background()
	w := demoWorkspace(t, 40)
	var buf bytes.Buffer
	n, err := WriteCSV(ctx, &buf, w, store.ConsentFilter{}, CSVOptions{Sep: ',', GeneratedAt: time.Now()})
	if err != nil || n == 0 {
		t.Fatalf("%d rows, %v", n, err)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff")))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil || len(recs) != n+5 {
		t.Fatalf("%d records for %d rows: %v", len(recs), n, err)
	}
	for _, rec := range recs[5:] {
		states, err := w.ConsentStates(ctx, rec[0], time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, s := range states {
			if s.Purpose == rec[1] {
				found = true
				want := []string{rec[0], s.Purpose, string(s.State), strconv.Itoa(s.Edition), s.Channel, s.Language, s.At.In(kazakhstan).Format(time.RFC3339)}
				if strings.Join(rec, "|") != strings.Join(want, "|") {
					t.Fatalf("row %q, store says %q", rec, want)
				}
			}
		}
		if !found {
			t.Fatalf("row %q: no such state in the store", rec)
		}
	}
}
