package pdfkit

import (
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// Align is the horizontal alignment of a paragraph.
type Align int

const (
	AlignLeft Align = iota
	AlignCenter
	AlignRight
	// AlignJustify stretches every line but the last of a paragraph to
	// the full width (lines that would need very wide gaps stay left).
	AlignJustify
)

// Run is a piece of text with one style.
type Run struct {
	Text      string
	Bold      bool
	Underline bool
}

// Paragraph is styled text to be wrapped to a column's width.
type Paragraph struct {
	Runs  []Run
	Size  float64 // points; 0 = 10
	Align Align
	// Leading is the line height as a multiple of the font size; 0 = 1.3.
	Leading float64
	// Indent is the left indent of every line, in mm.
	Indent float64
	// Bullet is a hanging label ("–", "a)") drawn in the indent of the
	// first line, right-aligned 1.5 mm before the text.
	Bullet     string
	BulletBold bool
	// SpaceBefore and SpaceAfter are vertical gaps in mm, dropped at the
	// top of a page.
	SpaceBefore, SpaceAfter float64
	// KeepWithNext: never end a page right after this paragraph (headings).
	KeepWithNext bool
	// Hyphenate allows breaking Cyrillic words (see HyphenPoints) when a
	// line would otherwise be left loose; the text itself is unchanged.
	Hyphenate bool
}

// Plain returns a one-run paragraph.
func Plain(text string, size float64) Paragraph {
	return Paragraph{Runs: []Run{{Text: text}}, Size: size}
}

func (p Paragraph) size() float64 {
	if p.Size <= 0 {
		return 10
	}
	return p.Size
}

func (p Paragraph) leading() float64 {
	if p.Leading <= 0 {
		return 1.3
	}
	return p.Leading
}

// piece is a run fragment inside one word.
type piece struct {
	text        string
	bold, under bool
	w           float64
}

// word is a sequence of pieces without spaces; gap describes the space
// after it.
type word struct {
	pieces   []piece
	w        float64
	gapUnder bool // the following space is underlined
	gapBold  bool
	hard     bool // a line break follows
}

// line is one laid-out line, or a vertical spacer (words == nil, spacer).
type line struct {
	words    []word
	h        float64
	size     float64
	indent   float64
	width    float64 // available width for text
	align    Align
	last     bool // last line of its paragraph (or before a hard break)
	bullet   string
	bold     bool // bullet bold
	spacer   bool
	para     int // paragraph index within the cell
	nth      int // line number within the paragraph
	count    int // lines in the paragraph
	keepNext bool
}

// splitWords breaks runs into words at spaces and newlines.
func splitWords(p Paragraph) []word {
	size := p.size()
	var words []word
	var cur word
	open := false
	flush := func() {
		if open {
			words = append(words, cur)
		}
		cur = word{}
		open = false
	}
	for _, r := range p.Runs {
		text := Clean(r.Text)
		for len(text) > 0 {
			i := strings.IndexAny(text, " \n")
			chunk := text
			if i >= 0 {
				chunk = text[:i]
			}
			if chunk != "" {
				pc := piece{text: chunk, bold: r.Bold, under: r.Underline, w: Measure(chunk, r.Bold, size)}
				cur.pieces = append(cur.pieces, pc)
				cur.w += pc.w
				open = true
			}
			if i < 0 {
				break
			}
			if text[i] == '\n' {
				if !open {
					cur.pieces = nil
					open = true
				}
				cur.hard = true
			} else if open {
				cur.gapUnder = r.Underline
				cur.gapBold = r.Bold
			}
			flush()
			text = text[i+1:]
		}
	}
	flush()
	return words
}

// hyphenateToFit splits w at the last hyphenation point whose head
// (with its hyphen) fits width.
func hyphenateToFit(w word, width, size float64) (head, tail word, ok bool) {
	var sb strings.Builder
	for _, pc := range w.pieces {
		sb.WriteString(pc.text)
	}
	rs := []rune(sb.String())
	pts := HyphenPoints(string(rs))
	for i := len(pts) - 1; i >= 0; i-- {
		k := pts[i]
		h, t := splitWordAt(w, k, size)
		if rs[k-1] != '-' {
			last := h.pieces[len(h.pieces)-1]
			hw := Measure("-", last.bold, size)
			h.pieces = append(h.pieces, piece{text: "-", bold: last.bold, under: last.under, w: hw})
			h.w += hw
		}
		if h.w <= width {
			return h, t, true
		}
	}
	return word{}, word{}, false
}

// splitWordAt cuts w before rune k; the tail keeps the gap and break.
func splitWordAt(w word, k int, size float64) (head, tail word) {
	n := 0
	for _, pc := range w.pieces {
		rs := []rune(pc.text)
		switch {
		case n+len(rs) <= k:
			head.pieces = append(head.pieces, pc)
			head.w += pc.w
		case n >= k:
			tail.pieces = append(tail.pieces, pc)
			tail.w += pc.w
		default:
			a, b := string(rs[:k-n]), string(rs[k-n:])
			pa := piece{text: a, bold: pc.bold, under: pc.under, w: Measure(a, pc.bold, size)}
			pb := piece{text: b, bold: pc.bold, under: pc.under, w: Measure(b, pc.bold, size)}
			head.pieces = append(head.pieces, pa)
			head.w += pa.w
			tail.pieces = append(tail.pieces, pb)
			tail.w += pb.w
		}
		n += len(rs)
	}
	head.gapUnder = len(tail.pieces) > 0 && tail.pieces[0].under && head.pieces[len(head.pieces)-1].under
	tail.gapUnder, tail.gapBold, tail.hard = w.gapUnder, w.gapBold, w.hard
	return head, tail
}

// breakWord splits a word wider than width into pieces that fit.
func breakWord(w word, width, size float64) []word {
	var out []word
	var cur word
	for _, pc := range w.pieces {
		for _, r := range pc.text {
			rw := Measure(string(r), pc.bold, size)
			if cur.w+rw > width && cur.w > 0 {
				out = append(out, cur)
				cur = word{}
			}
			n := len(cur.pieces)
			if n > 0 && cur.pieces[n-1].bold == pc.bold && cur.pieces[n-1].under == pc.under {
				cur.pieces[n-1].text += string(r)
				cur.pieces[n-1].w += rw
			} else {
				cur.pieces = append(cur.pieces, piece{text: string(r), bold: pc.bold, under: pc.under, w: rw})
			}
			cur.w += rw
		}
	}
	cur.gapUnder, cur.gapBold, cur.hard = w.gapUnder, w.gapBold, w.hard
	return append(out, cur)
}

// layoutParagraph wraps p to width mm.
func layoutParagraph(p Paragraph, width float64, para int) []line {
	size := p.size()
	lh := PtToMM(size) * p.leading()
	avail := width - p.Indent
	if avail < PtToMM(size) {
		avail = PtToMM(size)
	}
	space := Measure(" ", false, size)
	var lines []line
	if p.SpaceBefore > 0 {
		lines = append(lines, line{spacer: true, h: p.SpaceBefore, para: para})
	}
	start := len(lines)
	cur := line{h: lh, size: size, indent: p.Indent, width: avail, align: p.Align, para: para}
	curW := 0.0
	push := func(last bool) {
		cur.last = last
		lines = append(lines, cur)
		cur = line{h: lh, size: size, indent: p.Indent, width: avail, align: p.Align, para: para}
		curW = 0
	}
	for _, w := range splitWords(p) {
		parts := []word{w}
		if w.w > avail {
			parts = breakWord(w, avail, size)
		}
		for _, part := range parts {
			if len(cur.words) > 0 && curW+space+part.w > avail {
				if left := avail - curW - space; p.Hyphenate && left > 2.5*space-space {
					if head, tail, ok := hyphenateToFit(part, left, size); ok {
						cur.words = append(cur.words, head)
						push(false)
						part = tail
					}
				}
				if len(cur.words) > 0 {
					push(false)
				}
			}
			if len(cur.words) > 0 {
				curW += space
			}
			cur.words = append(cur.words, part)
			curW += part.w
			if part.hard {
				push(true)
			}
		}
	}
	if len(cur.words) > 0 || len(lines) == start {
		push(true)
	}
	n := len(lines) - start
	for i := start; i < len(lines); i++ {
		lines[i].nth = i - start
		lines[i].count = n
		lines[i].keepNext = p.KeepWithNext
	}
	if p.Bullet != "" {
		lines[start].bullet = Clean(p.Bullet)
		lines[start].bold = p.BulletBold
	}
	if p.SpaceAfter > 0 {
		lines = append(lines, line{spacer: true, h: p.SpaceAfter, para: para})
	}
	return lines
}

func layoutCell(paras []Paragraph, width float64) []line {
	var out []line
	for i, p := range paras {
		out = append(out, layoutParagraph(p, width, i)...)
	}
	return out
}

// baselineOffset places the baseline inside a line box (Noto Sans:
// ascender 1.069 em, descender 0.293 em).
func baselineOffset(l line) float64 {
	s := PtToMM(l.size)
	return (l.h-1.362*s)/2 + 1.069*s
}

// drawLine draws l with its top-left corner at (x, top).
func drawLine(pdf *fpdf.Fpdf, l line, x, top float64) {
	if l.spacer {
		return
	}
	base := top + baselineOffset(l)
	size := l.size
	space := Measure(" ", false, size)
	if l.bullet != "" {
		bw := Measure(l.bullet, l.bold, size)
		SetFont(pdf, l.bold, size)
		pdf.Text(x+l.indent-1.5-bw, base, l.bullet)
	}
	if len(l.words) == 0 {
		return
	}
	natural := 0.0
	for i, w := range l.words {
		natural += w.w
		if i > 0 {
			natural += space
		}
	}
	gap := space
	x0 := x + l.indent
	switch l.align {
	case AlignCenter:
		x0 += (l.width - natural) / 2
	case AlignRight:
		x0 += l.width - natural
	case AlignJustify:
		if !l.last && len(l.words) > 1 {
			extra := (l.width - natural) / float64(len(l.words)-1)
			if extra > 0 && extra <= 3*space {
				gap += extra
			}
		}
	}
	type seg struct{ a, b float64 }
	var unders []seg
	addUnder := func(a, b float64) {
		if n := len(unders); n > 0 && a-unders[n-1].b < 0.01 {
			unders[n-1].b = b
			return
		}
		unders = append(unders, seg{a, b})
	}
	cx := x0
	for i, w := range l.words {
		for _, pc := range w.pieces {
			SetFont(pdf, pc.bold, size)
			pdf.Text(cx, base, pc.text)
			if pc.under {
				addUnder(cx, cx+pc.w)
			}
			cx += pc.w
		}
		if i < len(l.words)-1 {
			if w.gapUnder && len(l.words[i+1].pieces) > 0 && l.words[i+1].pieces[0].under {
				addUnder(cx, cx+gap)
			}
			cx += gap
		}
	}
	if len(unders) > 0 {
		s := PtToMM(size)
		lw := pdf.GetLineWidth()
		pdf.SetLineWidth(0.05 * s)
		for _, u := range unders {
			pdf.Line(u.a, base+0.11*s, u.b, base+0.11*s)
		}
		pdf.SetLineWidth(lw)
	}
}

// Row is one band of a Grid: a cell (a list of paragraphs) per column.
// All cells of a row start at the same height; the next row starts below
// the longest cell.
type Row struct {
	Cells [][]Paragraph
	// SpaceBefore is a gap in mm above the row, dropped at a page top.
	SpaceBefore float64
	// KeepWithNext keeps the row on the page of the first lines of the
	// next row (headings).
	KeepWithNext bool
	// OnStart is called once, just before the row's first line is drawn
	// (after any page break), with the y of that line: the place to add
	// a bookmark for the row.
	OnStart func(pdf *fpdf.Fpdf, y float64)
}

// Grid lays out rows of wrapped text in columns and breaks pages.
type Grid struct {
	// Widths of the columns in mm; empty = one column over the whole
	// text width (page width minus margins).
	Widths []float64
	// Gap between columns in mm.
	Gap float64
	// X of the left edge; 0 = the left margin.
	X float64
	// Divider draws a thin vertical rule in the middle of each gap.
	Divider bool
	// MinLines is the orphan/widow control: at least this many lines of
	// a paragraph on each side of a page break (0 = 2).
	MinLines int
}

// TextWidth returns the width between the margins of pdf's page.
func TextWidth(pdf *fpdf.Fpdf) float64 {
	w, _ := pdf.GetPageSize()
	l, _, r, _ := pdf.GetMargins()
	return w - l - r
}

// Columns returns a Grid of n equal columns over the text width with the
// given gap.
func Columns(pdf *fpdf.Fpdf, n int, gap float64) Grid {
	if n < 1 {
		n = 1
	}
	w := (TextWidth(pdf) - gap*float64(n-1)) / float64(n)
	g := Grid{Gap: gap}
	for range n {
		g.Widths = append(g.Widths, w)
	}
	return g
}

func (g Grid) widths(pdf *fpdf.Fpdf) []float64 {
	if len(g.Widths) > 0 {
		return g.Widths
	}
	return []float64{TextWidth(pdf)}
}

type laidRow struct {
	row   Row
	cells [][]line
}

func (g Grid) layout(pdf *fpdf.Fpdf, rows []Row) []laidRow {
	ws := g.widths(pdf)
	out := make([]laidRow, len(rows))
	for i, r := range rows {
		out[i].row = r
		out[i].cells = make([][]line, len(ws))
		for c := range ws {
			if c < len(r.Cells) {
				out[i].cells[c] = layoutCell(r.Cells[c], ws[c])
			}
		}
	}
	return out
}

// Height returns the height the rows take without page breaks.
func (g Grid) Height(pdf *fpdf.Fpdf, rows ...Row) float64 {
	h := 0.0
	for _, lr := range g.layout(pdf, rows) {
		h += lr.row.SpaceBefore + rowHeight(lr.cells)
	}
	return h
}

func rowHeight(cells [][]line) float64 {
	h := 0.0
	for _, c := range cells {
		ch := 0.0
		for _, l := range c {
			ch += l.h
		}
		h = max(h, ch)
	}
	return h
}

// leadHeight is the height of the first n text lines of a row (the
// tallest cell), spacers included.
func leadHeight(cells [][]line, n int) float64 {
	h := 0.0
	for _, c := range cells {
		ch, seen := 0.0, 0
		for _, l := range c {
			if seen >= n {
				break
			}
			ch += l.h
			if !l.spacer {
				seen++
			}
		}
		h = max(h, ch)
	}
	return h
}

// Write draws the rows from the current y, adding pages as needed, and
// leaves y below the last row. Errors come from pdf.Error().
func (g Grid) Write(pdf *fpdf.Fpdf, rows ...Row) error {
	if err := pdf.Error(); err != nil {
		return err
	}
	if pdf.PageNo() == 0 {
		pdf.AddPage()
	}
	ws := g.widths(pdf)
	x0 := g.X
	lm, tm, _, _ := pdf.GetMargins()
	if x0 == 0 {
		x0 = lm
	}
	xs := make([]float64, len(ws))
	for c := range ws {
		xs[c] = x0
		if c > 0 {
			xs[c] = xs[c-1] + ws[c-1] + g.Gap
		}
	}
	minLines := g.MinLines
	if minLines <= 0 {
		minLines = 2
	}
	_, pageH := pdf.GetPageSize()
	_, bm := pdf.GetAutoPageBreak()
	bottom := pageH - bm
	laid := g.layout(pdf, rows)
	y := pdf.GetY()
	atTop := func() bool { return y <= tm+0.01 }
	newPage := func() {
		pdf.AddPage()
		y = tm
		pdf.SetY(y)
	}
	divider := func(from, to float64) {
		if !g.Divider || to <= from {
			return
		}
		lw := pdf.GetLineWidth()
		r, gg, b := pdf.GetDrawColor()
		pdf.SetLineWidth(0.15)
		pdf.SetDrawColor(170, 170, 170)
		for c := 1; c < len(xs); c++ {
			x := xs[c] - g.Gap/2
			pdf.Line(x, from, x, to)
		}
		pdf.SetLineWidth(lw)
		pdf.SetDrawColor(r, gg, b)
	}
	for ri, lr := range laid {
		// keep-with-next: this row plus the first lines of the next one
		if lr.row.KeepWithNext && ri+1 < len(laid) {
			need := lr.row.SpaceBefore + rowHeight(lr.cells) +
				laid[ri+1].row.SpaceBefore + leadHeight(laid[ri+1].cells, minLines)
			if y+need > bottom && !atTop() && need <= bottom-tm {
				newPage()
			}
		}
		if !atTop() && lr.row.SpaceBefore > 0 {
			if y+lr.row.SpaceBefore < bottom {
				divider(y, y+lr.row.SpaceBefore)
			}
			y += lr.row.SpaceBefore
		}
		// the row must start with at least its first lines on this page
		if !atTop() && y+leadHeight(lr.cells, minLines) > bottom {
			newPage()
		}
		idx := make([]int, len(lr.cells))
		started := false
		for {
			remaining := false
			for c, cell := range lr.cells {
				if atTop() { // no spacers at the top of a page
					for idx[c] < len(cell) && cell[idx[c]].spacer {
						idx[c]++
					}
				}
				if idx[c] < len(cell) {
					remaining = true
				}
			}
			if !remaining {
				break
			}
			avail := bottom - y
			take := make([]int, len(lr.cells))
			any := false
			for c, cell := range lr.cells {
				take[c] = fitLines(cell[idx[c]:], avail, minLines, atTop())
				if take[c] > 0 {
					any = true
				}
			}
			if !any {
				onlyGaps := true
				for c, cell := range lr.cells {
					if !onlySpacers(cell[idx[c]:]) {
						onlyGaps = false
					}
				}
				if onlyGaps { // trailing gaps never start a page
					break
				}
				if atTop() { // cannot happen unless a line is taller than the page
					for c, cell := range lr.cells {
						if idx[c] < len(cell) {
							take[c] = 1
						}
					}
				} else {
					newPage()
					continue
				}
			}
			if !started && lr.row.OnStart != nil {
				lr.row.OnStart(pdf, y)
			}
			started = true
			h := 0.0
			for c, cell := range lr.cells {
				ly := y
				for _, l := range cell[idx[c] : idx[c]+take[c]] {
					drawLine(pdf, l, xs[c], ly)
					ly += l.h
				}
				idx[c] += take[c]
				h = max(h, ly-y)
			}
			divider(y, y+h)
			y += h
			for c, cell := range lr.cells {
				if idx[c] < len(cell) && !onlySpacers(cell[idx[c]:]) {
					newPage()
					break
				}
			}
			// trailing spacers left over are drawn (or dropped) on the next pass
		}
		if !started && lr.row.OnStart != nil {
			lr.row.OnStart(pdf, y)
		}
	}
	pdf.SetY(y)
	return pdf.Error()
}

func onlySpacers(ls []line) bool {
	for _, l := range ls {
		if !l.spacer {
			return false
		}
	}
	return true
}

// fitLines returns how many of ls fit in avail mm, moving the break so
// that no paragraph leaves fewer than minLines lines on either side and
// no keep-with-next paragraph ends the page. At the top of a page at
// least one line is always taken.
func fitLines(ls []line, avail float64, minLines int, atTop bool) int {
	k, h := 0, 0.0
	for k < len(ls) && h+ls[k].h <= avail+1e-6 {
		h += ls[k].h
		k++
	}
	if k == len(ls) {
		return k
	}
	fit := k
	// trailing spacers don't help; breaking right after them is fine
	for k > 0 && ls[k-1].spacer {
		k--
	}
	if k == 0 {
		return fit0(fit, atTop)
	}
	next := k
	for next < len(ls) && ls[next].spacer {
		next++
	}
	if l := ls[k-1]; next < len(ls) && ls[next].para == l.para {
		// break inside a paragraph: count its lines on this page
		onPage := 0
		for j := k - 1; j >= 0 && ls[j].para == l.para; j-- {
			if !ls[j].spacer {
				onPage++
			}
		}
		startsHere := onPage == l.nth+1
		after := l.count - l.nth - 1
		switch {
		case startsHere && onPage < minLines:
			k -= onPage // orphan: the paragraph starts on the next page
		case after < minLines:
			need := minLines - after // widow: carry more lines over
			switch {
			case onPage-need >= minLines || (!startsHere && onPage-need >= 1):
				k -= need
			case startsHere:
				k -= onPage
			}
		}
		for k > 0 && ls[k-1].spacer {
			k--
		}
	}
	// don't end the page on a keep-with-next paragraph
	for k > 0 {
		if ls[k-1].spacer {
			k--
			continue
		}
		if !ls[k-1].keepNext {
			break
		}
		p := ls[k-1].para
		for k > 0 && ls[k-1].para == p {
			k--
		}
	}
	if k <= 0 {
		return fit0(fit, atTop)
	}
	return k
}

// fit0 is the result when the rules leave nothing on the page: at the
// top of a page take what fits anyway (at least one line).
func fit0(fit int, atTop bool) int {
	if atTop {
		return max(fit, 1)
	}
	return 0
}
