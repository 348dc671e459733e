package destructionact

import (
	"codeberg.org/go-pdf/fpdf"

	"legco.kz/compliance/reports/pdfkit"
)

// cell is one cell of a ruled table: wrapped paragraphs, optionally
// spanning several rows downwards and centred vertically.
type cell struct {
	paras   []pdfkit.Paragraph
	span    int // rows covered (0 or 1: one)
	vcenter bool
}

// table is a ruled table over the text width. Rows hold one cell per
// column; a position covered by a cell spanning from above is nil.
type table struct {
	widths []float64
	header []cell // repeated at the top of every page the table runs on
	rows   [][]*cell
	pad    float64 // inner padding in mm
}

var (
	ruleColor   = [3]int{60, 60, 60}
	headerShade = [3]int{232, 232, 232}
)

const ruleWidth = 0.2

// cellHeight is the height of c's text in a column of width w.
func (t table) cellHeight(pdf *fpdf.Fpdf, c *cell, w float64) float64 {
	g := pdfkit.Grid{Widths: []float64{w - 2*t.pad}}
	return g.Height(pdf, pdfkit.Row{Cells: [][]pdfkit.Paragraph{c.paras}})
}

// heights returns the row heights: the tallest one-row cell of a row,
// and spanning cells stretch the last row they cover when they need it.
func (t table) heights(pdf *fpdf.Fpdf, rows [][]*cell) []float64 {
	hs := make([]float64, len(rows))
	for r, row := range rows {
		for c, cl := range row {
			if cl != nil && cl.span <= 1 {
				hs[r] = max(hs[r], t.cellHeight(pdf, cl, t.widths[c])+2*t.pad)
			}
		}
	}
	for r, row := range rows {
		for c, cl := range row {
			if cl == nil || cl.span <= 1 {
				continue
			}
			last := min(r+cl.span, len(rows)) - 1
			have := 0.0
			for k := r; k <= last; k++ {
				have += hs[k]
			}
			if need := t.cellHeight(pdf, cl, t.widths[c]) + 2*t.pad; need > have {
				hs[last] += need - have
			}
		}
	}
	return hs
}

// groups splits the rows into runs that must stay on one page (rows
// joined by a spanning cell).
func (t table) groups() [][2]int {
	var out [][2]int
	for r := 0; r < len(t.rows); {
		end := r + 1
		for k := r; k < end; k++ {
			for _, cl := range t.rows[k] {
				if cl != nil && cl.span > 1 {
					end = max(end, min(k+cl.span, len(t.rows)))
				}
			}
		}
		out = append(out, [2]int{r, end})
		r = end
	}
	return out
}

// leadHeight is the height of the header and the first row group: what
// must fit for the table to start on a page.
func (t table) leadHeight(pdf *fpdf.Fpdf) float64 {
	h := 0.0
	if len(t.header) > 0 {
		row := make([]*cell, len(t.header))
		for i := range t.header {
			row[i] = &t.header[i]
		}
		h += t.heights(pdf, [][]*cell{row})[0]
	}
	if gs := t.groups(); len(gs) > 0 {
		for _, rh := range t.heights(pdf, t.rows)[gs[0][0]:gs[0][1]] {
			h += rh
		}
	}
	return h
}

// write draws the table from the current y, breaking pages between row
// groups (the header is repeated), and leaves y below it.
func (t table) write(pdf *fpdf.Fpdf) {
	lm, tm, _, _ := pdf.GetMargins()
	_, pageH := pdf.GetPageSize()
	_, bm := pdf.GetAutoPageBreak()
	bottom := pageH - bm
	var header [][]*cell
	if len(t.header) > 0 {
		row := make([]*cell, len(t.header))
		for i := range t.header {
			row[i] = &t.header[i]
		}
		header = append(header, row)
	}
	hh := t.heights(pdf, header)
	hs := t.heights(pdf, t.rows)
	y := pdf.GetY()
	headerHeight := 0.0
	for _, h := range hh {
		headerHeight += h
	}
	drawHeader := func() {
		if len(header) > 0 {
			y = t.drawRows(pdf, header, hh, lm, y, true)
		}
	}
	first := true
	for _, g := range t.groups() {
		need := 0.0
		for r := g[0]; r < g[1]; r++ {
			need += hs[r]
		}
		if first {
			need += headerHeight
		}
		if y+need > bottom && y > tm+0.01 {
			pdf.AddPage()
			y = tm
			first = true
		}
		if first {
			drawHeader()
			first = false
		}
		y = t.drawRows(pdf, t.rows[g[0]:g[1]], hs[g[0]:g[1]], lm, y, false)
	}
	pdf.SetY(y)
}

// drawRows draws rows whose heights are hs from y and returns the y
// below them.
func (t table) drawRows(pdf *fpdf.Fpdf, rows [][]*cell, hs []float64, x0, y float64, shaded bool) float64 {
	pdf.SetDrawColor(ruleColor[0], ruleColor[1], ruleColor[2])
	pdf.SetLineWidth(ruleWidth)
	top := y
	for r, row := range rows {
		x := x0
		for c, cl := range row {
			w := t.widths[c]
			if cl != nil {
				h := 0.0
				for k := r; k < min(r+max(cl.span, 1), len(rows)); k++ {
					h += hs[k]
				}
				if shaded {
					pdf.SetFillColor(headerShade[0], headerShade[1], headerShade[2])
					pdf.Rect(x, top, w, h, "F")
				}
				off := t.pad
				if cl.vcenter {
					off = (h - t.cellHeight(pdf, cl, w)) / 2
				}
				pdf.SetY(top + off)
				g := pdfkit.Grid{X: x + t.pad, Widths: []float64{w - 2*t.pad}}
				g.Write(pdf, pdfkit.Row{Cells: [][]pdfkit.Paragraph{cl.paras}})
				pdf.SetDrawColor(ruleColor[0], ruleColor[1], ruleColor[2])
				pdf.SetLineWidth(ruleWidth)
				pdf.Rect(x, top, w, h, "D")
			}
			x += w
		}
		top += hs[r]
	}
	return top
}
