package policydoc

import "testing"

func TestStemGroupsInflectedForms(t *testing.T) {
	tests := []struct {
		lang  Lang
		forms []string
	}{
		{RU, []string{"персональные", "персональных", "персональными", "персональным"}},
		{RU, []string{"данные", "данных", "данными"}},
		{RU, []string{"Пользователь", "Пользователя", "Пользователем", "Пользователей", "Пользователям"}},
		{RU, []string{"соглашение", "соглашения", "соглашений", "соглашениям"}},
		{RU, []string{"обезличенные", "обезличенных"}},
		{KK, []string{"деректер", "деректерін", "деректерді", "деректердің"}},
		{KK, []string{"келісім", "келісімде", "келісімін", "келісімінсіз", "келісімі"}},
		{KK, []string{"саясат", "саясатта", "саясаттың", "саясатқа", "саясатын", "саясаты"}},
		{KK, []string{"пайдаланушы", "пайдаланушының", "пайдаланушылардың", "пайдаланушыға"}},
		{KK, []string{"оқшаулау", "оқшаулаудан"}},
		{KK, []string{"өңдеу", "өңдеудің", "өңдейтін"}},
		{KK, []string{"жою", "жоюдан"}},
	}
	for _, tt := range tests {
		for _, f := range tt.forms[1:] {
			if !SameWord(tt.lang, tt.forms[0], f) {
				t.Errorf("%s: %q is not taken for a form of %q (stems %q, %q)", tt.lang, f, tt.forms[0], Stem(tt.lang, f), Stem(tt.lang, tt.forms[0]))
			}
		}
	}
	// Different words stay apart.
	apart := []struct {
		lang Lang
		a, b string
	}{
		{KK, "пайдаланушы", "пайдалану"},
		{RU, "пользователь", "пользовательское"},
		{KK, "дербес", "дерек"},
	}
	for _, tt := range apart {
		if SameWord(tt.lang, tt.a, tt.b) {
			t.Errorf("%s: %q and %q taken for one word", tt.lang, tt.a, tt.b)
		}
	}
}

func TestTokenizeKeepsHyphenatedWords(t *testing.T) {
	toks := words("Тәуліктің кез-келген уақытында SMS-хабарламалар, «K&T Partners».")
	var words []string
	for _, tk := range toks {
		words = append(words, tk.word)
	}
	want := []string{"Тәуліктің", "кез-келген", "уақытында", "SMS-хабарламалар", "K", "T", "Partners"}
	if len(words) != len(want) {
		t.Fatalf("tokens %q, want %q", words, want)
	}
	for i := range want {
		if words[i] != want[i] {
			t.Fatalf("tokens %q, want %q", words, want)
		}
	}
}
