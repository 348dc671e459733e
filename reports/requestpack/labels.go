package requestpack

import "legco.kz/compliance/store"

// Bi is a text in Russian and Kazakh.
type Bi struct{ RU, KK string }

var groundText = map[store.Ground]Bi{
	store.GroundConsent:      {"п. 3.2.1 Политики — с согласия пользователя", "Саясаттың 3.2.1-т. — пайдаланушының келісімімен"},
	store.GroundService:      {"п. 3.2.2 Политики — необходимо для продукта или услуги", "Саясаттың 3.2.2-т. — өнім немесе қызмет үшін қажет"},
	store.GroundLaw:          {"п. 3.2.3 Политики — предусмотрено законодательством Республики Казахстан", "Саясаттың 3.2.3-т. — Қазақстан Республикасының заңнамасында көзделген"},
	store.GroundSale:         {"п. 3.2.4 Политики — реорганизация или продажа бизнеса", "Саясаттың 3.2.4-т. — бизнесті қайта ұйымдастыру немесе сату"},
	store.GroundRights:       {"п. 3.2.5 Политики — защита прав Компании", "Саясаттың 3.2.5-т. — Компанияның құқықтарын қорғау"},
	store.GroundCounterparty: {"п. 1.6 Политики — контрагенту по сделке с согласия пользователя", "Саясаттың 1.6-т. — пайдаланушының келісімімен мәміле бойынша контрагентке"},
}

// GroundText is a ground's clause in words.
func GroundText(g store.Ground) Bi {
	if t, ok := groundText[g]; ok {
		return t
	}
	return Bi{string(g), string(g)}
}

var requesterText = map[store.RequesterType]Bi{
	store.RequesterCourt:        {"суд", "сот"},
	store.RequesterInvestigator: {"орган следствия / полиция", "тергеу органы / полиция"},
	store.RequesterProsecutor:   {"прокуратура", "прокуратура"},
	store.RequesterStateBody:    {"иной государственный орган", "өзге мемлекеттік орган"},
	store.RequesterCounterparty: {"контрагент", "контрагент"},
	store.RequesterBuyer:        {"покупатель / правопреемник", "сатып алушы / құқықтық мирасқор"},
	store.RequesterOther:        {"иное лицо", "өзге тұлға"},
	store.RequesterSubject:      {"субъект персональных данных", "дербес деректер субъектісі"},
}

// RequesterText is a requester type in words.
func RequesterText(t store.RequesterType) Bi {
	if s, ok := requesterText[t]; ok {
		return s
	}
	return Bi{string(t), string(t)}
}

var kindText = map[store.RequestKind]Bi{
	store.KindDisclosure:    {"запрос третьего лица о предоставлении данных", "үшінші тұлғаның деректерді беру туралы сұрауы"},
	store.KindAccess:        {"запрос субъекта о доступе к своим данным", "субъектінің өз деректеріне қол жеткізу сұрауы"},
	store.KindRectification: {"требование об исправлении данных", "деректерді түзету туралы талап"},
	store.KindBlocking:      {"требование о блокировании данных", "деректерді бұғаттау туралы талап"},
	store.KindDestruction:   {"требование об уничтожении данных", "деректерді жою туралы талап"},
	store.KindWithdrawal:    {"отзыв согласия", "келісімді кері қайтарып алу"},
	store.KindRecipients:    {"запрос о получателях данных", "деректерді алушылар туралы сұрау"},
}

// KindText is a request kind in words.
func KindText(k store.RequestKind) Bi {
	if s, ok := kindText[k]; ok {
		return s
	}
	return Bi{string(k), string(k)}
}

var outcomeText = map[string]Bi{
	store.OutcomeHeld:           {"данные имеются", "деректер бар"},
	store.OutcomeNoData:         {"данные не обрабатываются (аккаунт не найден)", "деректер өңделмейді (аккаунт табылмады)"},
	store.OutcomeDestroyed:      {"данные уничтожены", "деректер жойылған"},
	store.OutcomeDepersonalized: {"данные обезличены", "деректер иесіздендірілген"},
}

// OutcomeText is what was found for an account, in words; act is the
// destruction act's number, if any.
func OutcomeText(outcome, act string) Bi {
	t, ok := outcomeText[outcome]
	if !ok {
		t = Bi{outcome, outcome}
	}
	if act != "" {
		t.RU += ", акт № " + act
		t.KK += ", № " + act + " акт"
	}
	return t
}

var extraFieldText = map[string]Bi{
	store.FieldAccessLog:   {"Журнал доступа (п. 1.1.2)", "Кіру журналы (1.1.2-т.)"},
	store.FieldPublicData:  {"Данные из иных источников (п. 1.1.3)", "Өзге көздерден алынған деректер (1.1.3-т.)"},
	store.FieldDisclosures: {"Кому передавались данные", "Деректер кімге берілді"},
}

// FieldText is a field's name in words.
func FieldText(key string) Bi {
	if f, ok := store.FieldByKey(key); ok {
		return Bi{f.RU, f.KK}
	}
	if t, ok := extraFieldText[key]; ok {
		return t
	}
	return Bi{key, key}
}
