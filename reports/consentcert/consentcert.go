// Package consentcert renders a user's consent certificate («Справка о
// согласиях субъекта персональных данных» / «Дербес деректер субъектісінің
// келісімдері туралы анықтама») in Russian or Kazakh: the operator, the
// subject, each purpose with what Law No. 94-V Art. 8 requires a consent
// to state and its state now, the whole event history with its evidence
// and the audit entries that recorded it, and the policy editions with
// their SHA-256. Same data, same bytes.
package consentcert

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"legco.kz/compliance/reports/consentreport"
	"legco.kz/compliance/reports/internal/ctable"
	"legco.kz/compliance/reports/pdfkit"
	"legco.kz/compliance/store"
)

// Options of Render.
type Options struct {
	Lang     string // ru (default) or kk
	Location *time.Location
}

type labels struct {
	title, operator, bin, address, contact, subject, account, generated, by, head, inForce, purposes, clauses, state, since,
	edition, term, third, cross, public, data, history, when, purpose, event, channel, lang, evidence, audit, editions,
	effective, yes, no, never, note string
	events map[store.ConsentEventKind]string
}

var text = map[string]labels{
	"ru": {title: "Справка о согласиях субъекта персональных данных", operator: "Оператор", bin: "БИН", address: "Адрес",
		contact: "Контакт", subject: "Субъект персональных данных", account: "Аккаунт LegCo", generated: "Справка сформирована",
		by: "Сформировал", head: "Хеш цепочки аудита", inForce: "Действующая редакция Политики", purposes: "Согласия по целям (ст. 8 Закона РК № 94-V)",
		clauses: "Пункты Политики", state: "Состояние", since: "с", edition: "Редакция", term: "Срок согласия",
		third: "Передача третьим лицам", cross: "Трансграничная передача", public: "Размещение в общедоступных источниках",
		data: "Перечень собираемых данных", history: "История событий", when: "Дата и время", purpose: "Цель", event: "Событие",
		channel: "Канал", lang: "Язык", evidence: "Подтверждение", audit: "Запись аудита", editions: "Редакции Политики, к которым относятся согласия",
		effective: "действует с", yes: "да", no: "нет", never: "согласие не давалось",
		note:   "Справка составлена по журналу согласий рабочего пространства; каждое событие заверено записью цепочки аудита.",
		events: map[store.ConsentEventKind]string{store.ConsentGiven: "дано", store.ConsentWithdrawn: "отозвано", store.ConsentExpired: "истекло"}},
	"kk": {title: "Дербес деректер субъектісінің келісімдері туралы анықтама", operator: "Оператор", bin: "БСН", address: "Мекенжайы",
		contact: "Байланыс", subject: "Дербес деректер субъектісі", account: "LegCo аккаунты", generated: "Анықтама жасалған уақыт",
		by: "Жасаған", head: "Аудит тізбегінің хеші", inForce: "Саясаттың күшіндегі редакциясы", purposes: "Мақсаттар бойынша келісімдер (ҚР № 94-V Заңының 8-бабы)",
		clauses: "Саясаттың тармақтары", state: "Жай-күйі", since: "бастап", edition: "Редакция", term: "Келісім мерзімі",
		third: "Үшінші тұлғаларға беру", cross: "Трансшекаралық беру", public: "Жалпыға қолжетімді дереккөздерде орналастыру",
		data: "Жиналатын деректер тізбесі", history: "Оқиғалар тарихы", when: "Күні мен уақыты", purpose: "Мақсат", event: "Оқиға",
		channel: "Арна", lang: "Тіл", evidence: "Растау", audit: "Аудит жазбасы", editions: "Келісімдер қатысты Саясат редакциялары",
		effective: "күшіне енген күні", yes: "иә", no: "жоқ", never: "келісім берілмеген",
		note:   "Анықтама жұмыс кеңістігінің келісімдер журналы бойынша жасалды; әр оқиға аудит тізбегінің жазбасымен расталған.",
		events: map[store.ConsentEventKind]string{store.ConsentGiven: "берілді", store.ConsentWithdrawn: "кері қайтарылды", store.ConsentExpired: "мерзімі өтті"}},
}

var kazakhstan = time.FixedZone("UTC+5", 5*3600)

// Render writes d as a PDF certificate.
func Render(w io.Writer, d *store.ConsentCertificateData, opts Options) error {
	lang := strings.ToLower(opts.Lang)
	if lang == "" {
		lang = "ru"
	}
	L, ok := text[lang]
	if !ok {
		return fmt.Errorf("consentcert: the certificate is in ru or kk, not %q", opts.Lang)
	}
	loc := opts.Location
	if loc == nil {
		loc = kazakhstan
	}
	bcp := map[string]string{"ru": "ru-KZ", "kk": "kk-KZ"}[lang]
	pdf, err := pdfkit.New(pdfkit.Options{Title: L.title + " — " + d.AccountID, Subject: L.title, Author: d.Operator.Name(lang),
		Keywords: "LegCo; consent certificate; " + d.AccountID, Lang: bcp, Created: d.GeneratedAt, AuditHead: d.Head.String(),
		FooterText: d.AccountID})
	if err != nil {
		return err
	}
	pdf.AddPage()
	yn := func(b bool) string {
		if b {
			return L.yes
		}
		return L.no
	}
	dt := func(t time.Time) string { return t.In(loc).Format("02.01.2006 15:04:05") }
	pdfkit.Bookmark(pdf, L.title, 0, -1)
	ctable.Para(pdf, pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: L.title, Bold: true}}, Size: 14, Align: pdfkit.AlignCenter, SpaceAfter: 4})
	op := d.Operator
	inForce := "—"
	if e, ok := d.Editions[d.Current]; ok {
		inForce = fmt.Sprintf("%d (%s %s), SHA-256 %s", e.Number, L.effective, e.EffectiveOn.Format("02.01.2006"), e.SHA256)
	}
	ctable.Para(pdf,
		ctable.Label(L.operator, op.Name(lang), 9.5),
		ctable.Label(L.bin, dash(op.BIN), 9.5),
		ctable.Label(L.address, dash(op.Address(lang)), 9.5),
		ctable.Label(L.contact, dash(op.Contact), 9.5),
		pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: L.subject + ": ", Bold: true}, {Text: d.FullName, Bold: true}}, Size: 11, SpaceBefore: 2, SpaceAfter: 0.6},
		ctable.Label(L.account, d.AccountID, 9.5),
		ctable.Label(L.inForce, inForce, 9.5),
		ctable.Label(L.generated, dt(d.GeneratedAt)+" (UTC+5)", 9.5),
		ctable.Label(L.by, consentreport.GeneratedBy(d.GeneratedBy), 9.5),
		ctable.Label(L.head, d.Head.String(), 9.5),
	)

	pdfkit.Bookmark(pdf, L.purposes, 1, -1)
	ctable.Para(pdf, ctable.Heading(L.purposes, 11))
	for _, s := range d.States {
		ed := s.Edition
		if ed == 0 {
			ed = max(d.Current, 1)
		}
		p, _ := d.Purpose(ed, s.Purpose)
		state := L.never
		if s.State != "" {
			state = fmt.Sprintf("%s %s %s; %s %d", L.events[s.Effective(d.GeneratedAt)], L.since, dt(s.At), strings.ToLower(L.edition), s.Edition)
		}
		title := p.Title(lang)
		if title == "" {
			title = s.Purpose
		}
		ctable.Para(pdf,
			pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: title + " (" + s.Purpose + ")", Bold: true}}, Size: 9.5, SpaceBefore: 2.5, SpaceAfter: 0.8, KeepWithNext: true},
			ctable.Label(L.state, state, 8.5),
			ctable.Label(L.clauses, dash(p.Clauses), 8.5),
			ctable.Label(L.term, store.ConsentTermText(p, lang), 8.5),
			ctable.Label(L.third, yn(p.ThirdParty), 8.5),
			ctable.Label(L.cross, yn(p.CrossBorder), 8.5),
			ctable.Label(L.public, yn(p.PublicSources), 8.5),
			ctable.Label(L.data, dash(p.Data(lang)), 8.5),
		)
	}

	ctable.Ensure(pdf, 35)
	pdfkit.Bookmark(pdf, L.history, 1, -1)
	ctable.Para(pdf, ctable.Heading(L.history, 11))
	tw := pdfkit.TextWidth(pdf)
	t := ctable.Table{Widths: []float64{24, 30, 23, 17, 16, tw - 24 - 30 - 23 - 17 - 16 - 28, 28},
		Header: []string{L.when, L.purpose, L.event, L.edition, L.channel + " / " + L.lang, L.evidence, L.audit}, Size: 7.5}
	var rows [][]string
	for _, e := range d.History {
		var ev []string
		if e.IP != "" {
			ev = append(ev, "IP "+e.IP)
		}
		if e.UserAgent != "" {
			ev = append(ev, e.UserAgent)
		}
		if e.DocumentRef != "" {
			ev = append(ev, e.DocumentRef)
		}
		if e.Reason != "" {
			ev = append(ev, e.Reason)
		}
		hash := e.AuditHash
		if len(hash) > 16 {
			hash = hash[:16] + "…"
		}
		rows = append(rows, []string{dt(e.At), e.Purpose, L.events[e.Event], fmt.Sprint(e.Edition), e.Channel + " / " + e.Language,
			dash(strings.Join(ev, "; ")), fmt.Sprintf("#%d %s %s", e.AuditSeq, hash, e.RecordedBy)})
	}
	t.Write(pdf, rows)

	pdfkit.Bookmark(pdf, L.editions, 1, -1)
	ctable.Para(pdf, ctable.Heading(L.editions, 11))
	var nums []int
	seen := map[int]bool{}
	for _, e := range d.History {
		if !seen[e.Edition] {
			seen[e.Edition] = true
			nums = append(nums, e.Edition)
		}
	}
	if !seen[d.Current] && d.Current > 0 {
		nums = append(nums, d.Current)
	}
	sort.Ints(nums)
	for _, n := range nums {
		e := d.Editions[n]
		ctable.Para(pdf, ctable.Label(fmt.Sprintf("%s %d", L.edition, n),
			fmt.Sprintf("%s %s; SHA-256 %s", L.effective, e.EffectiveOn.Format("02.01.2006"), e.SHA256), 8.5))
	}
	ctable.Para(pdf, pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: L.note}}, Size: 8, SpaceBefore: 4})
	return pdfkit.Write(pdf, w)
}

func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
