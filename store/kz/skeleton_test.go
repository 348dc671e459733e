package kz

import "testing"

func TestSkeleton(t *testing.T) {
	groups := [][]string{
		{"жолдасбеков", "zholdasbekov", "joldasbekov", "жолдасбеков"},
		{"әуезов", "ауезов", "auezov", "äuezov"},
		{"нұрлан", "нурлан", "nurlan", "nūrlan"},
		{"айгерим", "aigerim", "aygerim", "әйгерім"},
		{"қасымов", "касымов", "kasymov", "qasymov"},
		{"ғалым", "галым", "galym", "ğalym"},
		{"өмірзақ", "омирзак", "omirzak", "ömırzaq"},
		{"мұхтар", "мухтар", "mukhtar", "muhtar"},
		{"шыңғыс", "шынгыс", "shyngys", "şyñğys"},
		{"асхат", "askhat"},
		{"мария", "mariya", "maria", "mariia"},
		{"ерлан", "yerlan", "erlan"},
		{"цой", "tsoi", "tsoy"},
		{"анна", "ана", "anna"},
		{"ұлы", "улы", "uly"},
		{"һасен", "хасен", "hasen", "khasen"},
		{"іңкәр", "инкар", "inkar"},
		{"чингиз", "chingiz", "çıñğız"},
	}
	for _, g := range groups {
		want := Skeleton(g[0])
		for _, s := range g[1:] {
			if got := Skeleton(s); got != want {
				t.Errorf("Skeleton(%q) = %q, Skeleton(%q) = %q: want equal", s, got, g[0], want)
			}
		}
	}
	// Different names stay apart.
	for _, p := range [][2]string{{"серик", "сергей"}, {"иван", "жан"}, {"болат", "булат"}} {
		if Skeleton(p[0]) == Skeleton(p[1]) {
			t.Errorf("%q and %q meet", p[0], p[1])
		}
	}
}
