package policy

import (
	"strconv"
	"strings"

	"legco.kz/compliance/store/policydoc"
)

// Language indexes of a clause row's two texts.
const (
	ru = 0
	kk = 1
)

// clauseRow is one clause as it is being edited.
type clauseRow struct {
	Number string
	Kind   policydoc.Kind
	Parent string
	// Src is the text in the editor (underline markup), by language.
	Src [2]string
	// Text is Src parsed; Err the parse error, if any.
	Text [2]policydoc.Text
	Err  [2]error
}

func (r clauseRow) clause() policydoc.Clause {
	return policydoc.Clause{Number: r.Number, Kind: r.Kind, Parent: r.Parent, RU: r.Text[ru], KK: r.Text[kk]}
}

// numberOK reports whether the row's number can be saved: empty, or a
// well-formed clause number.
func (r clauseRow) numberOK() bool { return r.Number == "" || policydoc.ValidNumber(r.Number) }

// draft is the editor's model: the clauses of an edition as edited, and
// the document they started from.
type draft struct {
	orig *policydoc.Document
	rows []clauseRow
}

func newDraft(doc *policydoc.Document) *draft {
	if doc == nil {
		doc = &policydoc.Document{}
	}
	d := &draft{orig: doc, rows: make([]clauseRow, len(doc.Clauses))}
	for i, c := range doc.Clauses {
		d.rows[i] = rowOf(c)
	}
	return d
}

func rowOf(c policydoc.Clause) clauseRow {
	r := clauseRow{Number: c.Number, Kind: c.Kind, Parent: c.Parent}
	r.Text[ru], r.Text[kk] = c.RU, c.KK
	r.Src[ru], r.Src[kk] = Editable(c.RU), Editable(c.KK)
	return r
}

// setText sets the editor text of row i in language l and reports
// whether the parsed text changed.
func (d *draft) setText(i, l int, src string) bool {
	r := &d.rows[i]
	if r.Src[l] == src {
		return false
	}
	r.Src[l] = src
	t, err := ParseEditable(src)
	r.Err[l] = err
	if err != nil {
		return true
	}
	changed := !t.Equal(r.Text[l])
	r.Text[l] = t
	return changed
}

// setNumber sets the number of row i (trimmed, without a trailing dot);
// list items that belonged to the old number follow it.
func (d *draft) setNumber(i int, s string) bool {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if d.rows[i].Number == s {
		return false
	}
	d.rows[i].Number = s
	d.fixParents()
	return true
}

func (d *draft) setKind(i int, k policydoc.Kind) bool {
	if d.rows[i].Kind == k {
		return false
	}
	d.rows[i].Kind = k
	d.fixParents()
	return true
}

// insertAfter adds an empty clause after row i (i = -1: at the top) and
// returns its index. It continues what row i is: an item after an item, a
// term after a term, the next number after a numbered clause (1.6 → 1.7),
// the first sub-clause after a numbered heading (2 → 2.1).
func (d *draft) insertAfter(i int) int {
	nr := clauseRow{Kind: policydoc.KindParagraph}
	if i >= 0 && i < len(d.rows) {
		prev := d.rows[i]
		switch prev.Kind {
		case policydoc.KindItem, policydoc.KindTerm:
			nr.Kind = prev.Kind
		case policydoc.KindClause:
			nr.Kind = policydoc.KindClause
			nr.Number = nextNumber(prev.Number)
		case policydoc.KindHeading:
			if prev.Number != "" {
				nr.Kind = policydoc.KindClause
				nr.Number = prev.Number + ".1"
			}
		}
	}
	at := i + 1
	d.rows = append(d.rows, clauseRow{})
	copy(d.rows[at+1:], d.rows[at:])
	d.rows[at] = nr
	d.fixParents()
	return at
}

// nextNumber increments the last part of a clause number ("1.6" → "1.7").
func nextNumber(n string) string {
	if !policydoc.ValidNumber(n) {
		return ""
	}
	parts := strings.Split(n, ".")
	last, _ := strconv.Atoi(parts[len(parts)-1])
	parts[len(parts)-1] = strconv.Itoa(last + 1)
	return strings.Join(parts, ".")
}

func (d *draft) remove(i int) {
	d.rows = append(d.rows[:i], d.rows[i+1:]...)
	d.fixParents()
}

// move swaps row i with its neighbour (delta -1 up, +1 down) and returns
// the row's new index.
func (d *draft) move(i, delta int) int {
	j := i + delta
	if j < 0 || j >= len(d.rows) {
		return i
	}
	d.rows[i], d.rows[j] = d.rows[j], d.rows[i]
	d.fixParents()
	return j
}

// fixParents makes every list item belong to the clause it follows
// (policydoc: items follow their clause directly). It runs only after a
// change of structure, so that an edition whose lists are already
// consistent is saved unchanged.
func (d *draft) fixParents() {
	owner := ""
	for i := range d.rows {
		if d.rows[i].Kind == policydoc.KindItem {
			d.rows[i].Parent = owner
			continue
		}
		d.rows[i].Parent = ""
		owner = d.rows[i].Number
	}
}

// dirty reports whether the rows differ from the document they started
// from.
func (d *draft) dirty() bool {
	if len(d.rows) != len(d.orig.Clauses) {
		return true
	}
	for i, r := range d.rows {
		if r.Err[ru] != nil || r.Err[kk] != nil || !r.clause().Equal(d.orig.Clauses[i]) {
			return true
		}
	}
	return false
}

// rowError is the first row that cannot be saved.
type rowError struct {
	Index  int
	Lang   int // -1: the number
	Detail error
}

func (e *rowError) Error() string {
	if e.Detail != nil {
		return e.Detail.Error()
	}
	return "invalid clause number"
}

// document builds the edited document; it fails on the first row whose
// markup does not parse or whose number is malformed.
func (d *draft) document() (*policydoc.Document, error) {
	doc := &policydoc.Document{Name: d.orig.Name, Clauses: make([]policydoc.Clause, len(d.rows))}
	for i, r := range d.rows {
		for l := range r.Err {
			if r.Err[l] != nil {
				return nil, &rowError{Index: i, Lang: l, Detail: r.Err[l]}
			}
		}
		if !r.numberOK() {
			return nil, &rowError{Index: i, Lang: -1}
		}
		doc.Clauses[i] = r.clause()
	}
	return doc, nil
}

// checkDoc is the document to run the parity check on: rows whose markup
// does not parse keep their last good text.
func (d *draft) checkDoc() *policydoc.Document {
	doc := &policydoc.Document{Clauses: make([]policydoc.Clause, len(d.rows))}
	for i, r := range d.rows {
		doc.Clauses[i] = r.clause()
	}
	return doc
}
