package policydoc

import (
	"math/rand"
	"strings"
	"testing"
)

// TestParseMutations parses random mutations of the seed (deterministic,
// complements FuzzParse) and checks the invariants of the model.
func TestParseMutations(t *testing.T) {
	seeds := []string{string(seedBytes(t)), "<p>T</p>\t<p>T</p>\n<p>1.1. Действия:</p> <ul> – запись; – хранение.</ul>\t<p>1.1. Әрекеттер: – жазу; – сақтау.</p>\n", "<p>1.</p>\t<li>\n<u></p>\t</ul><ul>–\n\t<p align=center>"}
	rng := rand.New(rand.NewSource(3))
	for n := 0; n < 2000; n++ {
		s := []byte(seeds[rng.Intn(len(seeds))])
		for k := rng.Intn(8); k >= 0; k-- {
			if len(s) == 0 {
				break
			}
			p := rng.Intn(len(s))
			switch rng.Intn(3) {
			case 0:
				s[p] = byte(rng.Intn(256))
			case 1:
				s = append(s[:p], s[min(len(s), p+rng.Intn(50)):]...)
			case 2:
				q := rng.Intn(len(s))
				s = append(s[:p], append([]byte(string(s[q:min(len(s), q+20)])), s[p:]...)...)
			}
		}
		d, err := Parse(strings.NewReader(string(s)), "x")
		if err != nil {
			continue
		}
		fail := func(msg string, args ...any) {
			t.Logf("input: %q", s)
			t.Fatalf(msg, args...)
		}
		if ch := Diff(d, d.Clone()); len(ch) != 0 {
			fail("self diff: %+v", ch[0])
		}
		for _, c := range d.Clauses {
			for _, tx := range []Text{c.RU, c.KK} {
				if tx.Plain != strings.TrimSpace(tx.Plain) || strings.Contains(tx.Plain, "  ") {
					fail("not collapsed: %q", tx.Plain)
				}
				for _, sp := range tx.Underline {
					if sp.Start < 0 || sp.End > tx.Len() || sp.Start >= sp.End {
						fail("bad span %+v in %q", sp, tx.Plain)
					}
				}
			}
		}
	}
}
