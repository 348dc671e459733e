// Package transparency renders the transparency report on requests for a
// period (PDF, Russian and Kazakh; CSV) and the disclosure register as
// CSV (ISO/IEC 27701-style: what, to whom, when, on which ground, under
// which request).
package transparency

import (
	"bytes"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"legco.kz/compliance/reports/pdfkit"
	"legco.kz/compliance/reports/requestpack"
	"legco.kz/compliance/store"
)

func day(t time.Time) string { return t.Format("02.01.2006") }

// WriteCSV writes the report's rows: one per group (section, key) with
// the counts and times, UTF-8 with a BOM.
func WriteCSV(w io.Writer, t *store.Transparency) error {
	io.WriteString(w, "\ufeff")
	cw := csv.NewWriter(w)
	cw.Write([]string{"period_from", "period_to", "section", "key", "received", "complied", "partially", "rejected", "pending",
		"accounts", "late", "median_working_days", "worst_working_days"})
	rows := func(section string, rs []store.TransparencyRow) {
		for _, r := range rs {
			cw.Write([]string{t.From.Format("2006-01-02"), t.To.Format("2006-01-02"), section, r.Key,
				strconv.Itoa(r.Received), strconv.Itoa(r.Complied), strconv.Itoa(r.Partial), strconv.Itoa(r.Rejected), strconv.Itoa(r.Pending),
				strconv.Itoa(r.Accounts), strconv.Itoa(r.Late), strconv.Itoa(r.MedianDays), strconv.Itoa(r.WorstDays)})
		}
	}
	rows("requester_type", t.ByRequester)
	rows("ground", t.ByGround)
	rows("kind", t.ByKind)
	rows("total", []store.TransparencyRow{t.Total})
	cw.Flush()
	return cw.Error()
}

// WriteDisclosuresCSV writes the disclosure register.
func WriteDisclosuresCSV(w io.Writer, ds []store.Disclosure) error {
	io.WriteString(w, "\ufeff")
	cw := csv.NewWriter(w)
	cw.Write([]string{"disclosed_at", "request", "account_id", "recipient", "requester_type", "ground", "fields", "prepared_by", "approved_by", "package_sha256"})
	for _, d := range ds {
		cw.Write([]string{d.At.UTC().Format(time.RFC3339), d.Request, d.AccountID, d.Recipient, string(d.RequesterType), string(d.Ground),
			strings.Join(d.Fields, " "), d.PreparedBy, d.ApprovedBy, d.PackageSHA256})
	}
	cw.Flush()
	return cw.Error()
}

func para(text string, size float64, bold bool) pdfkit.Paragraph {
	return pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: pdfkit.Clean(text), Bold: bold}}, Size: size, SpaceAfter: 1}
}

// RenderPDF writes the transparency report: period, operator, then tables
// by requester type, by ground and by kind, and the totals with the
// median and worst time to answer (working days) and how many were late.
func RenderPDF(w io.Writer, t *store.Transparency) error {
	title := "Отчёт о прозрачности / Ашықтық туралы есеп " + day(t.From) + "–" + day(t.To)
	pdf, err := pdfkit.New(pdfkit.Options{Title: title, Subject: title, Author: t.Operator.NameRU, Lang: "ru-KZ", Landscape: true,
		Created: t.MadeAt, Modified: t.MadeAt, AuditHead: t.AuditHead.Hash, FooterText: "Отчёт о прозрачности / Ашықтық туралы есеп"})
	if err != nil {
		return err
	}
	pdf.AddPage()
	g := pdfkit.Columns(pdf, 2, 8)
	g.Divider = true
	row := func(ru, kk string, size float64, bold bool) pdfkit.Row {
		return pdfkit.Row{Cells: [][]pdfkit.Paragraph{{para(ru, size, bold)}, {para(kk, size, bold)}}}
	}
	if err := g.Write(pdf,
		row("Отчёт о прозрачности: запросы о персональных данных", "Ашықтық туралы есеп: дербес деректер туралы сұраулар", 13, true),
		row(t.Operator.NameRU+", БИН "+orDash(t.Operator.BIN), t.Operator.NameKK+", БСН "+orDash(t.Operator.BIN), 9, false),
		row("Период: запросы, полученные с "+day(t.From)+" по "+day(t.To), "Кезең: "+day(t.From)+" бастап "+day(t.To)+" дейін алынған сұраулар", 9, false),
		row("Сроки — в рабочих днях Республики Казахстан. Составил: "+t.MadeBy.DisplayName()+", "+t.MadeAt.In(requestpack.Almaty).Format("02.01.2006 15:04"),
			"Мерзімдер — Қазақстан Республикасының жұмыс күндерімен. Құрастырған: "+t.MadeBy.DisplayName()+", "+t.MadeAt.In(requestpack.Almaty).Format("02.01.2006 15:04"), 8, false),
	); err != nil {
		return err
	}
	section := func(ru, kk string, rs []store.TransparencyRow, label func(string) requestpack.Bi) {
		ensure(pdf, 40) // heading, table header and a row stay together
		pdf.Ln(3)
		pdfkit.Bookmark(pdf, ru, 0, -1)
		g.Write(pdf, row(ru, kk, 10.5, true))
		table(pdf, rs, label)
	}
	section("Запросы третьих лиц по типу запрашивающего", "Үшінші тұлғалардың сұраулары сұрау салушы түрі бойынша", t.ByRequester,
		func(k string) requestpack.Bi { return requestpack.RequesterText(store.RequesterType(k)) })
	section("Запросы третьих лиц по основанию", "Үшінші тұлғалардың сұраулары негіз бойынша", t.ByGround,
		func(k string) requestpack.Bi { return requestpack.GroundText(store.Ground(k)) })
	section("Все запросы по виду", "Барлық сұраулар түрі бойынша", t.ByKind,
		func(k string) requestpack.Bi { return requestpack.KindText(store.RequestKind(k)) })
	section("Итого", "Барлығы", []store.TransparencyRow{t.Total}, func(string) requestpack.Bi { return requestpack.Bi{RU: "Всего", KK: "Барлығы"} })
	return pdfkit.Write(pdf, w)
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

var headers = []string{"Получено\nАлынды", "Исполнено\nОрындалды", "Частично\nІшінара", "Отказано\nБас тартылды", "В работе\nЖұмыста",
	"Аккаунтов\nАккаунттар", "С опозданием\nКешіктірілген", "Медиана, р. дн.\nМедиана, ж. к.", "Худшее, р. дн.\nЕң ұзақ, ж. к."}

// ensure starts a new page unless h mm are left above the bottom margin
// (fpdf's automatic break would split a header cell from its row).
func ensure(pdf *fpdf.Fpdf, h float64) {
	_, pageH := pdf.GetPageSize()
	_, _, _, bottom := pdf.GetMargins()
	if pdf.GetY()+h > pageH-bottom {
		pdf.AddPage()
	}
}

func table(pdf *fpdf.Fpdf, rs []store.TransparencyRow, label func(string) requestpack.Bi) {
	width := pdfkit.TextWidth(pdf)
	first := width * 0.31
	rest := (width - first) / float64(len(headers))
	pdfkit.SetFont(pdf, true, 6.5)
	pdf.SetFillColor(232, 232, 232)
	x, y := pdf.GetX(), pdf.GetY()
	h := 11.0
	pdf.Rect(x, y, first, h, "FD")
	for i, s := range headers {
		cx := x + first + float64(i)*rest
		pdf.Rect(cx, y, rest, h, "FD")
		pdf.SetXY(cx, y+1)
		pdf.MultiCell(rest, 3.1, pdfkit.Clean(s), "", "C", false)
	}
	pdf.SetXY(x, y+h)
	pdfkit.SetFont(pdf, false, 8)
	if len(rs) == 0 {
		pdf.CellFormat(width, 6, pdfkit.Clean("Запросов нет / Сұраулар жоқ"), "1", 1, "L", false, 0, "")
		return
	}
	for _, r := range rs {
		l := label(r.Key)
		text := pdfkit.Truncate(pdfkit.Clean(l.RU), false, 8, first-4)
		text2 := pdfkit.Truncate(pdfkit.Clean(l.KK), false, 8, first-4)
		ensure(pdf, 8)
		y := pdf.GetY()
		pdf.MultiCell(first, 4, text+"\n"+text2, "1", "L", false)
		pdf.SetXY(x+first, y)
		for _, v := range []int{r.Received, r.Complied, r.Partial, r.Rejected, r.Pending, r.Accounts, r.Late, r.MedianDays, r.WorstDays} {
			pdf.CellFormat(rest, 8, strconv.Itoa(v), "1", 0, "C", false, 0, "")
		}
		pdf.Ln(8)
	}
}

// PDF returns the report's bytes.
func PDF(t *store.Transparency) ([]byte, error) {
	var buf bytes.Buffer
	err := RenderPDF(&buf, t)
	return buf.Bytes(), err
}
