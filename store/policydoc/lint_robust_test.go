package policydoc

import (
	"math/rand"
	"strings"
	"testing"
)

// TestLintRobust mutates the seed's texts at random (cut, doubled and
// hyphenated words, Latin look-alikes, odd letters) and checks that every
// finding's span lies in its text and holds what it says, and that every
// fix applies.
func TestLintRobust(t *testing.T) {
	seed := seedDoc(t)
	lx := shippedLexicon(t)
	rng := rand.New(rand.NewSource(13))
	pieces := []string{"-", " ", "o", "a", "İ", "ё", "қ", "к", "«", "»", "--", "‑", "-калық", "Пайдаланушы ", "келісім", "осы ", "ß", "ǅ"}
	for round := 0; round < 40; round++ {
		doc := seed.Clone()
		for i := range doc.Clauses {
			for _, l := range Langs {
				rs := []rune(doc.Clauses[i].Text(l).Plain)
				if len(rs) == 0 || rng.Intn(3) > 0 {
					continue
				}
				at := rng.Intn(len(rs) + 1)
				s := string(rs[:at]) + pieces[rng.Intn(len(pieces))] + string(rs[at:])
				doc.Clauses[i].SetText(l, doc.Clauses[i].Text(l).WithPlain(s))
			}
		}
		for _, p := range Lint(doc, lx) {
			if p.Span == nil {
				continue
			}
			rs := []rune(doc.Clauses[p.Index].Text(p.Lang).Plain)
			if p.Span.Start < 0 || p.Span.End > len(rs) || p.Span.Start >= p.Span.End {
				t.Fatalf("round %d: %s: span %v outside a text of %d runes", round, p, *p.Span, len(rs))
			}
			if got := string(rs[p.Span.Start:p.Span.End]); got != p.Found {
				t.Fatalf("round %d: %s: span holds %q, found %q", round, p, got, p.Found)
			}
			if p.Fix != nil {
				cp := doc.Clone()
				if err := ApplyFix(cp, p); err != nil {
					t.Fatalf("round %d: %s: %v", round, p, err)
				}
				if strings.Contains(cp.Clauses[p.Index].Text(p.Lang).Plain, "\uFFFD") {
					t.Fatalf("round %d: fix produced a replacement character", round)
				}
			}
		}
	}
}
