package policydoc

import (
	"errors"
	"strings"
	"testing"
)

func mustParse(t *testing.T, src string) *Document {
	t.Helper()
	d, err := Parse(strings.NewReader(src), "test.txt")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func summary(d *Document) string {
	var b strings.Builder
	keys := d.Keys()
	for i, c := range d.Clauses {
		b.WriteString(keys[i] + " " + string(c.Kind) + " | " + c.RU.Markup() + " | " + c.KK.Markup() + "\n")
	}
	return b.String()
}

func TestParseStructures(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{
			name: "inline list on one side, ul on the other",
			src: "<p>Заголовок</p>\t<p>Тақырып</p>\n" +
				"<p>1. Раздел</p>\t<p>1. Бөлім</p>\n" +
				"<p>1.1. Действия:</p> <ul> – запись; – хранение; – удаление.</ul>\t<p>1.1. Әрекеттер: – жазу; – сақтау; – жою.</p>\n",
			want: "¶1 title | Заголовок | Тақырып\n1 heading | Раздел | Бөлім\n1.1 clause | Действия: | Әрекеттер:\n" +
				"1.1[1] item | запись; | жазу;\n1.1[2] item | хранение; | сақтау;\n1.1[3] item | удаление. | жою.\n",
		},
		{
			name: "li items and entities",
			src:  "<p>T</p>\t<p>T</p>\n<p>1.1. A &amp; B:</p><ul><li>– один;</li><li>два.</li></ul>\t<p>1.1. A &amp; B:</p><ul><li>бір;</li><li>екі.</li></ul>\n",
			want: "¶1 title | T | T\n1.1 clause | A &amp; B: | A &amp; B:\n1.1[1] item | один; | бір;\n1.1[2] item | два. | екі.\n",
		},
		{
			name: "page break mid-sentence, one-language row, bare continuation",
			src: "<p>Title</p>\t<p>Тақырып</p>\n\n" +
				"<p>1.1. Первая часть и</p>\t<p>1.1. Бірінші бөлім</p>\n\n" +
				"<p>продолжение.</p>\t<p>жалғасы.</p>\n" +
				"<p>1.2. Право Республики</p>\t<p>1.2. Реттеуде</p>\n" +
				"\tҚазақстан Республикасының заңдары.\n" +
				"Казахстан.\tСоңы.\n" +
				"Директор.\tДиректор.\n",
			want: "¶1 title | Title | Тақырып\n1.1 clause | Первая часть и продолжение. | Бірінші бөлім жалғасы.\n" +
				"1.2 clause | Право Республики Казахстан. | Реттеуде Қазақстан Республикасының заңдары.\n" +
				"¶2 paragraph |  | Соңы.\n¶3 paragraph | Директор. | Директор.\n",
		},
		{
			name: "centred headings and underline across a page break",
			src: "<p>Title</p>\t<p>T</p>\n" +
				"<p style=\"text-align: center;\">Преамбула</p><p>Текст <u>ссылка</u></p>\t<p align=\"center\">Преамбула</p><p>Мәтін <u>сілтеме</u> бар</p>\n" +
				"<p>и <u>ещё</u> одна.</p>\t\n",
			want: "¶1 title | Title | T\n¶2 heading | Преамбула | Преамбула\n¶3 paragraph | Текст <u>ссылка</u> и <u>ещё</u> одна. | Мәтін <u>сілтеме</u> бар\n",
		},
		{
			name: "hyphenated word at a page break",
			src:  "<p>T</p>\t<p>T</p>\n<p>1.1. Новая редак-</p>\t<p>1.1. Жаңа редакция-</p>\n<p>ция вступает.</p>\t<p>сы күшіне енеді.</p>\n",
			want: "¶1 title | T | T\n1.1 clause | Новая редак-ция вступает. | Жаңа редакция-сы күшіне енеді.\n",
		},
		{
			name: "numbers align across languages, extra clause in one",
			src:  "<p>T</p>\t<p>T</p>\n<p>1.1. a</p><p>1.2. b</p><p>1.3. c</p>\t<p>1.1. а</p><p>1.3. в</p><p>1.4. г</p>\n",
			want: "¶1 title | T | T\n1.1 clause | a | а\n1.2 clause | b | \n1.3 clause | c | в\n1.4 clause |  | г\n",
		},
		{
			name: "CRLF, BOM and trailing empty field",
			src:  "\uFEFF<p>T</p>\t<p>T</p>\t\r\n\r\n<p>1.1. a</p>\t<p>1.1. б</p>\r\n",
			want: "¶1 title | T | T\n1.1 clause | a | б\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := summary(mustParse(t, tc.src)); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		field     Lang
		msg       string
	}{
		{"unsupported tag", "<p>T</p>\t<p>T</p>\n<p>1.1. a</p>\t<p>1.1. <table>б</p>\n", 2, KK, "unsupported tag <table>"},
		{"unterminated tag", "<p>T</p>\t<p>T</p>\n<p>1.1. a</p\t<p>1.1. б</p>\n", 2, RU, "unterminated tag"},
		{"no tab", "<p>T</p>\t<p>T</p>\n\n<p>only one side</p>\n", 3, "", "no tab"},
		{"three fields", "<p>T</p>\t<p>T</p>\tx\n", 1, "", "3 tab-separated fields"},
		{"invalid utf-8", "<p>T</p>\t<p>T\xff</p>\n", 1, "", "invalid UTF-8"},
		{"empty", "\n\n\t\n", 0, "", "no policy text"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.src), "bad.txt")
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *ParseError", err)
			}
			if pe.Name != "bad.txt" || pe.Line != tc.line || pe.Field != tc.field || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("got %q (line %d, field %q)", err, pe.Line, pe.Field)
			}
			if !strings.HasPrefix(err.Error(), "bad.txt") {
				t.Errorf("error does not name the file: %q", err)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(string(seedBytes(f)))
	f.Add("<p>T</p>\t<p>T</p>\n<p>1.1. Действия:</p> <ul> – запись; – хранение.</ul>\t<p>1.1. Әрекеттер: – жазу; – сақтау.</p>\n")
	f.Add("<p>1.</p>\t<li>\n<u></p>\t</ul><ul>–\n\t<p align=center>")
	f.Add("<p>1.1.1.1 x</p>\t<p>999.999.999 y</p>\n<p>3.0. z</p>\t<br>")
	f.Fuzz(func(t *testing.T, src string) {
		d, err := Parse(strings.NewReader(src), "fuzz")
		if err != nil {
			return
		}
		_ = Check(d)
		_ = Canonical(d)
		if ch := Diff(d, d.Clone()); len(ch) != 0 {
			t.Fatalf("self diff: %+v", ch)
		}
		for _, c := range d.Clauses {
			for _, tx := range []Text{c.RU, c.KK} {
				if tx.Plain != strings.TrimSpace(tx.Plain) || strings.Contains(tx.Plain, "  ") {
					t.Fatalf("not collapsed: %q", tx.Plain)
				}
				for _, s := range tx.Underline {
					if s.Start < 0 || s.End > tx.Len() || s.Start >= s.End {
						t.Fatalf("bad span %+v in %q", s, tx.Plain)
					}
				}
			}
		}
	})
}
