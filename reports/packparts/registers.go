package packparts

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"legco.kz/compliance/reports/auditpack"
	"legco.kz/compliance/reports/consentreport"
	"legco.kz/compliance/reports/internal/ctable"
	"legco.kz/compliance/reports/pdfkit"
	"legco.kz/compliance/reports/requestpack"
	"legco.kz/compliance/reports/transparency"
	"legco.kz/compliance/store"
)

func renderConsents(w io.Writer, d *store.ConsentReportData, lang string, loc *time.Location) error {
	return consentreport.Render(w, d, consentreport.Options{Lang: lang, Location: loc})
}

func writeConsentCSV(ctx context.Context, w io.Writer, ws *store.Workspace, f store.ConsentFilter, at time.Time, loc *time.Location, head *store.AuditHead) (int, error) {
	by := packStaff
	return consentreport.WriteCSV(ctx, w, ws, f, consentreport.CSVOptions{Sep: ',', GeneratedAt: at, Location: loc, Head: head, GeneratedBy: &by})
}

func renderTransparency(w io.Writer, t *store.Transparency) error {
	return transparency.RenderPDF(w, t)
}

func writeTransparencyCSV(w io.Writer, t *store.Transparency) error {
	return transparency.WriteCSV(w, t)
}

func writeDisclosuresCSV(w io.Writer, ds []store.Disclosure) error {
	return transparency.WriteDisclosuresCSV(w, ds)
}

// stateText names a request's state in both languages (the words of the
// app's requests screen).
var stateText = map[store.RequestState]requestpack.Bi{
	store.RequestReceived:          {RU: "Получен", KK: "Алынды"},
	store.RequestVerifying:         {RU: "Проверка", KK: "Тексерілуде"},
	store.RequestUnderReview:       {RU: "На рассмотрении", KK: "Қаралуда"},
	store.RequestApproved:          {RU: "Утверждён", KK: "Бекітілді"},
	store.RequestPartiallyApproved: {RU: "Утверждён частично", KK: "Ішінара бекітілді"},
	store.RequestRejected:          {RU: "Отказано", KK: "Бас тартылды"},
	store.RequestFulfilled:         {RU: "Исполнен", KK: "Орындалды"},
	store.RequestClosed:            {RU: "Закрыт", KK: "Жабылды"},
}

func bi(b requestpack.Bi) string {
	if b.RU == "" && b.KK == "" {
		return "—"
	}
	if b.RU == b.KK {
		return b.RU
	}
	return b.RU + " / " + b.KK
}

func ruDay(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil || s == "" {
		return "—"
	}
	return t.Format("02.01.2006")
}

// requester is the requester as the register prints it: an organisation
// or authority by name; a data subject (who may have written their own
// name) only with personal data.
func requester(t store.RequesterType, name string, personal bool) string {
	if t == store.RequesterSubject && !personal {
		return ""
	}
	return name
}

// registerDoc starts a landscape register PDF with its bilingual
// heading: title, period, the day the state is shown as of, the chain
// head.
func registerDoc(pc *auditpack.PartContext, pr period, ru, kk string) (pdfInfo, error) {
	title := ru + " / " + kk
	pdf, err := pdfkit.New(pdfkit.Options{Title: title, Subject: title, Author: "LegCo Compliance Workstation", Lang: "ru-KZ", Landscape: true,
		Created: pc.DocDate, AuditHead: pc.Head.Hash, FooterText: title})
	if err != nil {
		return pdfInfo{}, err
	}
	pdf.AddPage()
	pdfkit.Bookmark(pdf, title, 0, -1)
	from, to := "начала журнала / журнал басынан", "—"
	if !pr.from.IsZero() {
		from = pr.from.Format("02.01.2006")
	}
	if !pr.to.IsZero() {
		to = pr.to.Format("02.01.2006")
	} else {
		to = pr.asOf.In(pr.loc).Format("02.01.2006")
	}
	ctable.Para(pdf,
		pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: ru, Bold: true}}, Size: 13},
		pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: kk, Bold: true}}, Size: 13, SpaceAfter: 2},
		ctable.Label("Период / Кезең", from+" – "+to, 9),
		ctable.Label("Состояние на / Күйі", fmt.Sprintf("%s (запись аудита / аудит жазбасы № %d)", pr.asOf.In(pr.loc).Format("02.01.2006 15:04"), pc.Head.Seq), 9),
		ctable.Label("Хеш цепочки аудита / Аудит тізбегінің хеші", pc.Head.Hash, 9),
		pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: personalNote(pc.WithPersonalData)}}, Size: 8, SpaceAfter: 3},
	)
	return pdfInfo{pdf: pdf}, nil
}

func personalNote(personal bool) string {
	if personal {
		return "Пакет с персональными данными: указаны и заявители-субъекты. / Дербес деректері бар пакет: өтініш беруші субъектілер де көрсетілген."
	}
	return "Субъекты названы только идентификатором аккаунта. / Субъектілер тек аккаунт идентификаторымен аталады."
}

func renderRequests(w io.Writer, rows []store.RequestRegisterRow, pc *auditpack.PartContext, pr period) error {
	d, err := registerDoc(pc, pr, "Реестр обращений субъектов и запросов", "Субъектілердің өтініштері мен сұраулар тізілімі")
	if err != nil {
		return err
	}
	pdf := d.pdf
	t := ctable.Table{Size: 7,
		Widths: []float64{27, 17, 30, 46, 28, 30, 25, 17, 17, 11, 14},
		Header: []string{"№", "Получен / Алынды", "Вид / Түрі", "Заявитель / Өтініш беруші", "Основание / Негіз", "Аккаунты / Аккаунттар",
			"Состояние / Күйі", "Срок / Мерзімі", "Ответ / Жауап", "Р. дн. / Ж. к.", "Просрочен / Кешіккен"},
		Right: map[int]bool{9: true}}
	var body [][]string
	answered, late := 0, 0
	for _, r := range rows {
		who := bi(requestpack.RequesterText(r.RequesterType))
		if name := requester(r.RequesterType, r.Requester, pc.WithPersonalData); name != "" {
			who += ": " + name
		}
		ground := "—"
		if r.Ground != "" {
			ground = bi(requestpack.GroundText(r.Ground))
		}
		days, lateText := "—", "нет / жоқ"
		if r.Answered != "" {
			answered++
			days = strconv.Itoa(r.Days)
		}
		if r.Late {
			late++
			lateText = "да / иә"
		}
		body = append(body, []string{r.Number, ruDay(r.Received), bi(requestpack.KindText(r.Kind)), pdfkit.Clean(who), ground,
			strings.Join(r.Accounts, " "), bi(stateText[r.State]), ruDay(r.Due), ruDay(r.Answered), days, lateText})
	}
	if err := t.Write(pdf, body); err != nil {
		return err
	}
	ctable.Para(pdf, pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: fmt.Sprintf("Всего: %d; с ответом: %d; просрочено: %d. / Барлығы: %d; жауап берілгені: %d; мерзімі өткені: %d.",
		len(rows), answered, late, len(rows), answered, late), Bold: true}}, Size: 9, SpaceBefore: 3})
	return pdfkit.Write(pdf, w)
}

// RequestsCSVColumns are the columns of parts/requests/requests-register.csv.
var RequestsCSVColumns = []string{"number", "received_on", "kind", "requester_type", "requester", "ground", "accounts", "state", "decision",
	"due_on", "answered_on", "working_days", "late"}

// writeRequestsCSV writes the register as the other registers are
// written: UTF-8 with a byte order mark, comma; account ids separated by
// spaces.
func writeRequestsCSV(w io.Writer, rows []store.RequestRegisterRow, personal bool) error {
	io.WriteString(w, "\ufeff")
	cw := csv.NewWriter(w)
	cw.Write(RequestsCSVColumns)
	for _, r := range rows {
		days := ""
		if r.Answered != "" {
			days = strconv.Itoa(r.Days)
		}
		cw.Write([]string{r.Number, r.Received, string(r.Kind), string(r.RequesterType), requester(r.RequesterType, r.Requester, personal), string(r.Ground),
			strings.Join(r.Accounts, " "), string(r.State), r.Decision, r.Due, r.Answered, days, strconv.FormatBool(r.Late)})
	}
	cw.Flush()
	return cw.Error()
}

func renderDisclosures(w io.Writer, ds []store.Disclosure, pc *auditpack.PartContext, pr period) error {
	d, err := registerDoc(pc, pr, "Реестр раскрытий персональных данных", "Дербес деректерді ашу тізілімі")
	if err != nil {
		return err
	}
	pdf := d.pdf
	t := ctable.Table{Size: 7,
		Widths: []float64{22, 27, 22, 66, 28, 30, 37, 30},
		Header: []string{"Дата / Күні", "Обращение / Өтініш", "Аккаунт", "Получатель / Алушы", "Тип / Түрі", "Основание / Негіз",
			"Поля / Өрістер", "Подготовил, утвердил / Дайындаған, бекіткен"}}
	var body [][]string
	for _, x := range ds {
		body = append(body, []string{x.At.In(pr.loc).Format("02.01.2006 15:04"), x.Request, x.AccountID, pdfkit.Clean(x.Recipient),
			bi(requestpack.RequesterText(x.RequesterType)), bi(requestpack.GroundText(x.Ground)), strings.Join(x.Fields, ", "),
			x.PreparedBy + ", " + x.ApprovedBy})
	}
	if err := t.Write(pdf, body); err != nil {
		return err
	}
	ctable.Para(pdf, pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: fmt.Sprintf("Всего раскрытий: %d. / Барлық ашулар: %d.", len(ds), len(ds)), Bold: true}}, Size: 9, SpaceBefore: 3})
	return pdfkit.Write(pdf, w)
}

// pdfInfo is a register document being drawn.
type pdfInfo struct{ pdf *fpdf.Fpdf }
