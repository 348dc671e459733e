package auditpack

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"legco.kz/compliance/reports/pdfkit"
)

// doc is a bilingual A4 document: Russian in the left column, Kazakh in
// the right, every row starting level in both (as privacy.pdf and the
// destruction act), plus full-width rows for what is the same in both
// languages (hashes, file names, commands).
type doc struct {
	pdf *fpdf.Fpdf
	two pdfkit.Grid
	one pdfkit.Grid
	err error
}

func newDoc(p *pack, titleRU, titleKK string) (*doc, error) {
	pdf, err := pdfkit.New(pdfkit.Options{Title: titleRU + " / " + titleKK, Lang: "ru-KZ", Created: p.docDate,
		AuditHead: p.snap.Head.String(), Margins: pdfkit.Margins{Left: 16, Top: 16, Right: 14, Bottom: 22}})
	if err != nil {
		return nil, err
	}
	pdf.AddPage()
	d := &doc{pdf: pdf, two: pdfkit.Columns(pdf, 2, 7), one: pdfkit.Grid{}}
	d.two.Divider = true
	d.both(pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: titleRU, Bold: true}}, Size: 13, Align: pdfkit.AlignCenter, SpaceAfter: 3},
		pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: titleKK, Bold: true}}, Size: 13, Align: pdfkit.AlignCenter, SpaceAfter: 3})
	return d, nil
}

func (d *doc) both(ru, kk pdfkit.Paragraph) {
	d.keep(d.two.Write(d.pdf, pdfkit.Row{Cells: [][]pdfkit.Paragraph{{ru}, {kk}}}))
}

func (d *doc) keep(err error) {
	if err != nil && d.err == nil {
		d.err = err
	}
}

func (d *doc) bothN(ru, kk []pdfkit.Paragraph) {
	d.keep(d.two.Write(d.pdf, pdfkit.Row{Cells: [][]pdfkit.Paragraph{ru, kk}}))
}

// heading is a numbered section heading in both languages.
func (d *doc) heading(ru, kk string) {
	h := func(s string) pdfkit.Paragraph {
		return pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: s, Bold: true}}, Size: 10.5, SpaceBefore: 4, SpaceAfter: 1.5, KeepWithNext: true}
	}
	d.keep(d.two.Write(d.pdf, pdfkit.Row{Cells: [][]pdfkit.Paragraph{{h(ru)}, {h(kk)}}, KeepWithNext: true}))
}

// text is a plain paragraph in both languages.
func (d *doc) text(ru, kk string) {
	d.both(para(ru, 9), para(kk, 9))
}

// field is "label: value" in both languages with the value in bold.
func (d *doc) field(ru, kk, value string) {
	f := func(l string) pdfkit.Paragraph {
		return pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: l + ": "}, {Text: value, Bold: true}}, Size: 9, SpaceAfter: 1}
	}
	d.both(f(ru), f(kk))
}

// wide is a full-width paragraph (the same in both languages).
func (d *doc) wide(p pdfkit.Paragraph) {
	d.keep(d.one.Write(d.pdf, pdfkit.Row{Cells: [][]pdfkit.Paragraph{{p}}}))
}

func (d *doc) write(w io.Writer) error {
	if d.err != nil {
		return d.err
	}
	return pdfkit.Write(d.pdf, w)
}

func para(s string, size float64) pdfkit.Paragraph {
	return pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: s}}, Size: size, SpaceAfter: 1.2, Align: pdfkit.AlignLeft, Hyphenate: true}
}

func bold(s string, size float64) pdfkit.Paragraph {
	return pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: s, Bold: true}}, Size: size, SpaceAfter: 1.2}
}

func item(s string, size float64) pdfkit.Paragraph {
	p := para(s, size)
	p.Indent, p.Bullet = 4, "–"
	return p
}

// mono is a full-width line of machine text (hashes, names, commands).
func mono(s string, size float64) pdfkit.Paragraph {
	return pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: s}}, Size: size, SpaceAfter: 0.6}
}

// ruDate prints DD.MM.YYYY.
func ruDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("02.01.2006")
}

// group separates thousands with a thin space, as Russian and Kazakh
// texts write numbers.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune(' ')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// size prints a byte count.
func size(n int64) string {
	switch {
	case n >= 10<<20:
		return fmt.Sprintf("%s МБ / MB", group(n>>20))
	case n >= 10<<10:
		return fmt.Sprintf("%s КБ / KB", group(n>>10))
	}
	return fmt.Sprintf("%s Б / B", group(n))
}
