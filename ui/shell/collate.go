package shell

import (
	"slices"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"legco.kz/compliance/ui/i18n"
)

// Names and titles are sorted in the alphabet of the UI language, not by
// character code (which puts «Іліяс» before «Азамат» and «Мұратұлы»
// before «Қайратұлы»): Kazakh order (А Ә Б … Қ … Ұ Ү … І) in the Kazakh
// UI, Russian order otherwise (the names are Cyrillic in English too).
// Case is ignored; equal names keep their order.

// Collator returns a collator for the UI language. A collator is not
// safe for concurrent use: make one per sort.
func Collator() *collate.Collator {
	tag := language.Russian
	if i18n.Current() == i18n.Kazakh {
		tag = language.Kazakh
	}
	return collate.New(tag, collate.IgnoreCase)
}

// SortStrings sorts names alphabetically in the UI language.
func SortStrings(names []string) {
	c := Collator()
	slices.SortStableFunc(names, c.CompareString)
}

// SortBy sorts items by the name key gives, alphabetically in the UI
// language.
func SortBy[T any](items []T, key func(T) string) {
	c := Collator()
	var buf collate.Buffer
	keys := make(map[string][]byte, len(items))
	k := func(s string) []byte {
		if b, ok := keys[s]; ok {
			return b
		}
		b := append([]byte(nil), c.KeyFromString(&buf, s)...)
		buf.Reset()
		keys[s] = b
		return b
	}
	slices.SortStableFunc(items, func(a, b T) int { return compareBytes(k(key(a)), k(key(b))) })
}

func compareBytes(a, b []byte) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}
