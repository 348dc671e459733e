package auditpack

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"legco.kz/compliance/reports/pdfkit"
	"legco.kz/compliance/store"
	"legco.kz/compliance/store/policydoc"
)

// ProcessingRecordName is the record of processing activities.
const ProcessingRecordName = "processing-record.pdf"

// periodText is the period in words, in Russian and Kazakh.
func (p *pack) periodText() (ru, kk string) {
	from, to := "начала журнала", "даты упаковки"
	fromK, toK := "журналдың басынан", "қаптау күніне дейін"
	if !p.opts.From.IsZero() {
		from, fromK = ruDate(p.opts.From), ruDate(p.opts.From)
	}
	if !p.opts.To.IsZero() {
		to, toK = ruDate(p.opts.To), ruDate(p.opts.To)+" қоса алғанда"
	}
	ru = "с " + from + " по " + to + " включительно (" + p.loc.String() + ")"
	if p.opts.To.IsZero() {
		ru = "с " + from + " до " + to + " (" + p.loc.String() + ")"
	}
	if !p.opts.From.IsZero() {
		fromK += " бастап"
	}
	kk = fromK + " " + toK + " (" + p.loc.String() + ")"
	return ru, kk
}

// clauses returns the policy clauses with the given numbers (and their
// list items) from the newest edition in force, as paragraphs per
// language.
func clauses(ed *store.Edition, numbers ...string) (ru, kk []string) {
	if ed == nil || ed.Doc == nil {
		return nil, nil
	}
	want := map[string]bool{}
	for _, n := range numbers {
		want[n] = true
	}
	for _, c := range ed.Doc.Clauses {
		if want[c.Number] || c.Kind == policydoc.KindItem && want[c.Parent] {
			ru = append(ru, strings.TrimSpace(c.Label()+" "+c.RU.Plain))
			kk = append(kk, strings.TrimSpace(c.Label()+" "+c.KK.Plain))
		}
	}
	return ru, kk
}

func (d *doc) quote(ru, kk []string) {
	for i := range max(len(ru), len(kk)) {
		var r, k string
		if i < len(ru) {
			r = ru[i]
		}
		if i < len(kk) {
			k = kk[i]
		}
		d.both(para(r, 8.5), para(k, 8.5))
	}
}

// drawProcessingRecord draws the record of processing activities: what
// personal data is held (clause 1.1 categories with counts), why (2.2),
// on what consent (1.4–1.6, Art. 8 fields), to whom it may go (3.2),
// where it is kept and for how long, and who processed it in the period.
func (p *pack) drawProcessingRecord(ctx context.Context, out io.Writer, dc *dataCounts) error {
	op, err := p.snap.Operator(ctx)
	if err != nil {
		return err
	}
	users, counts, err := dc.get()
	if err != nil {
		return err
	}
	staff, err := p.snap.StaffWithActs(ctx, p.from, p.to, p.acted)
	if err != nil {
		return err
	}
	var ed *store.Edition
	if len(p.editions) > 0 {
		ed = p.editions[len(p.editions)-1]
	}
	d, err := newDoc(p, "Запись об операциях обработки персональных данных", "Дербес деректерді өңдеу операциялары туралы жазба")
	if err != nil {
		return err
	}
	pru, pkk := p.periodText()
	d.field("Период", "Кезең", "")
	d.both(bold(pru, 9), bold(pkk, 9))
	d.field("Голова цепочки аудита", "Аудит тізбегінің басы", p.snap.Head.String())
	if ed != nil {
		d.field("Цитаты политики — из редакции", "Саясаттан дәйексөздер — редакциясынан", fmt.Sprintf("№ %d (SHA-256 %s)", ed.Number, ed.SHA256))
	} else {
		d.text("В периоде не действовала ни одна опубликованная редакция политики: цитаты ниже отсутствуют.",
			"Кезеңде саясаттың бірде-бір жарияланған редакциясы қолданылмады: төмендегі дәйексөздер жоқ.")
	}

	d.heading("1. Оператор", "1. Оператор")
	d.field("Наименование", "Атауы", op.NameRU+" / "+op.NameKK)
	d.field("БИН", "БСН", dash(op.BIN))
	d.both(para("Адрес: "+dash(op.AddressRU), 9), para("Мекенжайы: "+dash(op.AddressKK), 9))
	d.field("Контакт для субъектов", "Субъектілерге арналған байланыс", dash(op.Contact))

	d.heading("2. Категории персональных данных и их объём (п. 1.1)", "2. Дербес деректер санаттары және олардың көлемі (1.1-т.)")
	d.text(fmt.Sprintf("Пользователей: %s, из них активных %s, обезличенных %s, заблокированных %s, представителей юридических лиц %s; уничтожено записей (акты): %s.",
		group(users.Total), group(users.Active), group(users.Depersonalized), group(users.Blocked), group(users.Entities), group(users.Destroyed)),
		fmt.Sprintf("Пайдаланушылар: %s, оның ішінде белсенді %s, иесіздендірілген %s, бұғатталған %s, заңды тұлғалардың өкілдері %s; жойылған жазбалар (актілер): %s.",
			group(users.Total), group(users.Active), group(users.Depersonalized), group(users.Blocked), group(users.Entities), group(users.Destroyed)))
	cru, ckk := clauses(ed, "1.1.1", "1.1.2", "1.1.3")
	d.quote(cru, ckk)
	for _, cat := range []string{"1.1.1", "1.1.2", "1.1.3"} {
		var ru, kk []string
		for _, c := range counts {
			if c.Category != cat {
				continue
			}
			line := func(name string) string {
				s := name + " — " + group(c.Count)
				if c.InPeriod >= 0 {
					s += fmt.Sprintf(" (в периоде / кезеңде: %s)", group(c.InPeriod))
				}
				return s
			}
			ru, kk = append(ru, line(c.RU)), append(kk, line(c.KK))
		}
		if len(ru) == 0 {
			ru, kk = []string{"нет данных"}, []string{"деректер жоқ"}
		}
		rp := []pdfkit.Paragraph{bold("п. "+cat+" — записей с заполненным полем", 8.5)}
		kp := []pdfkit.Paragraph{bold(cat+"-т. — өрісі толтырылған жазбалар", 8.5)}
		for i := range ru {
			rp, kp = append(rp, item(ru[i], 8.5)), append(kp, item(kk[i], 8.5))
		}
		d.bothN(rp, kp)
	}

	d.heading("3. Цели обработки (п. 2.2.1–2.2.6)", "3. Өңдеу мақсаттары (2.2.1–2.2.6-т.)")
	d.quote(clauses(ed, "2.2", "2.2.1", "2.2.2", "2.2.3", "2.2.4", "2.2.5", "2.2.6"))

	d.heading("4. Согласия: цели и сведения по ст. 8 Закона № 94-V", "4. Келісімдер: мақсаттары және № 94-V Заңның 8-бабы бойынша мәліметтер")
	d.quote(clauses(ed, "1.4", "1.5", "1.6"))
	d.text("Согласие фиксирует: наименование и БИН оператора, ФИО субъекта, срок согласия, разрешена ли передача третьим лицам, трансграничная передача, распространение в общедоступных источниках, перечень собираемых данных.",
		"Келісімде мыналар тіркеледі: оператордың атауы мен БСН, субъектінің аты-жөні, келісім мерзімі, үшінші тұлғаларға беруге, трансшекаралық беруге, жалпыға қолжетімді көздерде таратуға рұқсат етілген-етілмегені, жиналатын деректердің тізбесі.")
	d.text("Записи о согласиях за период — в части «Отчёт о согласиях» (см. index.pdf: есть ли она в этом пакете).",
		"Кезеңдегі келісімдер туралы жазбалар — «Келісімдер туралы есеп» бөлігінде (index.pdf қараңыз: ол осы пакетте бар ма).")

	d.heading("5. Получатели и основания передачи (п. 3.2)", "5. Алушылар және беру негіздері (3.2-т.)")
	d.quote(clauses(ed, "3.2", "3.2.1", "3.2.2", "3.2.3", "3.2.4", "3.2.5"))

	d.heading("6. Место и сроки хранения", "6. Сақтау орны мен мерзімдері")
	d.text("Записи хранятся в зашифрованном рабочем пространстве (SQLCipher 4, AES-256) на рабочей станции оператора по адресу, указанному в разделе 1; рабочее пространство "+p.snap.WorkspaceID()+". Статья 12 Закона № 94-V требует хранить базы с персональными данными граждан Казахстана на серверах в Казахстане.",
		"Жазбалар оператордың 1-бөлімде көрсетілген мекенжайдағы жұмыс станциясында шифрланған жұмыс кеңістігінде (SQLCipher 4, AES-256) сақталады; жұмыс кеңістігі "+p.snap.WorkspaceID()+". № 94-V Заңның 12-бабы Қазақстан азаматтарының дербес деректері бар базаларды Қазақстандағы серверлерде сақтауды талап етеді.")
	d.text("Срок хранения редакция политики не устанавливает: данные хранятся до обезличивания или уничтожения (п. 1.4), что фиксируется в журнале аудита и актах уничтожения.",
		"Саясат редакциясы сақтау мерзімін белгілемейді: деректер иесіздендірілгенге немесе жойылғанға дейін сақталады (1.4-т.), бұл аудит журналында және жою актілерінде тіркеледі.")

	d.heading("7. Сотрудники и их роли за период", "7. Кезеңдегі қызметкерлер және олардың рөлдері")
	if len(staff) == 0 {
		d.text("Нет сотрудников.", "Қызметкерлер жоқ.")
	}
	for _, s := range staff {
		who := s.Name
		if s.FullName != "" {
			who += " — " + s.FullName
		}
		if s.Position != "" {
			who += ", " + s.Position
		}
		roles := make([]string, 0, len(s.Acted))
		for r, n := range s.Acted {
			roles = append(roles, fmt.Sprintf("%s: %s", r, group(n)))
		}
		sort.Strings(roles)
		acted := strings.Join(roles, "; ")
		if acted == "" {
			acted = "0"
		}
		removed, removedK := "", ""
		if s.Removed {
			removed, removedK = "; доступ снят "+ruDate(s.RemovedAt.In(p.loc)), "; қолжетімділік алынды "+ruDate(s.RemovedAt.In(p.loc))
		}
		d.bothN([]pdfkit.Paragraph{bold(who, 8.5), para(fmt.Sprintf("Роль: %s; доступ с %s%s. Записей аудита в периоде по ролям: %s.", s.Role, ruDate(s.CreatedAt.In(p.loc)), removed, acted), 8.5)},
			[]pdfkit.Paragraph{bold(who, 8.5), para(fmt.Sprintf("Рөлі: %s; қолжетімділік %s бастап%s. Кезеңдегі аудит жазбалары рөлдер бойынша: %s.", s.Role, ruDate(s.CreatedAt.In(p.loc)), removedK, acted), 8.5)})
	}
	return d.write(out)
}

func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
