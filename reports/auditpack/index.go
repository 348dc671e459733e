package auditpack

import (
	"context"
	"fmt"
	"strings"

	"legco.kz/compliance/reports/auditpack/verify"
	"legco.kz/compliance/reports/pdfkit"
)

// IndexName is the pack's index.
const IndexName = "index.pdf"

// writeIndex writes index.pdf: the pack's particulars, whether it holds
// personal data (first page), what each file is, the digests of the files
// written before it, and how to verify the pack by hand.
func (p *pack) writeIndex(ctx context.Context) error {
	op, err := p.snap.Operator(ctx)
	if err != nil {
		return err
	}
	d, err := newDoc(p, "Пакет аудита обработки персональных данных", "Дербес деректерді өңдеу аудитінің пакеті")
	if err != nil {
		return err
	}
	binRU, binKK := "", ""
	if op.BIN != "" {
		binRU, binKK = ", БИН "+op.BIN, ", БСН "+op.BIN
	}
	d.both(para(op.NameRU+binRU, 9.5), para(op.NameKK+binKK, 9.5))
	pru, pkk := p.periodText()
	d.field("Период", "Кезең", "")
	d.both(bold(pru, 9), bold(pkk, 9))
	d.field("Рабочее пространство (id)", "Жұмыс кеңістігі (id)", p.snap.WorkspaceID())
	d.field("Программа", "Бағдарлама", dash(p.opts.Program))
	d.field("Голова цепочки аудита при упаковке", "Қаптау кезіндегі аудит тізбегінің басы", fmt.Sprintf("№ %d", p.snap.Head.Seq))
	d.wide(mono(p.snap.Head.Hash, 8.5))
	if p.rng.Count > 0 {
		d.field("Записи аудита периода", "Кезеңнің аудит жазбалары", fmt.Sprintf("№ %d – № %d (%s)", p.rng.First, p.rng.Last, group(p.rng.Count)))
	} else {
		d.field("Записи аудита периода", "Кезеңнің аудит жазбалары", "0")
	}
	d.field("Хеш записи перед периодом", "Кезеңге дейінгі жазбаның хеші", fmt.Sprintf("№ %d", p.rng.Before.Seq))
	d.wide(mono(p.rng.Before.Hash, 8.5))

	d.heading("Персональные данные в пакете", "Пакеттегі дербес деректер")
	if p.opts.WithPersonalData {
		d.both(bold(fmt.Sprintf("ПАКЕТ СОДЕРЖИТ ПЕРСОНАЛЬНЫЕ ДАННЫЕ: ФИО пользователей (файл personal/subjects.csv, %s чел.; части, которые это поддерживают).", group(int64(p.subjects))), 9.5),
			bold(fmt.Sprintf("ПАКЕТТЕ ДЕРБЕС ДЕРЕКТЕР БАР: пайдаланушылардың аты-жөні (personal/subjects.csv файлы, %s адам; мұны қолдайтын бөліктер).", group(int64(p.subjects))), 9.5))
	} else {
		d.both(bold("Пакет собран без персональных данных: пользователи названы только идентификатором аккаунта (например, LC-0000001). ФИО, ИИН, телефоны и адреса в пакет не включены.", 9.5),
			bold("Пакет дербес деректерсіз жиналған: пайдаланушылар тек аккаунт идентификаторымен аталады (мысалы, LC-0000001). Аты-жөні, ЖСН, телефондар мен мекенжайлар пакетке енгізілмеген.", 9.5))
	}
	d.text("Пакет — обычные незашифрованные файлы. Храните его на зашифрованном носителе, передавайте только по защищённому каналу, не копируйте без необходимости и уничтожьте после завершения проверки. Журнал аудита может содержать имена сотрудников и основания действий.",
		"Пакет — шифрланбаған қарапайым файлдар. Оны шифрланған тасымалдағышта сақтаңыз, тек қорғалған арна арқылы беріңіз, қажетсіз көшірмеңіз және тексеру аяқталғаннан кейін жойыңыз. Аудит журналында қызметкерлердің аты мен әрекеттердің негіздемелері болуы мүмкін.")

	d.heading("Состав пакета", "Пакеттің құрамы")
	file := func(name, ru, kk string) {
		d.wide(pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: name, Bold: true}}, Size: 8.5, SpaceBefore: 1.5, SpaceAfter: 0.5, KeepWithNext: true})
		d.both(para(ru, 8.5), para(kk, 8.5))
	}
	file(verify.ManifestName, "Перечень всех файлов пакета с размером и SHA-256, id рабочего пространства, голова цепочки аудита при упаковке, период, кто и когда собрал пакет, версия программы. Время упаковки есть только в этом файле.",
		"Пакеттің барлық файлдарының өлшемі мен SHA-256 көрсетілген тізбесі, жұмыс кеңістігінің id, қаптау кезіндегі аудит тізбегінің басы, кезең, пакетті кім және қашан жинағаны, бағдарлама нұсқасы. Қаптау уақыты тек осы файлда.")
	file(verify.SumsName, "Те же SHA-256 в формате программы sha256sum (все файлы, кроме manifest.json и самого SHA256SUMS).",
		"Сол SHA-256 мәндері sha256sum бағдарламасының пішімінде (manifest.json мен SHA256SUMS-тен басқа барлық файлдар).")
	file(IndexName, "Этот документ.", "Осы құжат.")
	file(verify.AuditCSVName, "Записи журнала аудита за период, по одной в строке, со всеми полями, которые покрывает хеш, prev_hash и hash. Первая строка ссылается на хеш записи перед периодом (указан выше).",
		"Кезеңдегі аудит журналының жазбалары, әр жолда біреуі, хеш қамтитын барлық өрістерімен, prev_hash және hash. Бірінші жол кезеңге дейінгі жазбаның хешіне сілтейді (жоғарыда көрсетілген).")
	file(strings.Join(volRange(p.volumes), " … "), fmt.Sprintf("Те же записи в PDF, томами до %s записей, с хешем каждой записи.", group(int64(p.opts.VolumeSize))),
		fmt.Sprintf("Сол жазбалар PDF түрінде, %s жазбаға дейінгі томдармен, әр жазбаның хешімен.", group(int64(p.opts.VolumeSize))))
	file(ProcessingRecordName, "Запись об операциях обработки: категории данных (п. 1.1.1–1.1.3) с количеством, цели (п. 2.2.1–2.2.6), согласия и сведения по ст. 8, получатели и основания (п. 3.2), место и сроки хранения, сотрудники и роли за период.",
		"Өңдеу операциялары туралы жазба: деректер санаттары (1.1.1–1.1.3-т.) саны көрсетіле отырып, мақсаттар (2.2.1–2.2.6-т.), келісімдер және 8-бап бойынша мәліметтер, алушылар мен негіздер (3.2-т.), сақтау орны мен мерзімдері, кезеңдегі қызметкерлер мен рөлдер.")
	if len(p.editions) == 0 {
		file("policy/", "В периоде не действовала ни одна опубликованная редакция политики конфиденциальности.",
			"Кезеңде құпиялылық саясатының бірде-бір жарияланған редакциясы қолданылмады.")
	}
	for i, e := range p.editions {
		file(p.edFiles[i], fmt.Sprintf("Политика конфиденциальности (privacy.pdf, русский и казахский), редакция № %d, действует с %s. SHA-256 содержания редакции: %s.", e.Number, ruDate(e.EffectiveOn), e.SHA256),
			fmt.Sprintf("Құпиялылық саясаты (privacy.pdf, орыс және қазақ тілдерінде), № %d редакция, %s бастап қолданылады. Редакция мазмұнының SHA-256: %s.", e.Number, ruDate(e.EffectiveOn), e.SHA256))
	}
	if p.opts.WithPersonalData {
		file("personal/subjects.csv", "Идентификатор аккаунта → ФИО для пользователей, о которых есть записи аудита в периоде (состояние: held — данные хранятся, depersonalized — обезличены, destroyed — уничтожены). ПЕРСОНАЛЬНЫЕ ДАННЫЕ.",
			"Кезеңде аудит жазбалары бар пайдаланушылар үшін аккаунт идентификаторы → аты-жөні (күйі: held — деректер сақталады, depersonalized — иесіздендірілген, destroyed — жойылған). ДЕРБЕС ДЕРЕКТЕР.")
	}
	for _, s := range p.slots {
		var ru, kk string
		switch s.status {
		case verify.PartIncluded:
			ru, kk = s.AboutRU, s.AboutKK
		case verify.PartNoData:
			ru, kk = s.AboutRU+" Нет данных за период.", s.AboutKK+" Кезең бойынша деректер жоқ."
		default:
			ru, kk = "Недоступно в этой сборке программы: часть не включена.", "Бағдарламаның бұл құрастырмасында қолжетімсіз: бөлік енгізілмеген."
		}
		name := "parts/" + s.ID + "/"
		if len(s.files) > 0 {
			name = strings.Join(s.files, ", ")
		}
		file(name, s.TitleRU+". "+ru, s.TitleKK+". "+kk)
	}

	d.heading("SHA-256 файлов", "Файлдардың SHA-256")
	d.text("Дайджесты файлов, записанных до этого документа (они же в SHA256SUMS и manifest.json).",
		"Осы құжатқа дейін жазылған файлдардың дайджестері (олар SHA256SUMS және manifest.json файлдарында да бар).")
	for _, f := range p.sinkFiles() {
		d.wide(mono(fmt.Sprintf("%s  %s  (%s)", f.SHA256, f.Name, size(f.Size)), 7))
	}

	d.heading("Как проверить пакет вручную", "Пакетті қолмен қалай тексеруге болады")
	steps := [][2]string{
		{"1. Целостность файлов. В папке пакета (zip сначала распакуйте) выполните команду ниже: каждая строка должна закончиться словом OK. Затем сравните SHA-256 самого файла SHA256SUMS с указанным в manifest.json (files).",
			"1. Файлдардың тұтастығы. Пакет қалтасында (zip-ті алдымен ашыңыз) төмендегі команданы орындаңыз: әр жол OK сөзімен аяқталуы тиіс. Содан кейін SHA256SUMS файлының өз SHA-256 мәнін manifest.json (files) ішіндегімен салыстырыңыз."},
		{"2. Полнота. В папке не должно быть файлов, которых нет в manifest.json, и наоборот.",
			"2. Толықтығы. Қалтада manifest.json-да жоқ файлдар болмауы тиіс және керісінше."},
		{"3. Цепочка аудита. Хеш записи = SHA-256(prev_hash в байтах ‖ канон), где канон — поля \"legco-audit/v1\", seq, at, staff, role, action, object, reason, details, personal_sha256, каждое с префиксом длины (uvarint) (docs/audit-log.md). prev_hash первой строки audit-log.csv равен хешу записи перед периодом, prev_hash каждой следующей — hash предыдущей, номера идут без пропусков.",
			"3. Аудит тізбегі. Жазба хеші = SHA-256(байттағы prev_hash ‖ канон), мұнда канон — \"legco-audit/v1\", seq, at, staff, role, action, object, reason, details, personal_sha256 өрістері, әрқайсысы ұзындық префиксімен (uvarint) (docs/audit-log.md). audit-log.csv бірінші жолының prev_hash мәні кезеңге дейінгі жазбаның хешіне тең, әр келесісінің prev_hash — алдыңғысының hash мәні, нөмірлер үзіліссіз."},
		{"4. Автоматически, без рабочего пространства и пароля: команда ниже проверяет шаги 1–3 (код выхода 0 — пакет цел, 4 — указан первый несовпадающий файл или запись).",
			"4. Автоматты түрде, жұмыс кеңістігінсіз және құпиясөзсіз: төмендегі команда 1–3-қадамдарды тексереді (шығу коды 0 — пакет бүтін, 4 — бірінші сәйкес келмейтін файл немесе жазба көрсетіледі)."},
		{"5. Преемственность. Если у вас есть предыдущий пакет этого рабочего пространства, добавьте --previous: голова цепочки предыдущего пакета должна быть записью перед первой записью этого пакета или совпадать с записью на том же месте. Иначе журнал был переписан между пакетами.",
			"5. Сабақтастық. Егер сізде осы жұмыс кеңістігінің алдыңғы пакеті болса, --previous қосыңыз: алдыңғы пакет тізбегінің басы осы пакеттің бірінші жазбасының алдындағы жазба болуы немесе сол орындағы жазбамен сәйкес келуі тиіс. Әйтпесе журнал пакеттер арасында қайта жазылған."},
	}
	for i, s := range steps {
		d.both(para(s[0], 8.5), para(s[1], 8.5))
		switch i {
		case 0:
			d.wide(mono("sha256sum -c SHA256SUMS            (Windows PowerShell: Get-FileHash -Algorithm SHA256 FILE)", 8))
		case 3:
			d.wide(mono("legco-compliance audit verify-pack PACK_FOLDER_OR_ZIP", 8))
		case 4:
			d.wide(mono("legco-compliance audit verify-pack NEW_PACK --previous OLD_PACK", 8))
		}
	}
	w, err := p.sink.create(IndexName)
	if err != nil {
		return err
	}
	return d.write(w)
}

// volRange is the first and last volume names (one if there is one).
func volRange(v []string) []string {
	if len(v) <= 1 {
		return v
	}
	return []string{v[0], v[len(v)-1]}
}
