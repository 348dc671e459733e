package policydoc

import (
	"strings"
	"unicode"
)

// Kazakh case endings by case, in the variant after a vowel (back, front).
// kkReinflect moves a case ending from one noun to another, with vowel
// harmony and consonant assimilation: «келісімде» → «саясатта».
var kkCases = []struct {
	name string
	all  []string
}{
	{"loc", []string{"да", "де", "та", "те"}},
	{"dat", []string{"ға", "ге", "қа", "ке"}},
	{"abl", []string{"дан", "ден", "тан", "тен", "нан", "нен"}},
	{"acc", []string{"ны", "ні", "ды", "ді", "ты", "ті"}},
	{"gen", []string{"ның", "нің", "дың", "дің", "тың", "тің"}},
	{"ins", []string{"мен", "бен", "пен"}},
}

func kkBack(stem string) bool {
	rs := []rune(lower(stem))
	for i := len(rs) - 1; i >= 0; i-- {
		switch rs[i] {
		case 'а', 'о', 'ұ', 'ы', 'я':
			return true
		case 'ә', 'е', 'ө', 'ү', 'і', 'э', 'и':
			return false
		}
	}
	return true
}

// kkEnding returns the ending of case c for stem.
func kkEnding(stem, c string) string {
	rs := []rune(lower(stem))
	last := rs[len(rs)-1]
	back := kkBack(stem)
	pick := func(b, f string) string {
		if back {
			return b
		}
		return f
	}
	vowel := strings.ContainsRune("аәеиоөуұүыіэюя", last)
	voiceless := strings.ContainsRune("пткқсшщфхцчһ", last)
	nasal := strings.ContainsRune("мнң", last)
	switch c {
	case "loc":
		if voiceless {
			return pick("та", "те")
		}
		return pick("да", "де")
	case "dat":
		if voiceless {
			return pick("қа", "ке")
		}
		return pick("ға", "ге")
	case "abl":
		switch {
		case voiceless:
			return pick("тан", "тен")
		case nasal:
			return pick("нан", "нен")
		}
		return pick("дан", "ден")
	case "acc":
		switch {
		case vowel:
			return pick("ны", "ні")
		case voiceless:
			return pick("ты", "ті")
		}
		return pick("ды", "ді")
	case "gen":
		switch {
		case vowel, nasal, last == 'з', last == 'ж':
			return pick("ның", "нің")
		case voiceless:
			return pick("тың", "тің")
		}
		return pick("дың", "дің")
	case "ins":
		switch {
		case voiceless:
			return "пен"
		case nasal, last == 'з', last == 'ж':
			return "бен"
		}
		return "мен"
	}
	return ""
}

// kkReinflect rewrites word, a form of base, as the same case of target.
// It handles the bare noun and the six case endings; anything else
// (possessive, plural) is left to the editor (ok false).
func kkReinflect(word, base, target string) (string, bool) {
	lw, lb := lower(word), lower(base)
	if !strings.HasPrefix(lw, lb) {
		return "", false
	}
	rest := lw[len(lb):]
	out := target
	if rest != "" {
		c := ""
		for _, kc := range kkCases {
			for _, e := range kc.all {
				if rest == e {
					c = kc.name
				}
			}
		}
		if c == "" {
			return "", false
		}
		out = target + kkEnding(target, c)
	}
	if r := []rune(word); unicode.IsUpper(r[0]) {
		o := []rune(out)
		o[0] = unicode.ToUpper(o[0])
		out = string(o)
	}
	return out, true
}
