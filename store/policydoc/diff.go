package policydoc

import (
	"fmt"
	"sort"
	"strings"
)

// Op is a word-diff operation.
type Op int

const (
	OpEqual Op = iota
	OpInsert
	OpDelete
)

func (o Op) String() string {
	switch o {
	case OpInsert:
		return "insert"
	case OpDelete:
		return "delete"
	}
	return "equal"
}

// WordOp is a run of words (joined by single spaces) with one operation.
type WordOp struct {
	Op   Op
	Text string
}

// maxDiffEdits bounds the Myers search; beyond it the texts are treated
// as entirely rewritten (one delete, one insert).
const maxDiffEdits = 1000

// DiffWords returns a minimal word-level diff (Myers) turning a into b.
// Words are separated by white space and keep their punctuation.
// Consecutive words with the same operation are merged into one WordOp.
func DiffWords(a, b string) []WordOp {
	return diffTokens(strings.Fields(a), strings.Fields(b))
}

func diffTokens(a, b []string) []WordOp {
	var ops []WordOp
	emit := func(op Op, w string) {
		if k := len(ops) - 1; k >= 0 && ops[k].Op == op {
			ops[k].Text += " " + w
			return
		}
		ops = append(ops, WordOp{op, w})
	}
	// common prefix and suffix
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	s := 0
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	for _, w := range a[:p] {
		emit(OpEqual, w)
	}
	for _, e := range myers(a[p:len(a)-s], b[p:len(b)-s]) {
		emit(e.op, e.w)
	}
	for _, w := range a[len(a)-s:] {
		emit(OpEqual, w)
	}
	return ops
}

type edit struct {
	op Op
	w  string
}

// myers computes a shortest edit script with Myers' O(ND) algorithm,
// keeping one frontier per step for the backtrack.
func myers(a, b []string) []edit {
	n, m := len(a), len(b)
	replaceAll := func() []edit {
		out := make([]edit, 0, n+m)
		for _, w := range a {
			out = append(out, edit{OpDelete, w})
		}
		for _, w := range b {
			out = append(out, edit{OpInsert, w})
		}
		return out
	}
	if n == 0 || m == 0 {
		return replaceAll()
	}
	maxD := min(n+m, maxDiffEdits)
	off := maxD + 1
	v := make([]int, 2*maxD+3)
	var trace [][]int
	found := -1
	for d := 0; d <= maxD && found < 0; d++ {
		// keep the part of the frontier step d can read: k in [-d-1, d+1]
		snap := make([]int, 2*d+3)
		copy(snap, v[off-d-1:off+d+2])
		trace = append(trace, snap)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1] // down: insertion
			} else {
				x = v[off+k-1] + 1 // right: deletion
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				found = d
				break
			}
		}
	}
	if found < 0 {
		return replaceAll()
	}
	// backtrack
	var rev []edit
	x, y := n, m
	for d := found; d > 0; d-- {
		vd := trace[d] // frontier before step d, indexed by k+d+1
		k := x - y
		var prevK int
		if k == -d || (k != d && vd[k-1+d+1] < vd[k+1+d+1]) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := vd[prevK+d+1]
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			rev = append(rev, edit{OpEqual, a[x]})
		}
		if prevK == k+1 {
			y--
			rev = append(rev, edit{OpInsert, b[y]})
		} else {
			x--
			rev = append(rev, edit{OpDelete, a[x]})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, edit{OpEqual, a[x]})
	}
	out := make([]edit, len(rev))
	for i, e := range rev {
		out[len(rev)-1-i] = e
	}
	return out
}

// similarity is 2·(equal words)/(all words) over both languages, 0…1.
func similarity(a, b Clause) float64 {
	eq, total := 0, 0
	for _, l := range Langs {
		wa, wb := strings.Fields(a.Text(l).Plain), strings.Fields(b.Text(l).Plain)
		total += len(wa) + len(wb)
		for _, op := range diffTokens(wa, wb) {
			if op.Op == OpEqual {
				eq += len(strings.Fields(op.Text))
			}
		}
	}
	if total == 0 {
		return 1
	}
	return 2 * float64(eq) / float64(total)
}

// ChangeKind classifies a ClauseChange.
type ChangeKind string

const (
	Added   ChangeKind = "added"
	Removed ChangeKind = "removed"
	Changed ChangeKind = "changed"
	// Moved: the clause got another number, list or position relative to
	// the other clauses; its text may have changed too (RU/KK non-nil).
	Moved ChangeKind = "moved"
)

// ClauseChange is one clause-level difference between two documents.
type ClauseChange struct {
	Kind ChangeKind
	// OldIndex and NewIndex are indexes into a.Clauses and b.Clauses,
	// -1 when the clause does not exist on that side.
	OldIndex, NewIndex int
	// OldKey and NewKey are the clause keys (Document.Keys) on each side.
	OldKey, NewKey string
	Old, New       *Clause
	// RU and KK are the word diffs of each language, nil when that
	// language's plain text is unchanged.
	RU, KK []WordOp
	// UnderlineChanged: the underlined passages differ.
	UnderlineChanged bool
	// KindChanged: the clause changed kind (e.g. paragraph → heading).
	KindChanged bool
}

// Diff compares two editions clause by clause. Clauses are matched, in
// this order: identical clauses (same kind and text in both languages;
// nearest position first), then same number (or same list position) if
// the texts are at least 30 % alike, then the most similar remaining
// clauses of the same kind if at least 50 % alike. Unmatched clauses of
// a are Removed, of b Added. A matched pair is Moved when its number,
// list or relative order changed, Changed when only its content did.
// The result is in the order of b, removed clauses at their old place.
func Diff(a, b *Document) []ClauseChange {
	if a == nil {
		a = &Document{}
	}
	if b == nil {
		b = &Document{}
	}
	ka, kb := a.Keys(), b.Keys()
	na, nb := len(a.Clauses), len(b.Clauses)
	matchA := make([]int, na) // index in b or -1
	matchB := make([]int, nb)
	for i := range matchA {
		matchA[i] = -1
	}
	for j := range matchB {
		matchB[j] = -1
	}
	pair := func(i, j int) { matchA[i], matchB[j] = j, i }
	sameText := func(x, y Clause) bool {
		return x.Kind == y.Kind && x.RU.Equal(y.RU) && x.KK.Equal(y.KK)
	}
	// 1. identical clauses, same key first, then nearest position
	// keys can repeat (duplicate numbers): the k-th clause with a key in
	// a corresponds to the k-th with that key in b.
	byKeyB := map[string][]int{}
	for j, k := range kb {
		byKeyB[k] = append(byKeyB[k], j)
	}
	sameKey := make([]int, na)
	seenA := map[string]int{}
	for i, k := range ka {
		sameKey[i] = -1
		if js := byKeyB[k]; seenA[k] < len(js) {
			sameKey[i] = js[seenA[k]]
		}
		seenA[k]++
	}
	for i := range ka {
		if j := sameKey[i]; j >= 0 && matchB[j] < 0 && sameText(a.Clauses[i], b.Clauses[j]) {
			pair(i, j)
		}
	}
	texts := map[string][]int{}
	for j, c := range b.Clauses {
		if matchB[j] < 0 {
			key := string(c.Kind) + "\x00" + c.RU.Plain + "\x00" + c.KK.Plain
			texts[key] = append(texts[key], j)
		}
	}
	for i, c := range a.Clauses {
		if matchA[i] >= 0 {
			continue
		}
		key := string(c.Kind) + "\x00" + c.RU.Plain + "\x00" + c.KK.Plain
		best := -1
		for _, j := range texts[key] {
			if matchB[j] < 0 && sameText(c, b.Clauses[j]) && (best < 0 || abs(j-i) < abs(best-i)) {
				best = j
			}
		}
		if best >= 0 {
			pair(i, best)
		}
	}
	// 2. same key, if reasonably alike
	for i := range ka {
		if matchA[i] >= 0 {
			continue
		}
		if j := sameKey[i]; j >= 0 && matchB[j] < 0 && a.Clauses[i].Kind == b.Clauses[j].Kind &&
			similarity(a.Clauses[i], b.Clauses[j]) >= 0.3 {
			pair(i, j)
		}
	}
	// 3. most similar remaining pairs of the same kind
	type cand struct {
		i, j int
		s    float64
	}
	var cands []cand
	for i := range a.Clauses {
		if matchA[i] >= 0 {
			continue
		}
		for j := range b.Clauses {
			if matchB[j] < 0 && a.Clauses[i].Kind == b.Clauses[j].Kind {
				if s := similarity(a.Clauses[i], b.Clauses[j]); s >= 0.5 {
					cands = append(cands, cand{i, j, s})
				}
			}
		}
	}
	sort.SliceStable(cands, func(x, y int) bool {
		if cands[x].s != cands[y].s {
			return cands[x].s > cands[y].s
		}
		return abs(cands[x].i-cands[x].j) < abs(cands[y].i-cands[y].j)
	})
	for _, c := range cands {
		if matchA[c.i] < 0 && matchB[c.j] < 0 {
			pair(c.i, c.j)
		}
	}
	// relative order: matched pairs on a longest increasing subsequence of
	// new indexes kept their order; the others moved.
	// Clauses whose number or list changed are moved anyway and stay out
	// of the subsequence, so that they are the ones reported.
	relocated := func(i int) bool {
		oc, nc := a.Clauses[i], b.Clauses[matchA[i]]
		return oc.Number != nc.Number || (oc.Kind == KindItem && oc.Parent != nc.Parent)
	}
	var seq []int // old indexes of matched clauses, in old order
	for i := range a.Clauses {
		if matchA[i] >= 0 && !relocated(i) {
			seq = append(seq, i)
		}
	}
	inOrder := lisMembers(seq, matchA)

	var out []ClauseChange
	pos := map[int]float64{} // sort position per change
	for j := range b.Clauses {
		i := matchB[j]
		nc := b.Clauses[j]
		if i < 0 {
			out = append(out, ClauseChange{Kind: Added, OldIndex: -1, NewIndex: j, NewKey: kb[j], New: &nc})
			pos[len(out)-1] = float64(j)
			continue
		}
		oc := a.Clauses[i]
		ch := ClauseChange{OldIndex: i, NewIndex: j, OldKey: ka[i], NewKey: kb[j], Old: &oc, New: &nc}
		if oc.RU.Plain != nc.RU.Plain {
			ch.RU = DiffWords(oc.RU.Plain, nc.RU.Plain)
		}
		if oc.KK.Plain != nc.KK.Plain {
			ch.KK = DiffWords(oc.KK.Plain, nc.KK.Plain)
		}
		ch.UnderlineChanged = !equalUnderlined(oc.RU, nc.RU) || !equalUnderlined(oc.KK, nc.KK)
		ch.KindChanged = oc.Kind != nc.Kind
		moved := relocated(i) || !inOrder[i]
		switch {
		case moved:
			ch.Kind = Moved
		case ch.RU != nil || ch.KK != nil || ch.UnderlineChanged || ch.KindChanged:
			ch.Kind = Changed
		default:
			continue
		}
		out = append(out, ch)
		pos[len(out)-1] = float64(j)
	}
	// removed clauses go right after the new position of the closest
	// preceding old clause that still exists.
	for i := range a.Clauses {
		if matchA[i] >= 0 {
			continue
		}
		p := -0.5
		for k := i - 1; k >= 0; k-- {
			if matchA[k] >= 0 {
				p = float64(matchA[k]) + 0.5
				break
			}
		}
		oc := a.Clauses[i]
		out = append(out, ClauseChange{Kind: Removed, OldIndex: i, NewIndex: -1, OldKey: ka[i], Old: &oc})
		pos[len(out)-1] = p + float64(i)*1e-6
	}
	idx := make([]int, len(out))
	for k := range idx {
		idx[k] = k
	}
	sort.SliceStable(idx, func(x, y int) bool { return pos[idx[x]] < pos[idx[y]] })
	sorted := make([]ClauseChange, len(out))
	for k, x := range idx {
		sorted[k] = out[x]
	}
	return sorted
}

func equalUnderlined(a, b Text) bool {
	ua, ub := a.Underlined(), b.Underlined()
	if len(ua) != len(ub) {
		return false
	}
	for i := range ua {
		if ua[i] != ub[i] {
			return false
		}
	}
	return true
}

// lisMembers marks the old indexes in seq whose new index (match[i]) lie
// on a longest increasing subsequence.
func lisMembers(seq []int, match []int) map[int]bool {
	n := len(seq)
	tails := []int{} // positions in seq
	prev := make([]int, n)
	for p, i := range seq {
		v := match[i]
		lo := sort.Search(len(tails), func(t int) bool { return match[seq[tails[t]]] >= v })
		if lo > 0 {
			prev[p] = tails[lo-1]
		} else {
			prev[p] = -1
		}
		if lo == len(tails) {
			tails = append(tails, p)
		} else {
			tails[lo] = p
		}
	}
	out := map[int]bool{}
	if len(tails) == 0 {
		return out
	}
	for p := tails[len(tails)-1]; p >= 0; p = prev[p] {
		out[seq[p]] = true
	}
	return out
}

// FormatDiff renders changes as plain text for a terminal, one line per
// clause and language:
//
//   - 1.7 [ru] full new text
//   - 1.6 [kk] full old text
//     ~ 1.3 [ru] … данных и [-иной-]{+другой+} информации …
//     > 1.3 → 1.4 (moved)
//
// Changed lines show up to three words of context around each change;
// "…" marks skipped text.
func FormatDiff(changes []ClauseChange) string {
	var sb strings.Builder
	for _, ch := range changes {
		switch ch.Kind {
		case Added:
			for _, l := range Langs {
				if t := ch.New.Text(l); !t.IsEmpty() {
					fmt.Fprintf(&sb, "+ %s [%s] %s\n", ch.NewKey, l, t.Plain)
				}
			}
			if ch.New.RU.IsEmpty() && ch.New.KK.IsEmpty() {
				fmt.Fprintf(&sb, "+ %s (%s, empty)\n", ch.NewKey, ch.New.Kind)
			}
		case Removed:
			for _, l := range Langs {
				if t := ch.Old.Text(l); !t.IsEmpty() {
					fmt.Fprintf(&sb, "- %s [%s] %s\n", ch.OldKey, l, t.Plain)
				}
			}
			if ch.Old.RU.IsEmpty() && ch.Old.KK.IsEmpty() {
				fmt.Fprintf(&sb, "- %s (%s, empty)\n", ch.OldKey, ch.Old.Kind)
			}
		case Moved, Changed:
			if ch.Kind == Moved {
				fmt.Fprintf(&sb, "> %s → %s (moved)\n", ch.OldKey, ch.NewKey)
			}
			if ch.KindChanged {
				fmt.Fprintf(&sb, "~ %s kind %s → %s\n", ch.NewKey, ch.Old.Kind, ch.New.Kind)
			}
			for _, l := range Langs {
				ops := ch.RU
				if l == KK {
					ops = ch.KK
				}
				if ops != nil {
					fmt.Fprintf(&sb, "~ %s [%s] %s\n", ch.NewKey, l, formatOps(ops, 3))
				}
				if o, n := ch.Old.Text(l), ch.New.Text(l); !equalUnderlined(o, n) {
					fmt.Fprintf(&sb, "~ %s [%s] underlined: %s → %s\n", ch.NewKey, l, list(o.Underlined()), list(n.Underlined()))
				}
			}
		}
	}
	return sb.String()
}

// formatOps renders a word diff with [-deleted-] and {+inserted+}
// markers, keeping ctx words of context on each side of a change.
func formatOps(ops []WordOp, ctx int) string {
	var parts []string
	for k, op := range ops {
		switch op.Op {
		case OpDelete:
			parts = append(parts, "[-"+op.Text+"-]")
		case OpInsert:
			parts = append(parts, "{+"+op.Text+"+}")
		default:
			w := strings.Fields(op.Text)
			first, last := k == 0, k == len(ops)-1
			switch {
			case first && last:
				parts = append(parts, op.Text)
			case first:
				if len(w) > ctx {
					parts = append(parts, "…")
					w = w[len(w)-ctx:]
				}
				parts = append(parts, strings.Join(w, " "))
			case last:
				if len(w) > ctx {
					parts = append(parts, strings.Join(w[:ctx], " "), "…")
				} else {
					parts = append(parts, strings.Join(w, " "))
				}
			default:
				if len(w) > 2*ctx {
					parts = append(parts, strings.Join(w[:ctx], " "), "…", strings.Join(w[len(w)-ctx:], " "))
				} else {
					parts = append(parts, strings.Join(w, " "))
				}
			}
		}
	}
	return strings.Join(parts, " ")
}
