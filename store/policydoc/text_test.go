package policydoc

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func spanOf(s, sub string) Span {
	i := strings.Index(s, sub)
	if i < 0 {
		panic(sub)
	}
	st := utf8.RuneCountInString(s[:i])
	return Span{st, st + utf8.RuneCountInString(sub)}
}

func TestNewTextNormalises(t *testing.T) {
	tests := []struct {
		name  string
		plain string
		spans []Span
		want  Text
	}{
		{"collapse", "  a \t b\n\nc  ", nil, Text{Plain: "a b c"}},
		{"nfc", "и\u0306ә", nil, Text{Plain: "йә"}},
		{"invisible", "\uFEFFве\u00ADб\u200B-сервис", nil, Text{Plain: "веб-сервис"}},
		{"nbsp kept", "ст.\u00A08", nil, Text{Plain: "ст.\u00A08"}},
		{"span trimmed of space", "see  www.legco.kz  now", []Span{{3, 19}}, Text{Plain: "see www.legco.kz now", Underline: []Span{{4, 16}}}},
		{"span follows nfc", "и\u0306 ab", []Span{{3, 5}}, Text{Plain: "й ab", Underline: []Span{{2, 4}}}},
		{"spans merged", "abcdef", []Span{{3, 5}, {0, 2}, {1, 3}, {9, 12}}, Text{Plain: "abcdef", Underline: []Span{{0, 5}}}},
		{"empty", " \n ", nil, Text{Plain: ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := NewText(tc.plain, tc.spans...)
			if !got.Equal(tc.want) || got.Plain != tc.want.Plain {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestTextWithPlain(t *testing.T) {
	plain := "Действующая редакция находится по адресу http://legco.kz/docs/privacy.pdf и на сайте www.legco.kz."
	base := NewText(plain, spanOf(plain, "http://legco.kz/docs/privacy.pdf"), spanOf(plain, "www.legco.kz"))
	if got := base.Underlined(); !reflect.DeepEqual(got, []string{"http://legco.kz/docs/privacy.pdf", "www.legco.kz"}) {
		t.Fatalf("base underlined %q", got)
	}
	tests := []struct {
		name, plain string
		want        []string
	}{
		{"unchanged", base.Plain, []string{"http://legco.kz/docs/privacy.pdf", "www.legco.kz"}},
		{"text inserted before", "Новая действующая редакция всегда находится по адресу http://legco.kz/docs/privacy.pdf и на сайте www.legco.kz.",
			[]string{"http://legco.kz/docs/privacy.pdf", "www.legco.kz"}},
		{"one link removed", "Действующая редакция находится на сайте www.legco.kz.", []string{"www.legco.kz"}},
		{"both removed", "Действующая редакция опубликована.", nil},
		{"whitespace typed", "  Действующая   редакция: http://legco.kz/docs/privacy.pdf  ", []string{"http://legco.kz/docs/privacy.pdf"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := base.WithPlain(tc.plain)
			if u := got.Underlined(); !reflect.DeepEqual(u, tc.want) {
				t.Errorf("underlined %q, want %q", u, tc.want)
			}
			if got.Plain != NewText(tc.plain).Plain {
				t.Errorf("plain %q not normalised", got.Plain)
			}
		})
	}
	// the occurrence nearest the old place is chosen, order is kept
	tx := NewText("a X b X c", Span{6, 7}) // second X
	if got := tx.WithPlain("a X b X c X"); !reflect.DeepEqual(got.Underline, []Span{{6, 7}}) {
		t.Errorf("nearest occurrence: %+v", got.Underline)
	}
}

func TestTextSegmentsSliceMarkup(t *testing.T) {
	tx := NewText("нарушает Пользовательское соглашение или иные <документы> & правила", Span{9, 36})
	if tx.Underlined()[0] != "Пользовательское соглашение" {
		t.Fatalf("underlined %q", tx.Underlined())
	}
	segs := tx.Segments()
	want := []Segment{{"нарушает ", false}, {"Пользовательское соглашение", true}, {" или иные <документы> & правила", false}}
	if !reflect.DeepEqual(segs, want) {
		t.Errorf("segments %+v", segs)
	}
	m := tx.Markup()
	if m != "нарушает <u>Пользовательское соглашение</u> или иные &lt;документы&gt; &amp; правила" {
		t.Errorf("markup %q", m)
	}
	back, err := ParseMarkup(m)
	if err != nil || !back.Equal(tx) {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	if _, err := ParseMarkup("a <b>bold</b>"); err == nil {
		t.Error("ParseMarkup accepted <b>")
	}
	sl := tx.Slice(3, 20)
	if sl.Plain != "ушает Пользовател" || !reflect.DeepEqual(sl.Underline, []Span{{6, 17}}) {
		t.Errorf("slice %+v", sl)
	}
	if got := tx.Slice(-5, 1000); !got.Equal(tx) {
		t.Errorf("clamped slice %+v", got)
	}
}

func TestTermLength(t *testing.T) {
	for s, want := range map[string]int{
		"Аккаунт – уникальная учетная запись": 7,
		"Пайдаланушы келісімі – әкімшілік":    20,
		"Без определения":                     0,
		"– начинается с тире":                 0,
	} {
		if got := TermLength(NewText(s)); got != want {
			t.Errorf("TermLength(%q) = %d, want %d", s, got, want)
		}
	}
}
