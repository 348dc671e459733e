package auditpack

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"legco.kz/compliance/reports/pdfkit"
)

// The audit PDF is a plain ruled listing, one line per entry, drawn with
// fpdf's Text directly: the layout engine's wrapping costs too much at a
// million lines, and a listing needs none (the CSV holds every field in
// full; cells that do not fit end with "…").
const (
	auditFont   = 6.3 // pt
	auditRow    = 3.3 // mm
	auditMargin = 12.0
)

// auditColumns: widths in mm over the landscape text width (273 mm).
var auditColumns = []struct {
	ru, kk string
	w      float64
}{
	{"№", "№", 13},
	{"Время (UTC)", "Уақыты (UTC)", 26},
	{"Сотрудник", "Қызметкер", 24},
	{"Роль", "Рөлі", 15},
	{"Действие", "Әрекет", 25},
	{"Объект", "Нысан", 31},
	{"Основание", "Негіздеме", 60},
	{"Хеш записи (SHA-256)", "Жазбаның хеші (SHA-256)", 79},
}

// hashFont is the size at which any 64-digit hash fits its column
// (hex letters are wider than digits in Noto Sans).
var hashFont = func() float64 {
	w := auditColumns[len(auditColumns)-1].w - 1.2
	return min(auditFont, w/pdfkit.Measure(strings.Repeat("d", 64), false, 1))
}()

// cleanCell prepares a field for one line: printable ASCII (numbers,
// times, hashes, most actions and objects) as is, anything else through
// pdfkit.Clean with line breaks as spaces.
func cleanCell(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return strings.ReplaceAll(pdfkit.Clean(s), "\n", " ")
		}
	}
	return s
}

// fit shortens s (already clean) to width mm at the audit font, with a
// trailing "…". A binary search over the prefix length: a reason can be
// long, and pdfkit.Truncate's character-by-character search would
// measure it hundreds of times on each of a million lines.
func fit(s string, width float64) string {
	if pdfkit.Measure(s, false, auditFont) <= width {
		return s
	}
	rs := []rune(s)
	lo, hi := 0, len(rs) // the longest fitting prefix is in [lo, hi)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if pdfkit.Measure(string(rs[:mid])+"…", false, auditFont) <= width {
			lo = mid
		} else {
			hi = mid
		}
	}
	return strings.TrimRight(string(rs[:lo]), " ") + "…"
}

// renderVolume draws volume v of nvol.
func (p *pack) renderVolume(w io.Writer, v *volume, nvol int) error {
	var out bytes.Buffer
	if err := p.drawVolume(&volumeState{}, &out, v, nvol); err != nil {
		return err
	}
	_, err := out.WriteTo(w)
	return err
}

// grab keeps what it is given instead of copying it: fpdf hands its
// finished document (tens of MB uncompressed) to Output's writer in one
// Write, and the document is read once, by recompress, before the fpdf
// that owns the bytes is dropped. A second Write (never seen) is
// appended to a copy.
type grab struct{ b []byte }

func (g *grab) Write(p []byte) (int, error) {
	if g.b == nil {
		g.b = p
	} else {
		g.b = append(g.b[:len(g.b):len(g.b)], p...)
	}
	return len(p), nil
}

// drawVolume draws volume v of nvol and appends the PDF to out.
func (p *pack) drawVolume(st *volumeState, out *bytes.Buffer, v *volume, nvol int) error {
	first, last := int64(0), int64(0)
	if len(v.recs) > 0 {
		first, last = v.recs[0].Seq, v.recs[len(v.recs)-1].Seq
	}
	volRU := fmt.Sprintf("Журнал аудита, том %d из %d", v.n, nvol)
	volKK := fmt.Sprintf("Аудит журналы, %d-том, барлығы %d", v.n, nvol)
	span := "—"
	if len(v.recs) > 0 {
		span = fmt.Sprintf("#%d–#%d", first, last)
	}
	pdf, err := pdfkit.New(pdfkit.Options{
		Title:     volRU + " / " + volKK,
		Subject:   "Записи " + span + " / Жазбалар " + span,
		Lang:      "ru-KZ",
		Created:   p.docDate,
		Landscape: true,
		Margins:   pdfkit.Margins{Left: auditMargin, Top: 12, Right: auditMargin, Bottom: 16},
		AuditHead: p.snap.Head.String(),
		Header: func(pdf *fpdf.Fpdf, page int) {
			drawAuditHeader(pdf, volRU+" / "+volKK+" · "+span)
		},
	})
	if err != nil {
		return err
	}
	pdf.SetAutoPageBreak(false, 16)
	pdf.SetCompression(false) // recompress deflates the pages, see there
	_, pageH := pdf.GetPageSize()
	bottom := pageH - 16
	pdf.AddPage()
	y := pdf.GetY()
	para := func(text string, bold bool, size float64) {
		g := pdfkit.Grid{}
		pdf.SetY(y)
		g.Write(pdf, pdfkit.Row{Cells: [][]pdfkit.Paragraph{{{Runs: []pdfkit.Run{{Text: text, Bold: bold}}, Size: size, SpaceAfter: 0.8}}}})
		y = pdf.GetY()
	}
	if v.n == 1 {
		b := p.rng.Before
		para(fmt.Sprintf("Хеш записи перед периодом (№ %d) / Кезеңге дейінгі жазбаның хеші (№ %d): %s", b.Seq, b.Seq, b.Hash), true, 7)
		para("Первая запись периода ссылается на этот хеш (prev_hash); каждая следующая — на хеш предыдущей. Все поля записей (в т. ч. details и personal_sha256) — в audit/audit-log.csv. "+
			"/ Кезеңнің бірінші жазбасы осы хешке сілтейді (prev_hash); әрбір келесісі — алдыңғысының хешіне. Жазбалардың барлық өрістері (оның ішінде details және personal_sha256) — audit/audit-log.csv файлында.", false, 6.5)
		y += 1
	}
	if len(v.recs) == 0 {
		para("За период записей нет. / Кезеңде жазбалар жоқ.", true, 9)
	}
	pdfkit.SetFont(pdf, false, auditFont)
	pdf.SetTextColor(0, 0, 0)
	base := pdfkit.PtToMM(auditFont) * 0.95
	// The hashes are drawn a page at a time after the page's other cells:
	// they take a smaller font, and switching fonts twice on every line
	// wrote two font operators a line (a tenth of the volume's time).
	hashX := auditMargin
	for _, col := range auditColumns[:len(auditColumns)-1] {
		hashX += col.w
	}
	type hashCell struct {
		y float64
		s string
	}
	hashes := make([]hashCell, 0, 64)
	flushHashes := func() {
		if len(hashes) == 0 {
			return
		}
		pdfkit.SetFont(pdf, false, hashFont)
		for _, h := range hashes {
			pdf.Text(hashX, h.y+base, h.s)
		}
		pdfkit.SetFont(pdf, false, auditFont)
		hashes = hashes[:0]
	}
	// Staff, role, action and reason repeat from line to line: each
	// distinct value is cleaned and fitted to its column once a volume.
	cache := make([]map[string]string, len(auditColumns))
	for _, c := range []int{2, 3, 4, 6} {
		cache[c] = map[string]string{}
	}
	cells := make([]string, len(auditColumns))
	for i := range v.recs {
		r := &v.recs[i]
		if y+auditRow > bottom {
			flushHashes()
			pdf.AddPage()
			pdfkit.SetFont(pdf, false, auditFont)
			y = pdf.GetY()
		}
		at := r.At
		if len(at) >= 19 {
			at = strings.Replace(at[:19], "T", " ", 1)
		}
		cells[0] = strconv.FormatInt(r.Seq, 10)
		cells[1] = at
		cells[2] = r.Staff
		cells[3] = r.Role
		cells[4] = r.Action
		cells[5] = r.Object
		cells[6] = r.Reason
		x := auditMargin
		for c, col := range auditColumns[:len(auditColumns)-1] {
			var s string
			if m := cache[c]; m != nil {
				var ok bool
				if s, ok = m[cells[c]]; !ok {
					s = fit(cleanCell(cells[c]), col.w-1.2)
					m[cells[c]] = s
				}
			} else {
				s = fit(cleanCell(cells[c]), col.w-1.2)
			}
			if c == 0 {
				pdf.Text(x+col.w-1.2-pdfkit.Measure(s, false, auditFont), y+base, s)
			} else {
				pdf.Text(x, y+base, s)
			}
			x += col.w
		}
		hashes = append(hashes, hashCell{y, cleanCell(r.Hash)})
		if i%5 == 4 {
			pdf.SetDrawColor(215, 215, 215)
			pdf.SetLineWidth(0.1)
			pdf.Line(auditMargin, y+auditRow-0.2, auditMargin+pdfkit.TextWidth(pdf), y+auditRow-0.2)
		}
		y += auditRow
	}
	flushHashes()
	var raw grab
	if err := pdfkit.Write(pdf, &raw); err != nil {
		return err
	}
	return st.recompress(raw.b, out)
}

// drawAuditHeader draws the volume line and the two-language column
// header at the top of a page and leaves y below it.
func drawAuditHeader(pdf *fpdf.Fpdf, title string) {
	lm, tm, _, _ := pdf.GetMargins()
	pdfkit.SetFont(pdf, true, 7.5)
	pdf.SetTextColor(0, 0, 0)
	pdf.Text(lm, tm+2.5, pdfkit.Clean(title))
	y := tm + 4.5
	pdf.SetFillColor(232, 232, 232)
	pdf.Rect(lm, y, pdfkit.TextWidth(pdf), 6.4, "F")
	x := lm
	for _, c := range auditColumns {
		pdfkit.SetFont(pdf, true, auditFont)
		pdf.Text(x+0.3, y+2.6, fit(c.ru, c.w-1))
		pdfkit.SetFont(pdf, false, auditFont)
		pdf.Text(x+0.3, y+5.4, fit(c.kk, c.w-1))
		x += c.w
	}
	pdf.SetY(y + 7.4)
}
