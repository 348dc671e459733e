// Package destructionact renders the act of destruction of a LegCo
// user's personal data («Акт об уничтожении персональных данных» /
// «Дербес деректерді жою актісі», clause 1.4 of the privacy policy,
// Law of the Republic of Kazakhstan No. 94-V «О персональных данных и
// их защите») as a bilingual PDF: Russian in the left column, Kazakh in
// the right, every section starting level in both, with ruled tables for
// what was destroyed and for the act's particulars, a signatures block,
// and page numbers and the audit-chain head in the footer.
//
// The act names the subject only by the LegCo account id (a pseudonymous
// identifier); what was destroyed is told by category and count. The
// same act always gives the same bytes: the PDF's dates are the act's.
package destructionact

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"legco.kz/compliance/reports/pdfkit"
	"legco.kz/compliance/store"
)

// Operator's defaults.
const (
	DefaultOperatorRU = "ТОО «K&T Partners (Кей энд Ти Партнерс)»"
	DefaultOperatorKK = "«K&T Partners (Кей энд Ти Партнерс)» ЖШС"
	DefaultService    = "LegCo (www.legco.kz)"
)

// Options complete what the act record does not hold. The zero value is
// ready to use.
type Options struct {
	// OperatorRU and OperatorKK are the operator's name in each
	// language; empty means DefaultOperatorRU / DefaultOperatorKK.
	OperatorRU, OperatorKK string
	// OperatorBIN is the operator's business identification number
	// (БИН / БСН), printed «—» when empty.
	OperatorBIN string
	// AuditHead is printed in the footer of every page; empty means the
	// act's own audit hash (the chain head right after the destruction).
	AuditHead string
	// SecondMember is the name and position of the second member of the
	// commission; empty leaves a blank line to fill in by hand.
	SecondMember string
}

func (o Options) withDefaults(act *store.DestructionAct) Options {
	if strings.TrimSpace(o.OperatorRU) == "" {
		o.OperatorRU = DefaultOperatorRU
	}
	if strings.TrimSpace(o.OperatorKK) == "" {
		o.OperatorKK = DefaultOperatorKK
	}
	if op := act.Operator; op != nil {
		// The act's own record of the operator wins: it is what the
		// first export printed.
		o.OperatorRU, o.OperatorKK, o.OperatorBIN = orText(op.NameRU, o.OperatorRU), orText(op.NameKK, o.OperatorKK), op.BIN
	}
	if strings.TrimSpace(o.AuditHead) == "" {
		o.AuditHead = act.AuditHash
	}
	return o
}

func orText(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}

// zone is where the act's times are told: the workspace's time zone kept
// with the act, or Almaty (UTC+5) for acts made before it was kept.
func zone(act *store.DestructionAct) (*time.Location, bi) {
	if act.TimeZone != "" {
		if loc, err := time.LoadLocation(act.TimeZone); err == nil {
			off := act.At.In(loc).Format("-07:00")
			if act.TimeZone == "Asia/Almaty" {
				return loc, bi{"время Алматы, UTC" + off, "Алматы уақыты, UTC" + off}
			}
			return loc, bi{"время " + act.TimeZone + ", UTC" + off, act.TimeZone + " уақыты, UTC" + off}
		}
	}
	return Almaty, bi{"время Алматы, UTC+5", "Алматы уақыты, UTC+5"}
}

// Almaty is the act's time zone: UTC+5, fixed, so that the printed date
// never depends on the machine's time zone database.
var Almaty = time.FixedZone("UTC+5", 5*60*60)

// FormatDate prints t's date in Almaty time as DD.MM.YYYY.
func FormatDate(t time.Time) string { return t.In(Almaty).Format("02.01.2006") }

// FormatTime prints t's time of day in Almaty time as HH:MM.
func FormatTime(t time.Time) string { return t.In(Almaty).Format("15:04") }

// Title returns the act's title in Russian and in Kazakh.
func Title(number string) (ru, kk string) {
	return "АКТ № " + number + " об уничтожении персональных данных",
		"Дербес деректерді жою туралы № " + number + " АКТ"
}

// titleLines is the title as printed, on two lines.
func titleLines(number string) (ru, kk string) {
	return "АКТ № " + number + "\nоб уничтожении персональных данных",
		"Дербес деректерді жою туралы\n№ " + number + " АКТ"
}

// FileName suggests a file name for the act's PDF: its number with
// anything but ASCII letters, digits, '-' and '_' replaced by '-', and
// ".pdf".
func FileName(act *store.DestructionAct) string {
	n := strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r < 0x80 && (r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return r
		}
		return '-'
	}, strings.TrimSpace(act.Number))
	if n == "" {
		n = "act"
	}
	return n + ".pdf"
}

// Render writes act as a PDF with the default options.
func Render(w io.Writer, act *store.DestructionAct) error {
	return RenderWith(w, act, Options{})
}

// RenderWith writes act as a PDF. The act must have a number, a time and
// the account id (it is printed when the act is made and not kept
// afterwards).
func RenderWith(w io.Writer, act *store.DestructionAct, opts Options) error {
	if act == nil {
		return errors.New("destructionact: no act")
	}
	switch {
	case strings.TrimSpace(act.Number) == "":
		return errors.New("destructionact: the act has no number")
	case act.At.IsZero():
		return fmt.Errorf("destructionact: act %s has no date", act.Number)
	case strings.TrimSpace(act.AccountID) == "":
		return fmt.Errorf("destructionact: act %s has no account id", act.Number)
	}
	opts = opts.withDefaults(act)
	pdf, err := newDocument(act, opts)
	if err != nil {
		return err
	}
	pdf.AddPage()
	r := &renderer{pdf: pdf, act: act, opts: opts}
	r.heading()
	r.body()
	r.signatures()
	return pdfkit.Write(pdf, w)
}

// Typography, in points and millimetres.
const (
	titleSize   = 12.0
	bodySize    = 9.0
	tableSize   = 8.5
	smallSize   = 7.0
	columnGap   = 7.0
	bulletInset = 4.5
	leading     = 1.32
	cellPad     = 1.3
)

// bi is a text in Russian and Kazakh.
type bi struct{ ru, kk string }

var roleLabel = map[store.Role]bi{
	store.RoleAdmin:      {"администратор", "әкімші"},
	store.RoleCompliance: {"специалист по комплаенсу", "комплаенс маманы"},
	store.RoleLegal:      {"юрист", "заңгер"},
	store.RoleAuditor:    {"аудитор", "аудитор"},
}

func role(r store.Role) bi {
	if l, ok := roleLabel[r]; ok {
		return l
	}
	if r == "" {
		return bi{"—", "—"}
	}
	return bi{string(r), string(r)}
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func newDocument(act *store.DestructionAct, opts Options) (*fpdf.Fpdf, error) {
	ru, kk := Title(act.Number)
	running := "LegCo · Акт № " + act.Number + " / № " + act.Number + " акт"
	return pdfkit.New(pdfkit.Options{
		Title:      ru,
		Subject:    ru + " / " + kk,
		Author:     opts.OperatorRU,
		Keywords:   "LegCo; destruction act; " + act.Number,
		Lang:       "ru-KZ", // an untagged PDF has one language: the first column's
		Created:    act.At,
		Modified:   act.At,
		AuditHead:  opts.AuditHead,
		FooterText: "Акт № " + act.Number + " / № " + act.Number + " акт",
		Header: func(pdf *fpdf.Fpdf, page int) {
			if page < 2 {
				return
			}
			l, t, _, _ := pdf.GetMargins()
			pdf.SetTextColor(pdfkit.FooterColor[0], pdfkit.FooterColor[1], pdfkit.FooterColor[2])
			pdfkit.SetFont(pdf, false, 7.5)
			pdf.Text(l, t-6, running)
			pdf.SetTextColor(0, 0, 0)
		},
	})
}

type renderer struct {
	pdf  *fpdf.Fpdf
	act  *store.DestructionAct
	opts Options
}

// text returns a paragraph of runs; a run whose text starts with "*" is
// bold (the star dropped).
func text(size float64, align pdfkit.Align, parts ...string) pdfkit.Paragraph {
	p := pdfkit.Paragraph{Size: size, Align: align, Leading: leading}
	for _, s := range parts {
		if b, ok := strings.CutPrefix(s, "*"); ok {
			p.Runs = append(p.Runs, pdfkit.Run{Text: b, Bold: true})
		} else {
			p.Runs = append(p.Runs, pdfkit.Run{Text: s})
		}
	}
	return p
}

func body(parts ...string) pdfkit.Paragraph {
	p := text(bodySize, pdfkit.AlignJustify, parts...)
	p.Hyphenate = true
	return p
}

func bullet(parts ...string) pdfkit.Paragraph {
	p := body(parts...)
	p.Indent, p.Bullet, p.SpaceBefore = bulletInset, "–", 0.8
	return p
}

// withRequest adds the request the destruction answered, when there was
// one: before the id, the id in bold, after it.
func withRequest(ps []pdfkit.Paragraph, before, id string, after ...string) []pdfkit.Paragraph {
	if strings.TrimSpace(id) == "" {
		return ps
	}
	return append(ps, bullet(append([]string{before, "*" + id}, append(after, ".")...)...))
}

func heading(s string) pdfkit.Paragraph {
	p := text(bodySize, pdfkit.AlignLeft, "*"+s)
	p.KeepWithNext = true
	p.SpaceAfter = 1
	return p
}

func (r *renderer) columns() pdfkit.Grid {
	g := pdfkit.Columns(r.pdf, 2, columnGap)
	g.Divider = true
	return g
}

func (r *renderer) colWidth() float64 { return (pdfkit.TextWidth(r.pdf) - columnGap) / 2 }

// put writes paragraphs in a one-column grid at (x, y) of width w and
// returns the y below them.
func (r *renderer) put(x, y, w float64, paras ...pdfkit.Paragraph) float64 {
	r.pdf.SetY(y)
	g := pdfkit.Grid{X: x, Widths: []float64{w}}
	g.Write(r.pdf, pdfkit.Row{Cells: [][]pdfkit.Paragraph{paras}})
	return r.pdf.GetY()
}

func (r *renderer) rule(y, width float64) {
	lm, _, _, _ := r.pdf.GetMargins()
	r.pdf.SetDrawColor(0, 0, 0)
	r.pdf.SetLineWidth(width)
	r.pdf.Line(lm, y, lm+pdfkit.TextWidth(r.pdf), y)
}

// heading draws the operator, the title in both languages, and the
// place and date of the act.
func (r *renderer) heading() {
	pdf, act := r.pdf, r.act
	g := r.columns()
	g.Divider = false
	small := func(s string, bold bool) pdfkit.Paragraph {
		if bold {
			s = "*" + s
		}
		return text(9, pdfkit.AlignCenter, s)
	}
	bin := orDash(r.opts.OperatorBIN)
	cells := [][]pdfkit.Paragraph{
		{small(r.opts.OperatorRU, true), small("БИН: "+bin+"; веб-сервис "+DefaultService, false)},
		{small(r.opts.OperatorKK, true), small("БСН: "+bin+"; "+DefaultService+" веб-қызметі", false)},
	}
	if op := act.Operator; op != nil {
		contact := orDash(op.Contact)
		cells[0] = append(cells[0], small("Адрес: "+orDash(op.Address("ru"))+"; контакт: "+contact, false))
		cells[1] = append(cells[1], small("Мекенжайы: "+orDash(op.Address("kk"))+"; байланыс: "+contact, false))
	}
	g.Write(pdf, pdfkit.Row{Cells: cells})
	y := pdf.GetY() + 2
	r.rule(y, 0.5)
	r.rule(y+0.8, 0.15)
	pdf.SetY(y + 5)

	ru, kk := titleLines(act.Number)
	size := titleSize
	for _, l := range strings.Split(ru+"\n"+kk, "\n") {
		for size > 9 && pdfkit.Measure(pdfkit.Clean(l), true, size) > r.colWidth() {
			size -= 0.25
		}
	}
	title := func(s string) []pdfkit.Paragraph {
		p := text(size, pdfkit.AlignCenter, "*"+s)
		p.Leading = 1.25
		return []pdfkit.Paragraph{p}
	}
	g.Write(pdf, pdfkit.Row{Cells: [][]pdfkit.Paragraph{title(ru), title(kk)}})

	// place left, date right, in each column
	y = pdf.GetY() + 4
	lm, _, _, _ := pdf.GetMargins()
	cw := r.colWidth()
	half := cw / 2
	loc, _ := zone(act)
	date := act.At.In(loc).Format("02.01.2006")
	bottom := y
	for i, city := range []string{"г. Алматы", "Алматы қ."} {
		x := lm + float64(i)*(cw+columnGap)
		bottom = max(bottom,
			r.put(x, y, half, text(bodySize, pdfkit.AlignLeft, city)),
			r.put(x+half, y, half, text(bodySize, pdfkit.AlignRight, date)))
	}
	pdf.SetY(bottom + 4)
}

// category is a row of the table of destroyed data.
type category struct {
	clause string
	name   bi
	count  int64
}

func (r *renderer) categories() []category {
	c := r.act.Counts
	return []category{
		{"1.1.1", bi{"Регистрационные данные (заполненные поля)", "Тіркеу деректері (толтырылған өрістер)"}, int64(c.RegistrationFields)},
		{"1.1.1", bi{"Дополнительные поля", "Қосымша өрістер"}, int64(c.ExtraFields)},
		{"1.1.2", bi{"Записи журнала доступа (IP-адрес, cookie, браузер, время доступа, адрес страницы)", "Кіру журналының жазбалары (IP-адрес, cookie, браузер, кіру уақыты, беттің мекенжайы)"}, int64(c.AccessLogRows)},
		{"1.1.3", bi{"Сведения из иных источников (записи)", "Өзге дереккөздерден алынған мәліметтер (жазбалар)"}, int64(c.PublicDataRows)},
		{"", bi{"Прежние значения данных в записях журнала аудита", "Аудит журналы жазбаларындағы бұрынғы мәндер"}, c.AuditPayloads},
	}
}

var (
	methodDB = bi{
		"Удалены из рабочей базы с затиранием освободившихся страниц (secure_delete), журнал WAL свёрнут",
		"Жұмыс дерекқорынан жойылды, босаған беттер қайта жазылып тазартылды (secure_delete), WAL журналы негізгі дерекқорға біріктіріліп, қысқартылды",
	}
	methodAudit = bi{
		"Удалены тем же способом; записи журнала и цепочка хешей сохранены",
		"Осы тәсілмен жойылды; журнал жазбалары мен хештер тізбегі сақталды",
	}
)

// stacked is a table cell's text: Russian, then Kazakh below it.
func stacked(t bi, bold bool, align pdfkit.Align) []pdfkit.Paragraph {
	ru, kk := t.ru, t.kk
	if bold {
		ru, kk = "*"+ru, "*"+kk
	}
	a := text(tableSize, align, ru)
	b := text(tableSize, align, kk)
	b.SpaceBefore = 0.8
	return []pdfkit.Paragraph{a, b}
}

func (r *renderer) destroyedTable() table {
	tw := pdfkit.TextWidth(r.pdf)
	t := table{widths: []float64{8, 90, 23, tw - 121}, pad: cellPad}
	hdr := func(ru, kk string) cell {
		return cell{paras: stacked(bi{ru, kk}, true, pdfkit.AlignCenter), vcenter: true}
	}
	t.header = []cell{
		{paras: []pdfkit.Paragraph{text(tableSize, pdfkit.AlignCenter, "*№")}, vcenter: true},
		hdr("Категория персональных данных (п. Политики)", "Дербес деректер санаты (Саясат тармағы)"),
		hdr("Количество", "Саны"),
		hdr("Способ уничтожения", "Жою тәсілі"),
	}
	cats := r.categories()
	for i, c := range cats {
		name := c.name
		if c.clause != "" {
			name.ru = c.clause + ". " + name.ru
			name.kk = c.clause + ". " + name.kk
		}
		n := strconv.FormatInt(c.count, 10)
		row := []*cell{
			{paras: []pdfkit.Paragraph{text(tableSize, pdfkit.AlignCenter, strconv.Itoa(i+1))}},
			{paras: stacked(name, false, pdfkit.AlignLeft)},
			{paras: []pdfkit.Paragraph{text(tableSize+1, pdfkit.AlignCenter, "*"+n)}, vcenter: true},
			nil,
		}
		switch i {
		case 0:
			row[3] = &cell{paras: stacked(methodDB, false, pdfkit.AlignLeft), span: len(cats) - 1, vcenter: true}
		case len(cats) - 1:
			row[3] = &cell{paras: stacked(methodAudit, false, pdfkit.AlignLeft), vcenter: true}
		}
		t.rows = append(t.rows, row)
	}
	return t
}

func (r *renderer) particularsTable() table {
	tw := pdfkit.TextWidth(r.pdf)
	t := table{widths: []float64{78, tw - 78}, pad: cellPad}
	act := r.act
	valueW := t.widths[1] - 2*t.pad
	add := func(label bi, value string, mono bool) {
		size := tableSize + 0.5
		if mono {
			// the hash on one line when it fits
			for size > 6.5 && pdfkit.Measure(pdfkit.Clean(value), true, size) > valueW {
				size -= 0.25
			}
		}
		t.rows = append(t.rows, []*cell{
			{paras: stacked(label, false, pdfkit.AlignLeft)},
			{paras: []pdfkit.Paragraph{text(size, pdfkit.AlignLeft, "*"+value)}, vcenter: true},
		})
	}
	add(bi{"Номер акта", "Акт нөмірі"}, act.Number, false)
	add(bi{"Идентификатор аккаунта LegCo", "LegCo аккаунтының идентификаторы"}, act.AccountID, true)
	add(bi{"Идентификатор рабочего пространства", "Жұмыс кеңістігінің идентификаторы"}, orDash(act.WorkspaceID), true)
	add(bi{"Запись журнала аудита об уничтожении", "Жою туралы аудит журналының жазбасы"}, "№ "+strconv.FormatInt(act.AuditSeq, 10), false)
	add(bi{"Хеш записи журнала аудита", "Аудит журналы жазбасының хеші"}, orDash(act.AuditHash), true)
	return t
}

// body draws the numbered sections and the two tables.
func (r *renderer) body() {
	pdf, act := r.pdf, r.act
	g := r.columns()
	loc, zl := zone(act)
	at := act.At.In(loc)
	when := bi{
		at.Format("02.01.2006") + " в " + at.Format("15:04") + " (" + zl.ru + ")",
		at.Format("02.01.2006") + ", сағат " + at.Format("15:04") + " (" + zl.kk + ")",
	}
	staff := orDash(act.StaffDisplayName())
	rl := role(act.Role)
	if act.StaffPosition != "" {
		rl = bi{act.StaffPosition + ", " + rl.ru, act.StaffPosition + ", " + rl.kk}
	}
	reason := orDash(strings.TrimSpace(act.Reason))
	row := func(space float64, ru, kk []pdfkit.Paragraph) pdfkit.Row {
		return pdfkit.Row{Cells: [][]pdfkit.Paragraph{ru, kk}, SpaceBefore: space}
	}
	g.Write(pdf,
		row(0,
			[]pdfkit.Paragraph{body("Настоящий акт составлен о том, что ", when.ru,
				" сотрудник оператора персональных данных ", "*"+staff, " ("+rl.ru+
					") уничтожил(а) в LegCo Compliance Workstation персональные данные пользователя веб-сервиса LegCo в объёме и способом, указанными ниже.")},
			[]pdfkit.Paragraph{body("Осы акт ", when.kk, " дербес деректер операторының қызметкері ", "*"+staff, " ("+rl.kk+
				") LegCo Compliance Workstation жүйесінде LegCo веб-қызметі пайдаланушысының дербес деректерін төменде көрсетілген көлемде және тәсілмен жойғаны туралы жасалды.")}),
		row(2.5,
			withRequest([]pdfkit.Paragraph{heading("1. Основание"),
				bullet("пункт 1.4 Политики конфиденциальности веб-сервиса LegCo (уничтожение персональных данных);"),
				bullet("Закон Республики Казахстан от 21 мая 2013 года № 94-V «О персональных данных и их защите»;"),
				bullet("причина, указанная сотрудником: «", reason, "»."),
			}, "обращение (запрос) субъекта или уполномоченного органа № ", act.RequestID),
			withRequest([]pdfkit.Paragraph{heading("1. Негіздеме"),
				bullet("LegCo веб-қызметінің Құпиялылық саясатының 1.4-тармағы (дербес деректерді жою);"),
				bullet("«Дербес деректер және оларды қорғау туралы» Қазақстан Республикасының 2013 жылғы 21 мамырдағы № 94-V Заңы;"),
				bullet("қызметкер көрсеткен себеп: «", reason, "»."),
			}, "субъектінің немесе уәкілетті органның № ", act.RequestID, " өтініші (сұрауы)")),
		row(2.5,
			[]pdfkit.Paragraph{heading("2. Субъект персональных данных"),
				body("Пользователь веб-сервиса LegCo с идентификатором аккаунта ", "*"+act.AccountID,
					". Идентификатор псевдонимный; иные персональные данные субъекта в акт не включаются.")},
			[]pdfkit.Paragraph{heading("2. Дербес деректер субъектісі"),
				body("Аккаунт идентификаторы ", "*"+act.AccountID,
					" болып табылатын LegCo веб-қызметінің пайдаланушысы. Идентификатор бүркеншік; субъектінің өзге дербес деректері актіге енгізілмейді.")}),
	)
	r.leadIn(g, 2.5, row(0,
		[]pdfkit.Paragraph{heading("3. Уничтоженные персональные данные"),
			body("По категориям пункта 1.1 Политики конфиденциальности; в акт переносится только количество:")},
		[]pdfkit.Paragraph{heading("3. Жойылған дербес деректер"),
			body("Құпиялылық саясатының 1.1-тармағындағы санаттар бойынша; актіге тек саны көшіріледі:")}),
		3, r.destroyedTable())

	// the gap is set here: a row's SpaceBefore would leave a stray
	// divider at the foot of the page if the row moved on
	pdf.SetY(pdf.GetY() + 3.5)
	g.Write(pdf,
		row(0,
			[]pdfkit.Paragraph{heading("4. Что сохраняется после уничтожения"),
				bullet("запись об уничтожении: номер настоящего акта, дата, сотрудник, причина, количество по категориям и ключевой дайджест (HMAC-SHA-256) идентификатора аккаунта; по дайджесту идентификатор не восстанавливается, но последующий импорт старых выгрузок не может вернуть уничтоженные данные;"),
				bullet("запись журнала аудита № ", "*"+strconv.FormatInt(act.AuditSeq, 10), " об уничтожении, связанная цепочкой хешей с предыдущими записями;"),
				bullet("записи журнала аудита о прежних действиях с данными субъекта — для проверки цепочки хешей, без прежних значений персональных данных (строка 5 таблицы).")},
			[]pdfkit.Paragraph{heading("4. Жойылғаннан кейін не сақталады"),
				bullet("жою туралы жазба: осы актінің нөмірі, күні, қызметкер, себеп, санаттар бойынша саны және аккаунт идентификаторының кілтті дайджесті (HMAC-SHA-256); дайджест бойынша идентификатор қалпына келтірілмейді, бірақ ескі экспорттарды кейін импорттау жойылған деректерді қайтара алмайды;"),
				bullet("жою туралы аудит журналының № ", "*"+strconv.FormatInt(act.AuditSeq, 10), " жазбасы, алдыңғы жазбалармен хештер тізбегі арқылы байланысқан;"),
				bullet("субъектінің деректерімен бұрын жасалған әрекеттер туралы аудит журналының жазбалары — хештер тізбегін тексеру үшін, дербес деректердің бұрынғы мәндерінсіз (кестенің 5-жолы).")}),
	)
	r.leadIn(g, 2.5, row(0,
		[]pdfkit.Paragraph{body("Реквизиты акта для сверки с журналом аудита:")},
		[]pdfkit.Paragraph{body("Аудит журналымен салыстыруға арналған акт деректемелері:")}),
		2, r.particularsTable())
}

// leadIn writes a row introducing a table, gap mm below what precedes,
// then the table after mm below it, starting a new page first unless the
// row and the table's first rows fit together. (The gaps are set here,
// not as the row's SpaceBefore, which would leave a stray divider at the
// foot of the page when the row moves on.)
func (r *renderer) leadIn(g pdfkit.Grid, gap float64, row pdfkit.Row, after float64, t table) {
	pdf := r.pdf
	_, tm, _, _ := pdf.GetMargins()
	_, pageH := pdf.GetPageSize()
	_, bm := pdf.GetAutoPageBreak()
	y := pdf.GetY()
	if y+gap+g.Height(pdf, row)+after+t.leadHeight(pdf) > pageH-bm && y > tm+0.01 {
		pdf.AddPage()
		y, gap = tm, 0
	}
	pdf.SetY(y + gap)
	g.Write(pdf, row)
	pdf.SetY(pdf.GetY() + after)
	t.write(pdf)
}

// signer is a person signing the act.
type signer struct {
	label   bi
	name    string // printed above the name line; "" leaves it blank
	detail  string // printed under the name, smaller
	caption bi     // under the name line
}

// signerLayout is where a signer's parts go, relative to the top.
type signerLayout struct {
	label, name      []pdfkit.Paragraph
	nameTop, nameRow float64 // name text top and the name line
	sigRow, height   float64 // signature and date lines, total height
}

// signature block geometry, in mm.
const (
	sigLabelW  = 78.0
	sigGap     = 8.0
	sigSpacing = 10.0 // name line to signature line
	sigAfter   = 7.0  // below the last caption
)

func (r *renderer) layoutSigner(s signer, rightW float64) signerLayout {
	var l signerLayout
	a := text(bodySize, pdfkit.AlignLeft, "*"+s.label.ru)
	b := text(bodySize, pdfkit.AlignLeft, s.label.kk)
	b.SpaceBefore = 0.6
	l.label = []pdfkit.Paragraph{a, b}
	labelH := pdfkit.Grid{Widths: []float64{sigLabelW}}.Height(r.pdf, pdfkit.Row{Cells: [][]pdfkit.Paragraph{l.label}})
	l.nameRow = 6
	if s.name != "" {
		l.name = []pdfkit.Paragraph{text(bodySize, pdfkit.AlignCenter, "*"+s.name)}
		if s.detail != "" {
			l.name = append(l.name, text(tableSize, pdfkit.AlignCenter, s.detail))
		}
		h := pdfkit.Grid{Widths: []float64{rightW}}.Height(r.pdf, pdfkit.Row{Cells: [][]pdfkit.Paragraph{l.name}})
		l.nameRow = max(l.nameRow, h+0.8)
		l.nameTop = l.nameRow - h - 0.8
	}
	l.sigRow = l.nameRow + sigSpacing
	l.height = max(labelH, l.sigRow+4) + sigAfter
	return l
}

// signatures draws the signatures block, kept on one page.
func (r *renderer) signatures() {
	pdf, act := r.pdf, r.act
	lm, tm, _, _ := pdf.GetMargins()
	_, pageH := pdf.GetPageSize()
	_, bm := pdf.GetAutoPageBreak()
	rightX := lm + sigLabelW + sigGap
	rightW := pdfkit.TextWidth(pdf) - sigLabelW - sigGap
	rl := role(act.Role)
	nameCaption := bi{"ФИО, роль", "аты-жөні, рөлі"}
	detail := rl.ru + " / " + rl.kk
	if act.StaffPosition != "" {
		nameCaption = bi{"ФИО, должность, роль", "аты-жөні, лауазымы, рөлі"}
		detail = act.StaffPosition + "; " + detail
	}
	signers := []signer{
		{label: bi{"Ответственный за организацию обработки персональных данных", "Дербес деректерді өңдеуді ұйымдастыруға жауапты тұлға"},
			name: orDash(act.StaffDisplayName()), detail: detail,
			caption: nameCaption},
		{label: bi{"Член комиссии", "Комиссия мүшесі"},
			name:    strings.TrimSpace(r.opts.SecondMember),
			caption: bi{"ФИО, должность", "аты-жөні, лауазымы"}},
	}
	g := r.columns()
	g.Divider = false
	head := pdfkit.Row{Cells: [][]pdfkit.Paragraph{{heading("Подписи")}, {heading("Қолтаңбалар")}}}
	need := g.Height(pdf, head) + 2
	var ls []signerLayout
	for _, s := range signers {
		l := r.layoutSigner(s, rightW)
		ls = append(ls, l)
		need += l.height
	}
	y := pdf.GetY() + 5
	if y+need > pageH-bm {
		pdf.AddPage()
		y = tm
	}
	pdf.SetY(y)
	g.Write(pdf, head)
	y = pdf.GetY() + 2

	caption := func(x, y, w float64, c bi) {
		p := text(smallSize, pdfkit.AlignCenter, "("+c.ru+" / "+c.kk+")")
		pdf.SetTextColor(pdfkit.FooterColor[0], pdfkit.FooterColor[1], pdfkit.FooterColor[2])
		r.put(x, y, w, p)
		pdf.SetTextColor(0, 0, 0)
	}
	line := func(x, y, w float64) {
		pdf.SetDrawColor(0, 0, 0)
		pdf.SetLineWidth(0.25)
		pdf.Line(x, y, x+w, y)
	}
	for i, s := range signers {
		l := ls[i]
		r.put(lm, y, sigLabelW, l.label...)
		if len(l.name) > 0 {
			r.put(rightX, y+l.nameTop, rightW, l.name...)
		}
		line(rightX, y+l.nameRow, rightW)
		caption(rightX, y+l.nameRow+0.4, rightW, s.caption)
		sigW := rightW*0.55 - 3
		line(rightX, y+l.sigRow, sigW)
		caption(rightX, y+l.sigRow+0.4, sigW, bi{"подпись", "қолы"})
		dx := rightX + rightW*0.55 + 3
		dw := rightW - (dx - rightX)
		line(dx, y+l.sigRow, dw)
		caption(dx, y+l.sigRow+0.4, dw, bi{"дата", "күні"})
		y += l.height
	}
	pdf.SetY(y)
}
