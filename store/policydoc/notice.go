package policydoc

import (
	"fmt"
	"strings"
)

// NoticeItem is one changed clause in a notice of changes: its key and
// the old and new wording in each language ("" where it does not exist).
type NoticeItem struct {
	Clause string     `json:"clause"`
	Kind   ChangeKind `json:"kind"`
	OldRU  string     `json:"old_ru"`
	NewRU  string     `json:"new_ru"`
	OldKK  string     `json:"old_kk"`
	NewKK  string     `json:"new_kk"`
}

// Notice is the notice of changes users get when a new edition replaces
// the one in force, in Russian and Kazakh. Items come from the clause
// diff; the title, introduction and closing are the legal team's to edit
// before publishing.
type Notice struct {
	From           int          `json:"from"`
	To             int          `json:"to"`
	NeedsReconsent bool         `json:"needs_reconsent"`
	TitleRU        string       `json:"title_ru"`
	TitleKK        string       `json:"title_kk"`
	IntroRU        string       `json:"intro_ru"`
	IntroKK        string       `json:"intro_kk"`
	ClosingRU      string       `json:"closing_ru"`
	ClosingKK      string       `json:"closing_kk"`
	Items          []NoticeItem `json:"items"`
}

// NoticeItems lists the changed clauses between two editions, in the new
// edition's order.
func NoticeItems(from, to *Document) []NoticeItem {
	var out []NoticeItem
	for _, ch := range Diff(from, to) {
		it := NoticeItem{Clause: ch.NewKey, Kind: ch.Kind}
		if it.Clause == "" {
			it.Clause = ch.OldKey
		}
		if ch.Old != nil {
			it.OldRU, it.OldKK = ch.Old.RU.Plain, ch.Old.KK.Plain
		}
		if ch.New != nil {
			it.NewRU, it.NewKK = ch.New.RU.Plain, ch.New.KK.Plain
		}
		if ch.Old != nil && ch.New != nil && it.OldRU == it.NewRU && it.OldKK == it.NewKK {
			continue // only the underline or the place changed: nothing to tell users
		}
		out = append(out, it)
	}
	return out
}

// DefaultNoticeTexts fills the title, introduction and closing with the
// standard wording.
func (n *Notice) DefaultNoticeTexts() {
	n.TitleRU = "Уведомление об изменении Политики конфиденциальности"
	n.TitleKK = "Құпиялылық саясатына енгізілген өзгерістер туралы хабарлама"
	n.IntroRU = fmt.Sprintf("Администрация вносит изменения в Политику конфиденциальности: редакция № %d заменяет редакцию № %d. Ниже приведены изменённые пункты в прежней и новой редакции.", n.To, n.From)
	n.IntroKK = fmt.Sprintf("Әкімшілік құпиялылық саясатына өзгерістер енгізеді: № %d редакция № %d редакцияның орнына қолданылады. Төменде өзгертілген тармақтардың бұрынғы және жаңа редакциясы берілген.", n.To, n.From)
	if n.NeedsReconsent {
		n.ClosingRU = "Изменения касаются обработки ваших персональных данных: для дальнейшего использования Веб-сервиса необходимо ваше согласие с новой редакцией."
		n.ClosingKK = "Өзгерістер дербес деректеріңізді өңдеуге қатысты: веб-қызметті әрі қарай пайдалану үшін жаңа редакциямен келісіміңіз қажет."
	} else {
		n.ClosingRU = "Новая редакция вступает в силу с момента её опубликования на сайте www.legco.kz, если иное не предусмотрено новой редакцией."
		n.ClosingKK = "Жаңа редакция, егер онда өзгеше көзделмесе, www.legco.kz сайтында жарияланған сәттен бастап күшіне енеді."
	}
}

// NewNotice builds the notice of the changes from edition fromN to toN
// with the standard wording.
func NewNotice(from, to *Document, fromN, toN int, needsReconsent bool) *Notice {
	n := &Notice{From: fromN, To: toN, NeedsReconsent: needsReconsent, Items: NoticeItems(from, to)}
	n.DefaultNoticeTexts()
	return n
}

// Labels of a notice in each language.
type noticeWords struct{ clause, added, removed, was, now, none, noChanges, same, text string }

var noticeLabels = map[Lang]noticeWords{
	RU: {"Пункт", "новый пункт", "пункт исключён", "Было", "Стало", "(нет)", "Изменений в тексте нет.",
		"Текст на русском языке не изменился (изменён текст на казахском языке)", "Текст"},
	KK: {"Тармақ", "жаңа тармақ", "тармақ алынып тасталды", "Бұрын", "Енді", "(жоқ)", "Мәтінде өзгеріс жоқ.",
		"Қазақ тіліндегі мәтін өзгерген жоқ (орыс тіліндегі мәтін өзгертілді)", "Мәтін"},
}

// Unchanged reports whether the item's wording in l is the same in both
// editions (the other language changed).
func (it NoticeItem) Unchanged(l Lang) bool {
	old, nw := it.Wording(l)
	return old == nw
}

// UnchangedLabels returns, for l, the note printed for a clause whose
// text in l did not change, and the label of its (unchanged) text.
func UnchangedLabels(l Lang) (note, text string) {
	w := noticeLabels[l]
	return w.same, w.text
}

// NoticeLabels returns the words a rendering of the notice uses in l:
// clause, added, removed, old wording, new wording, nothing, no changes.
func NoticeLabels(l Lang) (clause, added, removed, was, now, none, noChanges string) {
	w := noticeLabels[l]
	return w.clause, w.added, w.removed, w.was, w.now, w.none, w.noChanges
}

// Texts returns the title, introduction and closing in l.
func (n *Notice) Texts(l Lang) (title, intro, closing string) {
	if l == KK {
		return n.TitleKK, n.IntroKK, n.ClosingKK
	}
	return n.TitleRU, n.IntroRU, n.ClosingRU
}

// Wording returns an item's old and new text in l.
func (it NoticeItem) Wording(l Lang) (old, new string) {
	if l == KK {
		return it.OldKK, it.NewKK
	}
	return it.OldRU, it.NewRU
}

// ItemHeading is an item's heading in l: «Пункт 2.2.5», «2.2.5-тармақ»,
// «Пункт 1.4 (позиция 9 перечня)», with «(новый пункт)» or «(пункт
// исключён)» for added and removed clauses.
func (it NoticeItem) ItemHeading(l Lang) string {
	w := noticeLabels[l]
	key := it.Clause
	var h string
	parent, pos, isItem := strings.Cut(strings.TrimSuffix(key, "]"), "[")
	switch {
	case strings.HasPrefix(key, "¶") && l == KK:
		h = "Нөмірсіз мәтін (" + key + ")"
	case strings.HasPrefix(key, "¶"):
		h = "Текст без номера (" + key + ")"
	case isItem && l == KK:
		h = parent + "-тармақ (тізбенің " + pos + "-позициясы)"
	case isItem:
		h = "Пункт " + parent + " (позиция " + pos + " перечня)"
	case l == KK:
		h = key + "-тармақ"
	default:
		h = "Пункт " + key
	}
	switch it.Kind {
	case Added:
		h += " — " + w.added
	case Removed:
		h += " — " + w.removed
	}
	return h
}

// PlainText renders the notice as plain text for the website and e-mail,
// in the given languages (one, or both: Russian first).
func (n *Notice) PlainText(langs ...Lang) string {
	var b strings.Builder
	for li, l := range langs {
		if li > 0 {
			b.WriteString("\n\n" + strings.Repeat("—", 20) + "\n\n")
		}
		w := noticeLabels[l]
		title, intro, closing := n.Texts(l)
		b.WriteString(title + "\n\n")
		if intro != "" {
			b.WriteString(intro + "\n\n")
		}
		if len(n.Items) == 0 {
			b.WriteString(w.noChanges + "\n\n")
		}
		for _, it := range n.Items {
			old, nw := it.Wording(l)
			b.WriteString(it.ItemHeading(l) + "\n")
			if it.Unchanged(l) {
				b.WriteString("  " + w.same + ".\n  " + w.text + ": " + old + "\n\n")
				continue
			}
			if old == "" {
				old = w.none
			}
			if nw == "" {
				nw = w.none
			}
			b.WriteString("  " + w.was + ": " + old + "\n")
			b.WriteString("  " + w.now + ": " + nw + "\n\n")
		}
		if closing != "" {
			b.WriteString(closing + "\n")
		}
	}
	return b.String()
}
