package kz

import (
	"strings"
	"unicode/utf8"
)

// Skeleton reduces one folded word (see Fold) to the form under which
// spellings of the same name meet: Kazakh letters as the nearest Russian
// ones (ә→а, ғ→г, қ→к, ң→н, ө→о, ұ ү→у, һ→х, і→и), and Latin as written
// in Kazakhstan passports (ZH, KH, SH, CH, TS, IA/YA, IU/YU) or in the
// 2021 Latin alphabet (Ä Ğ Q Ñ Ö Ū Ü Ş Ç I/İ/ı J Y) turned into Cyrillic.
// What the writings cannot tell apart is merged: и й ы і (Latin I/Y), е
// э, ш щ, ц and «тс», ь ъ dropped, and a doubled letter counts once
// (Анна / Ana). So Skeleton("жолдасбеков") == Skeleton("zholdasbekov") ==
// Skeleton("joldasbekov") == "жолдасбеков", Skeleton("әуезов") ==
// Skeleton("ауезов") == Skeleton("auezov").
//
// A prefix of a Cyrillic word has a skeleton that is a prefix of the
// word's; for Latin that holds except inside a digraph («Z» of «Zh»).
func Skeleton(word string) string {
	var b strings.Builder
	b.Grow(len(word))
	var last rune
	put := func(rs string) {
		for _, r := range rs {
			if r != last {
				b.WriteRune(r)
			}
			last = r
		}
	}
	for i := 0; i < len(word); {
		r, size := utf8.DecodeRuneInString(word[i:])
		if r < 0x80 || isLatinMark(r) {
			if rep, n := latinDigraph(word[i:]); n > 0 {
				put(rep)
				i += n
				continue
			}
		}
		i += size
		if rep, ok := skeletonRunes[r]; ok {
			put(rep)
			continue
		}
		put(string(r))
	}
	return b.String()
}

func isLatinMark(r rune) bool { return r >= 0xC0 && r < 0x250 }

// latinDigraph reads a two- or four-letter Latin group at the start of s.
func latinDigraph(s string) (string, int) {
	if strings.HasPrefix(s, "shch") {
		return "ш", 4
	}
	if len(s) < 2 {
		return "", 0
	}
	switch s[:2] {
	case "zh":
		return "ж", 2
	case "kh":
		return "х", 2
	case "sh":
		return "ш", 2
	case "ch":
		return "ч", 2
	case "ts":
		return "тс", 2
	case "ya", "ia":
		return "иа", 2
	case "yu", "iu":
		return "иу", 2
	case "ye":
		return "е", 2
	case "yo":
		return "е", 2
	}
	return "", 0
}

// skeletonRunes maps single letters; a letter not listed stands for
// itself (so digits and other scripts pass through).
var skeletonRunes = map[rune]string{
	// Kazakh letters to the Russian ones a Russian keyboard has.
	'ә': "а", 'ғ': "г", 'қ': "к", 'ң': "н", 'ө': "о", 'ұ': "у", 'ү': "у", 'һ': "х", 'і': "и",
	// Letters Latin writings do not tell apart.
	'й': "и", 'ы': "и", 'э': "е", 'ё': "е", 'щ': "ш", 'ц': "тс", 'ь': "", 'ъ': "",
	'ю': "иу", 'я': "иа",
	// Latin (passport and 2021) to Cyrillic.
	'a': "а", 'b': "б", 'c': "тс", 'd': "д", 'e': "е", 'f': "ф", 'g': "г", 'h': "х",
	'i': "и", 'j': "ж", 'k': "к", 'l': "л", 'm': "м", 'n': "н", 'o': "о", 'p': "п",
	'q': "к", 'r': "р", 's': "с", 't': "т", 'u': "у", 'v': "в", 'w': "у", 'x': "кс",
	'y': "и", 'z': "з",
	'ä': "а", 'ğ': "г", 'ñ': "н", 'ö': "о", 'ū': "у", 'ü': "у", 'ú': "у", 'ý': "у",
	'ş': "ш", 'ç': "ч", 'ı': "и", 'í': "и", 'é': "е", 'á': "а", 'ó': "о",
}

// HasLatin reports whether s has a Latin letter.
func HasLatin(s string) bool {
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || isLatinMark(r) {
			return true
		}
	}
	return false
}
