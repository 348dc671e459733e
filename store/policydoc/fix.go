package policydoc

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Replace returns the text with runes [start, end) replaced by s. The
// underline of the rest is kept; the new words are underlined when what
// they replace was.
func (t Text) Replace(start, end int, s string) Text {
	rs := []rune(t.Plain)
	start = min(max(start, 0), len(rs))
	end = min(max(end, start), len(rs))
	fl := t.flags(len(rs))
	u := end > start
	for k := start; k < end; k++ {
		u = u && fl[k]
	}
	if end == start && start > 0 && start < len(rs) {
		u = fl[start-1] && fl[start]
	}
	var b richBuilder
	for k := 0; k < start; k++ {
		b.add(rs[k], fl[k])
	}
	b.addString(s, u)
	for k := end; k < len(rs); k++ {
		b.add(rs[k], fl[k])
	}
	return b.text()
}

// ErrStaleFinding is returned by ApplyFix when the text no longer holds
// what the finding saw (the clause was edited since the check).
var ErrStaleFinding = fmt.Errorf("the text changed since the check; run the check again")

// ApplyFix applies p's suggested correction to doc (in place).
func ApplyFix(doc *Document, p Problem) error {
	if p.Fix == nil {
		return fmt.Errorf("clause %s: %s has no suggested correction", p.Clause, p.Code)
	}
	if p.Index < 0 || p.Index >= len(doc.Clauses) || p.Lang == "" {
		return fmt.Errorf("clause %s: %w", p.Clause, ErrStaleFinding)
	}
	c := &doc.Clauses[p.Index]
	t := c.Text(p.Lang)
	rs := []rune(t.Plain)
	if p.Span != nil {
		if p.Span.End > len(rs) || p.Span.Start < 0 || string(rs[p.Span.Start:p.Span.End]) != p.Found {
			return fmt.Errorf("clause %s [%s]: %w", p.Clause, p.Lang, ErrStaleFinding)
		}
	}
	if p.Fix.End > len(rs) || p.Fix.Start < 0 || p.Fix.Start > p.Fix.End {
		return fmt.Errorf("clause %s [%s]: %w", p.Clause, p.Lang, ErrStaleFinding)
	}
	c.SetText(p.Lang, t.Replace(p.Fix.Start, p.Fix.End, p.Fix.Text))
	return nil
}

// AcceptKey identifies a finding for an «accepted wording» mark: its
// code, language, the clause's whole text in that language and what was
// found where. A later draft with the same clause text (whatever its
// number) carries the mark over; any edit of the clause text drops it.
func AcceptKey(doc *Document, p Problem) string {
	var text string
	if p.Index >= 0 && p.Index < len(doc.Clauses) {
		text = doc.Clauses[p.Index].Text(p.Lang).Plain
		if p.Lang == "" {
			text = doc.Clauses[p.Index].RU.Plain + "\x00" + doc.Clauses[p.Index].KK.Plain
		}
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00", p.Code, p.Lang, p.Found, p.Message, text)
	if p.Span != nil {
		fmt.Fprintf(h, "%d-%d", p.Span.Start, p.Span.End)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// FilterAccepted drops the findings whose AcceptKey is in accepted.
func FilterAccepted(doc *Document, ps []Problem, accepted map[string]bool) []Problem {
	if len(accepted) == 0 {
		return ps
	}
	out := ps[:0:0]
	for _, p := range ps {
		if !accepted[AcceptKey(doc, p)] {
			out = append(out, p)
		}
	}
	return out
}
