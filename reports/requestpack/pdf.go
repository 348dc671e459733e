package requestpack

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"legco.kz/compliance/reports/pdfkit"
	"legco.kz/compliance/store"
)

// Almaty prints dates in Kazakhstan time (UTC+5, fixed: the output never
// depends on the machine's time zone database).
var Almaty = time.FixedZone("UTC+5", 5*60*60)

func day(t time.Time) string { return t.In(Almaty).Format("02.01.2006") }

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func para(text string, size float64, bold bool) pdfkit.Paragraph {
	return pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: pdfkit.Clean(text), Bold: bold}}, Size: size, SpaceAfter: 1.2}
}

// bilingual writes rows of Russian | Kazakh paragraphs in two columns.
func bilingual(pdf *fpdf.Fpdf, rows ...[2]pdfkit.Paragraph) error {
	g := pdfkit.Columns(pdf, 2, 7)
	g.Divider = true
	var rs []pdfkit.Row
	for _, r := range rows {
		rs = append(rs, pdfkit.Row{Cells: [][]pdfkit.Paragraph{{r[0]}, {r[1]}}})
	}
	return g.Write(pdf, rs...)
}

func newDoc(ex *store.RequestExtract, title, footer string) (*fpdf.Fpdf, error) {
	return pdfkit.New(pdfkit.Options{
		Title: title, Subject: title, Author: ex.Operator.NameRU, Keywords: "LegCo; request; " + ex.Request.Number,
		Lang: "ru-KZ", Created: ex.At, Modified: ex.At, AuditHead: ex.AuditHead.Hash, FooterText: footer,
	})
}

// coverLetter is the answer to the requester: who sends, to whom, on
// which request and ground, what is enclosed, signed by the staff member.
func coverLetter(ex *store.RequestExtract) ([]byte, error) {
	r, op := ex.Request, ex.Operator
	pdf, err := newDoc(ex, "Сопроводительное письмо / Ілеспе хат "+r.Number, "Исх. / Шығ. № "+r.Number)
	if err != nil {
		return nil, err
	}
	pdf.AddPage()
	head := [][2]pdfkit.Paragraph{
		{para(orDash(op.NameRU), 11, true), para(orDash(op.NameKK), 11, true)},
		{para("БИН "+orDash(op.BIN), 9, false), para("БСН "+orDash(op.BIN), 9, false)},
		{para(orDash(op.AddressRU), 9, false), para(orDash(op.AddressKK), 9, false)},
	}
	if op.Contact != "" {
		head = append(head, [2]pdfkit.Paragraph{para("Контакты: "+op.Contact, 9, false), para("Байланыс: "+op.Contact, 9, false)})
	}
	if err := bilingual(pdf, head...); err != nil {
		return nil, err
	}
	pdf.Ln(4)
	to := r.Requester
	if r.Officer != "" {
		to += ", " + r.Officer
	}
	if r.Kind != store.KindDisclosure && to == "" {
		to = "владельцу аккаунта " + strings.Join(r.AccountIDs(), ", ")
	}
	letterRU, letterKK := "", ""
	if r.LetterNo != "" {
		letterRU = " № " + r.LetterNo
		letterKK = " № " + r.LetterNo
		if r.LetterDate != "" {
			if t, err := time.Parse("2006-01-02", r.LetterDate); err == nil {
				letterRU += " от " + t.Format("02.01.2006")
				letterKK += " " + t.Format("02.01.2006") + " ж."
			}
		}
	}
	kind := KindText(r.Kind)
	var fieldsRU, fieldsKK []string
	for _, f := range ex.Fields {
		t := FieldText(f)
		fieldsRU, fieldsKK = append(fieldsRU, t.RU), append(fieldsKK, t.KK)
	}
	bodyRU := fmt.Sprintf("В ответ на %s%s (зарегистрирован %s, № %s) сообщаем сведения по %d аккаунт(ам): %s.",
		kind.RU, letterRU, day(r.Received), r.Number, len(ex.Subjects), strings.Join(r.AccountIDs(), ", "))
	bodyKK := fmt.Sprintf("№ %s сұрауға (%s%s, %s тіркелген) жауап ретінде %d аккаунт бойынша мәліметтерді хабарлаймыз: %s.",
		r.Number, kind.KK, letterKK, day(r.Received), len(ex.Subjects), strings.Join(r.AccountIDs(), ", "))
	rows := [][2]pdfkit.Paragraph{
		{para("Исх. № "+r.Number+" от "+day(ex.At), 9, false), para("Шығыс № "+r.Number+", "+day(ex.At), 9, false)},
		{para("Кому: "+orDash(to), 10, true), para("Кімге: "+orDash(to), 10, true)},
		{para(bodyRU, 10, false), para(bodyKK, 10, false)},
	}
	if r.Kind == store.KindDisclosure {
		g := GroundText(r.Ground)
		rows = append(rows, [2]pdfkit.Paragraph{para("Основание передачи: "+g.RU+".", 10, false), para("Беру негізі: "+g.KK+".", 10, false)})
	}
	rows = append(rows, [2]pdfkit.Paragraph{
		para("Предоставляются только следующие данные: "+strings.Join(fieldsRU, "; ")+".", 10, false),
		para("Тек мына деректер беріледі: "+strings.Join(fieldsKK, "; ")+".", 10, false)})
	for _, s := range ex.Subjects {
		o := OutcomeText(s.Outcome, s.Act)
		rows = append(rows, [2]pdfkit.Paragraph{para(s.AccountID+": "+o.RU, 9, false), para(s.AccountID+": "+o.KK, 9, false)})
	}
	rows = append(rows,
		[2]pdfkit.Paragraph{para("Приложения: выписка данных (extract.pdf, extract.csv, extract.json), перечень файлов с контрольными суммами SHA-256 (manifest.json).", 9, false),
			para("Қосымшалар: деректер үзіндісі (extract.pdf, extract.csv, extract.json), SHA-256 бақылау сомалары бар файлдар тізімі (manifest.json).", 9, false)},
		[2]pdfkit.Paragraph{para("Получатель обязан обрабатывать полученные персональные данные в соответствии с Законом Республики Казахстан «О персональных данных и их защите».", 9, false),
			para("Алушы алынған дербес деректерді «Дербес деректер және оларды қорғау туралы» Қазақстан Республикасының Заңына сәйкес өңдеуге міндетті.", 9, false)})
	if err := bilingual(pdf, rows...); err != nil {
		return nil, err
	}
	pdf.Ln(8)
	sign := ex.Staff.DisplayName()
	if ex.Staff.Position != "" {
		sign = ex.Staff.Position + " " + sign
	}
	if err := bilingual(pdf, [2]pdfkit.Paragraph{para(sign+"  ____________", 10, false), para(sign+"  ____________", 10, false)}); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := pdfkit.Write(pdf, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// table draws a simple ruled table with a repeated header; cells are
// truncated to their column (the CSV and JSON files hold the full text).
type table struct {
	pdf    *fpdf.Fpdf
	widths []float64
	header []string
	size   float64
}

func (t *table) row(cells []string, bold bool) {
	h := pdfkit.PtToMM(t.size) * 1.6
	_, pageH := t.pdf.GetPageSize()
	_, _, _, bottom := t.pdf.GetMargins()
	if t.pdf.GetY()+h > pageH-bottom {
		t.pdf.AddPage()
		if !bold {
			t.row(t.header, true)
		}
	}
	pdfkit.SetFont(t.pdf, bold, t.size)
	if bold {
		t.pdf.SetFillColor(232, 232, 232)
	}
	for i, c := range cells {
		t.pdf.CellFormat(t.widths[i], h, pdfkit.Truncate(pdfkit.Clean(c), bold, t.size, t.widths[i]-1.5), "1", 0, "L", bold, 0, "")
	}
	t.pdf.Ln(h)
}

func (t *table) start() { t.row(t.header, true) }

func heading(pdf *fpdf.Fpdf, ru, kk string) error {
	pdf.Ln(2)
	pdfkit.Bookmark(pdf, ru, 0, -1)
	return bilingual(pdf, [2]pdfkit.Paragraph{para(ru, 10.5, true), para(kk, 10.5, true)})
}

// extractPDF is the data extract: the request's particulars, then per
// account what was found and the fields that leave, the access log,
// 1.1.3 data and the disclosures as the request allows.
func extractPDF(ctx context.Context, ex *store.RequestExtract) ([]byte, error) {
	r := ex.Request
	pdf, err := newDoc(ex, "Выписка персональных данных / Дербес деректер үзіндісі "+r.Number, "Выписка / Үзінді № "+r.Number)
	if err != nil {
		return nil, err
	}
	pdf.AddPage()
	if err := bilingual(pdf,
		[2]pdfkit.Paragraph{para("Выписка персональных данных по запросу № "+r.Number, 12, true), para("№ "+r.Number+" сұрау бойынша дербес деректер үзіндісі", 12, true)},
		[2]pdfkit.Paragraph{para(KindText(r.Kind).RU+"; получен "+day(r.Received)+"; срок "+day(r.Due), 9, false),
			para(KindText(r.Kind).KK+"; "+day(r.Received)+" алынды; мерзімі "+day(r.Due), 9, false)}); err != nil {
		return nil, err
	}
	if r.Kind == store.KindDisclosure {
		g := GroundText(r.Ground)
		rt := RequesterText(r.RequesterType)
		if err := bilingual(pdf,
			[2]pdfkit.Paragraph{para("Запрашивающий: "+r.Requester+" ("+rt.RU+")", 9, false), para("Сұрау салушы: "+r.Requester+" ("+rt.KK+")", 9, false)},
			[2]pdfkit.Paragraph{para("Основание: "+g.RU, 9, false), para("Негіз: "+g.KK, 9, false)},
			[2]pdfkit.Paragraph{para("Подготовил: "+r.PreparedBy+"; утвердил: "+r.ApprovedBy, 9, false), para("Дайындаған: "+r.PreparedBy+"; бекіткен: "+r.ApprovedBy, 9, false)}); err != nil {
			return nil, err
		}
	}
	width := pdfkit.TextWidth(pdf)
	for _, s := range ex.Subjects {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		o := OutcomeText(s.Outcome, s.Act)
		if err := heading(pdf, "Аккаунт "+s.AccountID+" — "+o.RU, s.AccountID+" аккаунты — "+o.KK); err != nil {
			return nil, err
		}
		if len(s.Values) > 0 {
			t := &table{pdf: pdf, widths: []float64{width * 0.4, width * 0.6}, header: []string{"Поле / Өріс", "Значение / Мәні"}, size: 8.5}
			t.start()
			for _, v := range s.Values {
				t.row([]string{v.RU + " / " + v.KK, orDash(v.Value)}, false)
			}
		}
		if has(ex.Fields, store.FieldPublicData) && s.Outcome != store.OutcomeNoData && s.Outcome != store.OutcomeDestroyed {
			if err := heading(pdf, "Данные из иных источников (п. 1.1.3)", "Өзге көздерден алынған деректер (1.1.3-т.)"); err != nil {
				return nil, err
			}
			t := &table{pdf: pdf, widths: []float64{width * 0.2, width * 0.3, width * 0.25, width * 0.25}, header: []string{"Поле / Өріс", "Значение / Мәні", "Источник / Көзі", "Основание / Негізі"}, size: 8}
			t.start()
			for _, p := range s.Public {
				t.row([]string{p.Field, p.Value, p.Source, p.LegalBasis}, false)
			}
		}
		if has(ex.Fields, store.FieldAccessLog) && s.Outcome != store.OutcomeNoData && s.Outcome != store.OutcomeDestroyed {
			if err := heading(pdf, "Журнал доступа (п. 1.1.2): "+strconv.Itoa(len(s.AccessLog))+" записей", "Кіру журналы (1.1.2-т.): "+strconv.Itoa(len(s.AccessLog))+" жазба"); err != nil {
				return nil, err
			}
			t := &table{pdf: pdf, widths: []float64{width * 0.2, width * 0.16, width * 0.18, width * 0.22, width * 0.24}, header: []string{"Время / Уақыт", "IP", "Cookie", "Страница / Бет", "Браузер / Браузер"}, size: 7}
			t.start()
			for i, a := range s.AccessLog {
				if i%1000 == 0 && ctx.Err() != nil {
					return nil, ctx.Err()
				}
				t.row([]string{a.At.In(Almaty).Format("02.01.2006 15:04:05"), a.IP, a.CookieID, a.Page, a.UserAgent}, false)
			}
		}
		if has(ex.Fields, store.FieldDisclosures) {
			if err := heading(pdf, "Передача данных третьим лицам: "+strconv.Itoa(len(s.Disclosures)), "Деректерді үшінші тұлғаларға беру: "+strconv.Itoa(len(s.Disclosures))); err != nil {
				return nil, err
			}
			t := &table{pdf: pdf, widths: []float64{width * 0.14, width * 0.36, width * 0.12, width * 0.24, width * 0.14}, header: []string{"Дата / Күні", "Получатель / Алушы", "Основание / Негіз", "Данные / Деректер", "Запрос / Сұрау"}, size: 7.5}
			t.start()
			for _, d := range s.Disclosures {
				t.row([]string{day(d.At), d.Recipient, string(d.Ground), strings.Join(d.Fields, ", "), d.Request}, false)
			}
		}
		if r.Kind == store.KindAccess {
			if err := heading(pdf, "Согласия", "Келісімдер"); err != nil {
				return nil, err
			}
			if !ex.ConsentLedger {
				if err := bilingual(pdf, [2]pdfkit.Paragraph{para(noLedger.RU, 9, false), para(noLedger.KK, 9, false)}); err != nil {
					return nil, err
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := pdfkit.Write(pdf, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
