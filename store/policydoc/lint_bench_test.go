package policydoc

import (
	"fmt"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user+system CPU time: on a shared machine the
// wall-clock ns/op depends on the load, CPU time much less.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchCheck(b *testing.B, doc *Document, lx *Lexicon) {
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		CheckAll(doc, lx)
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkCheckAllSeed: the full check (structure, glossary, lints) of
// the seed edition, as the editor runs it while the user types. Target
// ≤ 20 ms.
func BenchmarkCheckAllSeed(b *testing.B) {
	benchCheck(b, seedDoc(b), shippedLexicon(b))
}

// syntheticEdition builds an edition of n clauses from the seed's
// clauses, renumbered 1.1 … so that the numbering is valid.
func syntheticEdition(tb testing.TB, n int) *Document {
	seed := seedDoc(tb)
	var src []Clause
	for _, c := range seed.Clauses {
		if c.Kind == KindClause && !c.RU.IsEmpty() && !c.KK.IsEmpty() {
			src = append(src, c)
		}
	}
	doc := &Document{Clauses: []Clause{seed.Clauses[0]}}
	sec := 0
	for i := 0; len(doc.Clauses) < n; i++ {
		if i%20 == 0 {
			sec++
			doc.Clauses = append(doc.Clauses, Clause{Number: fmt.Sprint(sec), Kind: KindHeading, RU: NewText("Раздел"), KK: NewText("Бөлім")})
		}
		c := src[i%len(src)]
		c.Number = fmt.Sprintf("%d.%d", sec, i%20+1)
		doc.Clauses = append(doc.Clauses, c)
	}
	return doc
}

// BenchmarkCheckAll200: a synthetic 200-clause edition. Target ≤ 200 ms.
func BenchmarkCheckAll200(b *testing.B) {
	benchCheck(b, syntheticEdition(b, 200), shippedLexicon(b))
}

// BenchmarkNewLexicon: compiling the shipped glossary and word list (done
// once per glossary change).
func BenchmarkNewLexicon(b *testing.B) {
	lx := shippedLexicon(b)
	for b.Loop() {
		NewLexicon(lx.Glossary, lx.Words)
	}
}
