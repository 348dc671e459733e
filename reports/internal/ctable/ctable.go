// Package ctable draws the ruled tables of the consent report and
// certificate: wrapped text in every cell (pdfkit's layout), a shaded
// header repeated on every page the table runs on, rows never split.
package ctable

import (
	"codeberg.org/go-pdf/fpdf"

	"legco.kz/compliance/reports/pdfkit"
)

// Table is a ruled table over explicit column widths (mm).
type Table struct {
	Widths []float64
	Header []string
	// Right aligns the columns whose index is true (numbers).
	Right map[int]bool
	Size  float64 // points; 0 = 8
	pad   float64
}

const pad = 1.2

func (t *Table) size() float64 {
	if t.Size <= 0 {
		return 8
	}
	return t.Size
}

func (t *Table) paras(cells []string, bold bool) [][]pdfkit.Paragraph {
	out := make([][]pdfkit.Paragraph, len(cells))
	for i, c := range cells {
		p := pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: c, Bold: bold}}, Size: t.size(), Leading: 1.2}
		if t.Right[i] && !bold {
			p.Align = pdfkit.AlignRight
		}
		out[i] = []pdfkit.Paragraph{p}
	}
	return out
}

func (t *Table) height(pdf *fpdf.Fpdf, cells [][]pdfkit.Paragraph) float64 {
	h := 0.0
	for i, c := range cells {
		g := pdfkit.Grid{Widths: []float64{t.Widths[i] - 2*pad}}
		h = max(h, g.Height(pdf, pdfkit.Row{Cells: [][]pdfkit.Paragraph{c}}))
	}
	return h + 2*pad
}

func (t *Table) draw(pdf *fpdf.Fpdf, cells [][]pdfkit.Paragraph, shade bool) {
	l, _, _, _ := pdf.GetMargins()
	y := pdf.GetY()
	h := t.height(pdf, cells)
	pdf.SetDrawColor(90, 90, 90)
	pdf.SetLineWidth(0.15)
	x := l
	for i, w := range t.Widths {
		style := "D"
		if shade {
			pdf.SetFillColor(232, 232, 232)
			style = "FD"
		}
		pdf.Rect(x, y, w, h, style)
		g := pdfkit.Grid{X: x + pad, Widths: []float64{w - 2*pad}}
		pdf.SetY(y + pad)
		g.Write(pdf, pdfkit.Row{Cells: [][]pdfkit.Paragraph{cells[i]}})
		x += w
	}
	pdf.SetY(y + h)
}

// Write draws the header and rows from the current y, starting a new
// page (with the header again) when a row does not fit.
func (t *Table) Write(pdf *fpdf.Fpdf, rows [][]string) error {
	_, pageH := pdf.GetPageSize()
	_, _, _, bottom := pdf.GetMargins()
	limit := pageH - bottom
	head := t.paras(t.Header, true)
	hh := t.height(pdf, head)
	first := true
	for _, r := range rows {
		cells := t.paras(r, false)
		h := t.height(pdf, cells)
		if first || pdf.GetY()+h > limit {
			if pdf.GetY()+hh+h > limit {
				pdf.AddPage()
			}
			t.draw(pdf, head, true)
			first = false
		}
		t.draw(pdf, cells, false)
	}
	if first && len(t.Header) > 0 {
		if pdf.GetY()+hh > limit {
			pdf.AddPage()
		}
		t.draw(pdf, head, true)
	}
	return pdf.Error()
}

// Para writes paragraphs over the text width from the current y.
func Para(pdf *fpdf.Fpdf, ps ...pdfkit.Paragraph) error {
	g := pdfkit.Grid{}
	var rows []pdfkit.Row
	for _, p := range ps {
		rows = append(rows, pdfkit.Row{Cells: [][]pdfkit.Paragraph{{p}}, KeepWithNext: p.KeepWithNext})
	}
	return g.Write(pdf, rows...)
}

// Heading is a bold paragraph kept with what follows.
func Heading(text string, size float64) pdfkit.Paragraph {
	return pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: text, Bold: true}}, Size: size, SpaceBefore: 4, SpaceAfter: 1.5, KeepWithNext: true}
}

// Label is "label: value" with the label bold.
func Label(label, value string, size float64) pdfkit.Paragraph {
	return pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: label + ": ", Bold: true}, {Text: value}}, Size: size, SpaceAfter: 0.6}
}

// Ensure starts a new page unless mm millimetres are left above the
// bottom margin (a heading must not end a page without its table).
func Ensure(pdf *fpdf.Fpdf, mm float64) {
	_, pageH := pdf.GetPageSize()
	_, _, _, bottom := pdf.GetMargins()
	if pdf.GetY()+mm > pageH-bottom {
		pdf.AddPage()
	}
}
