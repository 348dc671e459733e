package policy

import (
	"bytes"
	"fmt"
	"testing"

	"legco.kz/compliance/assets"
	"legco.kz/compliance/store/policydoc"
)

func TestScratch(t *testing.T) {
	b, _ := assets.FS.ReadFile(assets.SeedPolicyPath)
	doc, err := policydoc.Parse(bytes.NewReader(b), "x")
	if err != nil {
		t.Fatal(err)
	}
	keys := doc.Keys()
	for i, c := range doc.Clauses {
		fmt.Printf("%d %s %s %q | ru=%d kk=%d ul=%d %.60q\n", i, keys[i], c.Kind, c.Parent, c.RU.Len(), c.KK.Len(), len(c.RU.Underline), c.RU.Markup())
	}
	for _, p := range policydoc.Check(doc) {
		fmt.Println(p, "|", p.MessageRU)
	}
}
