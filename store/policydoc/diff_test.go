package policydoc

import (
	"encoding/hex"
	"math/rand"
	"strings"
	"testing"
)

func applyOps(ops []WordOp) (a, b string) {
	var wa, wb []string
	for _, op := range ops {
		if op.Op != OpInsert {
			wa = append(wa, op.Text)
		}
		if op.Op != OpDelete {
			wb = append(wb, op.Text)
		}
	}
	return strings.Join(wa, " "), strings.Join(wb, " ")
}

func TestDiffWords(t *testing.T) {
	tests := []struct {
		a, b, want string
	}{
		{"a b c", "a b c", "a b c"},
		{"", "a b", "{+a b+}"},
		{"a b", "", "[-a b-]"},
		{"и иной информации", "и другой информации", "и [-иной-]{+другой+} информации"},
		{"a b c d e", "a c d x e", "a [-b-] c d {+x+} e"},
		{"x y z", "p q", "[-x y z-]{+p q+}"},
	}
	for _, tc := range tests {
		ops := DiffWords(tc.a, tc.b)
		if got := formatOps(ops, 100); got != strings.ReplaceAll(tc.want, "-]{+", "-] {+") {
			t.Errorf("DiffWords(%q, %q) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}

// Random texts over a small vocabulary: the diff reconstructs both sides
// and is minimal (its equal words are an LCS, checked by DP).
func TestDiffWordsMinimal(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	vocab := []string{"a", "b", "c", "d"}
	gen := func() []string {
		w := make([]string, rng.Intn(30))
		for i := range w {
			w[i] = vocab[rng.Intn(len(vocab))]
		}
		return w
	}
	for range 500 {
		a, b := gen(), gen()
		ops := diffTokens(a, b)
		ga, gb := applyOps(ops)
		if ga != strings.Join(a, " ") || gb != strings.Join(b, " ") {
			t.Fatalf("reconstruction failed for %v / %v: %+v", a, b, ops)
		}
		eq := 0
		for _, op := range ops {
			if op.Op == OpEqual {
				eq += len(strings.Fields(op.Text))
			}
		}
		if want := len(lcsPairs(len(a), len(b), func(i, j int) bool { return a[i] == b[j] })); eq != want {
			t.Fatalf("not minimal: %d equal words, LCS %d (%v / %v)", eq, want, a, b)
		}
	}
}

func TestDiffSeedModified(t *testing.T) {
	old := seedDoc(t)
	nw := old.Clone()
	// 1. a word changed in 1.3 (ru)
	i13 := nw.Find("1.3")
	nw.Clauses[i13].RU = nw.Clauses[i13].RU.WithPlain(strings.Replace(nw.Clauses[i13].RU.Plain, "и иной информации", "и другой информации", 1))
	// 2. 1.6 removed
	i16 := nw.Find("1.6")
	nw.Clauses = append(nw.Clauses[:i16:i16], nw.Clauses[i16+1:]...)
	// 3. a new clause 2.3 after 2.2.6
	i226 := nw.Find("2.2.6")
	added := cl("2.3", KindClause, "Администрация хранит данные на серверах в Республике Казахстан.", "Әкімшілік деректерді Қазақстан Республикасындағы серверлерде сақтайды.")
	nw.Clauses = append(nw.Clauses[:i226+1], append([]Clause{added}, nw.Clauses[i226+1:]...)...)
	// 4. 5.1 and 4.1 swap sections (5.1 becomes 4.2, moved)
	i51 := nw.Find("5.1")
	c51 := nw.Clauses[i51]
	nw.Clauses = append(nw.Clauses[:i51:i51], nw.Clauses[i51+1:]...)
	c51.Number = "4.2"
	i41 := nw.Find("4.1")
	nw.Clauses = append(nw.Clauses[:i41+1], append([]Clause{c51}, nw.Clauses[i41+1:]...)...)
	// 5. underline removed from 3.2.5 kk only
	i325 := nw.Find("3.2.5")
	nw.Clauses[i325].KK.Underline = nil

	changes := Diff(old, nw)
	got := FormatDiff(changes)
	want := []string{
		"~ 1.3 [ru] … персональных данных и [-иной-] {+другой+} информации, предоставляемых Пользователями, …",
		"- 1.6 [ru] Пользователь дает согласие на раскрытие",
		"+ 2.3 [ru] Администрация хранит данные на серверах в Республике Казахстан.",
		"+ 2.3 [kk] Әкімшілік деректерді Қазақстан Республикасындағы серверлерде сақтайды.",
		"~ 3.2.5 [kk] underlined: «Пайдаланушы Пайдаланушы келісімін» → —",
		"> 5.1 → 4.2 (moved)",
	}
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d lines:\n%s", len(lines), got)
	}
	for k, w := range want {
		if !strings.HasPrefix(lines[k], w) {
			t.Errorf("line %d:\n got %s\nwant %s…", k, lines[k], w)
		}
	}
	kinds := map[ChangeKind]int{}
	for _, c := range changes {
		kinds[c.Kind]++
	}
	if kinds[Changed] != 2 || kinds[Removed] != 1 || kinds[Added] != 1 || kinds[Moved] != 1 {
		t.Errorf("kinds %v", kinds)
	}
	if len(Diff(old, old.Clone())) != 0 {
		t.Error("diff of identical documents is not empty")
	}
}

func TestDiffRenumberCascade(t *testing.T) {
	a := &Document{Clauses: []Clause{
		cl("1.1", KindClause, "первый пункт о данных", "бірінші тармақ"),
		cl("1.2", KindClause, "второй пункт о согласии", "екінші тармақ"),
		cl("1.3", KindClause, "третий пункт о сроках", "үшінші тармақ"),
	}}
	b := &Document{Clauses: []Clause{
		cl("1.1", KindClause, "первый пункт о данных", "бірінші тармақ"),
		cl("1.2", KindClause, "совсем новый пункт про файлы cookie", "жаңа тармақ cookie"),
		cl("1.3", KindClause, "второй пункт о согласии", "екінші тармақ"),
		cl("1.4", KindClause, "третий пункт о сроках", "үшінші тармақ"),
	}}
	got := FormatDiff(Diff(a, b))
	want := "+ 1.2 [ru] совсем новый пункт про файлы cookie\n+ 1.2 [kk] жаңа тармақ cookie\n" +
		"> 1.2 → 1.3 (moved)\n> 1.3 → 1.4 (moved)\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestHashStable(t *testing.T) {
	d := seedDoc(t)
	h := Hash(d)
	// Pinned: a change here means the canonical encoding or the parser's
	// output changed, which invalidates stored edition hashes.
	const pinned = "94a10a3f5646e8675daa4161ed49fd221e760167961d8a5b82b9abefc50cbb92"
	if got := hex.EncodeToString(h[:]); got != pinned {
		t.Errorf("seed hash %s, pinned %s", got, pinned)
	}
	if Hash(seedDoc(t)) != h {
		t.Error("hash differs between two parses")
	}
	c := d.Clone()
	c.Name = "other name"
	if Hash(c) != h {
		t.Error("name must not change the hash")
	}
	c.Clauses[3].KK.Underline = append(c.Clauses[3].KK.Underline, Span{0, 2})
	if Hash(c) == h {
		t.Error("underline change not hashed")
	}
	if !strings.HasPrefix(string(Canonical(d)), CanonicalVersion+"\nclauses 58\n") {
		t.Errorf("canonical header: %q", string(Canonical(d))[:60])
	}
	// unambiguous: moving text between fields changes the encoding
	x := &Document{Clauses: []Clause{cl("", KindParagraph, "ab", "c")}}
	y := &Document{Clauses: []Clause{cl("", KindParagraph, "a", "bc")}}
	if Hash(x) == Hash(y) {
		t.Error("field boundary is ambiguous")
	}
	// equivalent span lists encode equally
	p := &Document{Clauses: []Clause{{Kind: KindParagraph, RU: Text{Plain: "abcdef", Underline: []Span{{0, 2}, {2, 4}}}}}}
	q := &Document{Clauses: []Clause{{Kind: KindParagraph, RU: Text{Plain: "abcdef", Underline: []Span{{0, 4}}}}}}
	if Hash(p) != Hash(q) {
		t.Error("span normalisation missing")
	}
}
