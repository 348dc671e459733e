package policydoc

import (
	"strings"
	"testing"
)

func cl(number string, kind Kind, ru, kk string) Clause {
	return Clause{Number: number, Kind: kind, RU: NewText(ru), KK: NewText(kk)}
}

func item(parent, ru, kk string) Clause {
	return Clause{Kind: KindItem, Parent: parent, RU: NewText(ru), KK: NewText(kk)}
}

func TestCheckSynthetic(t *testing.T) {
	doc := &Document{Clauses: []Clause{
		cl("", KindTitle, "Политика", "Саясат"),
		cl("1", KindHeading, "Раздел", "Бөлім"),
		cl("1.1", KindClause, "Пишите на info@legco.kz.", "Жазыңыз: help@legco.kz."),
		cl("1.3", KindClause, "Сайт https://legco.kz/a.", "Сайт https://legco.kz/b."),
		cl("1.3", KindClause, "Дубль.", "Дубль."),
		cl("1.4", KindClause, "В течение 3 рабочих дней через SMS.", "5 жұмыс күні ішінде."),
		cl("1.4.2", KindClause, "Действия:", "Әрекеттер:"),
		item("1.4.2", "запись;", "жазу;"),
		item("1.4.2", "хранение.", ""),
		cl("1.2", KindClause, "Назад.", "Кері."),
		cl("2.1.1", KindClause, "", "Тек қазақша."),
		cl("", KindParagraph, "", ""),
		cl("x.1", KindClause, "Плохой номер.", "Жаман нөмір."),
	}}
	got := Check(doc)
	want := []string{
		"1.1 email-mismatch",
		"1.3 numbering-gap",
		"1.3 url-mismatch",
		"1.3 numbering-duplicate",
		"1.4 number-mismatch",
		"1.4 latin-mismatch kk",
		"1.4.2 numbering-gap",
		"1.4.2 item-count-mismatch",
		"1.2 numbering-order",
		"2.1.1 numbering-gap",
		"2.1.1 missing-translation ru",
		"¶2 empty-text",
		"x.1 numbering-invalid",
	}
	var gs []string
	for _, p := range got {
		s := p.Clause + " " + p.Code
		if p.Lang != "" {
			s += " " + string(p.Lang)
		}
		gs = append(gs, s)
	}
	if strings.Join(gs, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s\n\n%v", strings.Join(gs, "\n"), strings.Join(want, "\n"), got)
	}
	for _, p := range got {
		if p.Message == "" || p.MessageRU == "" || p.Severity == "" {
			t.Errorf("incomplete problem %+v", p)
		}
	}
	if p := Check(&Document{}); len(p) != 1 || p[0].Code != CodeEmptyDocument {
		t.Errorf("empty document: %v", p)
	}
}

func TestCheckURLsNormalised(t *testing.T) {
	doc := &Document{Clauses: []Clause{
		cl("1", KindHeading, "См. <WWW.LegCo.kz>.", "Қараңыз: www.legco.kz"),
	}}
	doc.Clauses[0].RU = NewText("См. WWW.LegCo.kz.")
	if p := Check(doc); len(p) != 0 {
		t.Errorf("unexpected %v", p)
	}
}
