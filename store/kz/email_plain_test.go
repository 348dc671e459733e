package kz

import (
	"math/rand"
	"net/mail"
	"strings"
	"testing"
)

// plainAddress accepts only addresses mail.ParseAddress takes whole
// (what ValidateEmail asked it before): random addresses over an
// alphabet with the parser's corner cases (dots, specials, quotes,
// spaces, non-ASCII).
func TestPlainAddress(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	const local = "aZ09._+-.!#\"(),;<>[] éж"
	const domain = "az09-.Жé"
	word := func(alphabet string, n int) string {
		rs := []rune(alphabet)
		var b strings.Builder
		for range 1 + r.Intn(n) {
			b.WriteRune(rs[r.Intn(len(rs))])
		}
		return b.String()
	}
	plain := 0
	for range 200_000 {
		l, d := word(local, 8), word(domain, 6)+"."+word("az", 3)
		if checkDomain(d) != nil || !plainAddress(l, d) {
			continue
		}
		plain++
		a, err := mail.ParseAddress(l + "@" + d)
		if err != nil || a.Name != "" || a.Address != l+"@"+d {
			t.Fatalf("%q: taken as plain, but the parser says %v %+v", l+"@"+d, err, a)
		}
	}
	if plain < 1000 {
		t.Fatalf("only %d plain addresses tried", plain)
	}
	for _, s := range []string{"user1@mail.kz", "a.b-c+d_e@x-y.example.kz"} {
		at := strings.IndexByte(s, '@')
		if !plainAddress(s[:at], s[at+1:]) || ValidateEmail(s) != nil {
			t.Errorf("%q is not plain", s)
		}
	}
	for _, s := range []string{".a@x.kz", "a.@x.kz", "a..b@x.kz", "a b@x.kz", "\"a\"@x.kz", "a@жж.kz"} {
		at := strings.IndexByte(s, '@')
		if plainAddress(s[:at], s[at+1:]) {
			t.Errorf("%q is taken as plain", s)
		}
	}
}
