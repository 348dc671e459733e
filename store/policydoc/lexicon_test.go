package policydoc

import (
	"bytes"
	"testing"

	"legco.kz/compliance/assets"
)

// shippedLexicon compiles the glossary and word list shipped in assets.
func shippedLexicon(t testing.TB) *Lexicon {
	t.Helper()
	gb, err := assets.FS.ReadFile(assets.GlossaryPath)
	if err != nil {
		t.Fatal(err)
	}
	g, err := ParseGlossary(gb, assets.GlossaryPath)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := assets.FS.ReadFile(assets.WordsKKPath)
	if err != nil {
		t.Fatal(err)
	}
	wl, err := ParseWordList(bytes.NewReader(wb), assets.WordsKKPath)
	if err != nil {
		t.Fatal(err)
	}
	return NewLexicon(g, wl)
}
