package shell_test

import (
	"slices"
	"testing"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/shell"
)

func TestNamesSortInTheAlphabet(t *testing.T) {
	defer i18n.Load(i18n.Russian)
	names := []string{"Мұратұлы", "Іліяс", "Қайратұлы", "Азамат", "Әлия", "Ұлан", "Үміт", "Ырыс", "Бекзат"}
	// Character codes get both pairs wrong: the check below must fail on them.
	bytes := slices.Clone(names)
	slices.Sort(bytes)
	if slices.Index(bytes, "Азамат") < slices.Index(bytes, "Іліяс") {
		t.Fatal("byte order already puts Азамат first: the test proves nothing")
	}
	cases := map[string][]string{
		// The Kazakh alphabet: А Ә Б … Қ … М … Ұ Ү … Ы І.
		i18n.Kazakh: {"Азамат", "Әлия", "Бекзат", "Қайратұлы", "Мұратұлы", "Ұлан", "Үміт", "Ырыс", "Іліяс"},
	}
	for l, want := range cases {
		i18n.Load(l)
		got := slices.Clone(names)
		shell.SortStrings(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s order:\n got %v\nwant %v", l, got, want)
		}
	}
	for _, l := range []string{i18n.Russian, i18n.Kazakh, i18n.English} {
		i18n.Load(l)
		staff := []store.Staff{{Name: "Мұратұлы"}, {Name: "Іліяс"}, {Name: "Қайратұлы"}, {Name: "азамат"}}
		shell.SortBy(staff, func(s store.Staff) string { return s.Name })
		pos := func(n string) int {
			return slices.IndexFunc(staff, func(s store.Staff) bool { return s.Name == n })
		}
		if pos("азамат") > pos("Іліяс") || pos("Қайратұлы") > pos("Мұратұлы") {
			t.Errorf("%s: %v", l, staff)
		}
	}
}
