// Package pdfkit holds the helpers every PDF report of the workstation
// uses: a configured fpdf document (A4, millimetres, Noto Sans regular
// and bold from assets.FS, UTF-8 metadata, reproducible bytes), text
// cleaning for the embedded fonts, the standard bilingual footer with
// page numbers and the audit-chain head, and a layout engine for wrapped,
// styled text in one or more columns that breaks pages.
//
// A report builds its document with New, draws with the helpers and
// fpdf calls, and finishes with Write, which checks pdf.Error().
package pdfkit

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// Family is the font family registered by New ("" and "B" styles).
const Family = "NotoSans"

// PagesAlias is replaced by the total page count when the document is
// written (fpdf's AliasNbPages).
const PagesAlias = "{nb}"

// FixedDate is used for the creation and modification dates when the
// options give none, so that output stays byte-identical.
var FixedDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Margins in millimetres.
type Margins struct {
	Left, Top, Right, Bottom float64
}

// DefaultMargins suit a printed A4 legal document with the standard footer.
var DefaultMargins = Margins{Left: 20, Top: 18, Right: 15, Bottom: 22}

// Options configure New.
type Options struct {
	Title, Subject, Author, Keywords string
	// Creator defaults to "LegCo Compliance Workstation".
	Creator string
	// Lang is the document's natural language (BCP 47), e.g. "ru-KZ".
	Lang string
	// Created and Modified are the metadata dates; zero means FixedDate
	// (Modified defaults to Created). Pass the edition's date, never
	// time.Now(), to keep output reproducible.
	Created, Modified time.Time
	// Landscape selects A4 landscape.
	Landscape bool
	// Margins default to DefaultMargins.
	Margins Margins
	// AuditHead is the workspace's audit-chain head (hex). When set, the
	// footer prints it on every page.
	AuditHead string
	// FooterText is printed at the right of the footer's first line.
	FooterText string
	// NoFooter omits the footer (page numbers and audit head).
	NoFooter bool
	// Watermark, when set, is drawn large, light and diagonal behind the
	// content of every page (e.g. "ПРОЕКТ / ЖОБА" for drafts).
	Watermark string
	// Header, when set, is called at the top of every page after the
	// watermark, with the page number (1-based).
	Header func(pdf *fpdf.Fpdf, page int)
}

// PageLabel is the footer's page label: «Страница N из M / N-бет,
// барлығы M». total may be PagesAlias.
func PageLabel(page int, total string) string {
	n := strconv.Itoa(page)
	return "Страница " + n + " из " + total + " / " + n + "-бет, барлығы " + total
}

// AuditLabel prefixes the audit-chain head in the footer.
const AuditLabel = "Хеш цепочки аудита / Аудит тізбегінің хеші: "

// New returns an A4 portrait (or landscape) document in millimetres with
// Noto Sans regular and bold registered as Family, the regular face
// selected at 10 pt, UTF-8 metadata and language set, fixed dates,
// catalog sort on (byte-identical output), compression on, and the
// standard footer and watermark installed. Check the error; later
// failures surface in pdf.Error() and Write.
func New(opts Options) (*fpdf.Fpdf, error) {
	fd := fonts()
	if fd.err != nil {
		return nil, fmt.Errorf("pdfkit: fonts: %w", fd.err)
	}
	orient := "P"
	if opts.Landscape {
		orient = "L"
	}
	m := opts.Margins
	if m == (Margins{}) {
		m = DefaultMargins
	}
	pdf := fpdf.New(orient, "mm", "A4", "")
	pdf.SetCatalogSort(true)
	pdf.SetCompression(true)
	created := opts.Created
	if created.IsZero() {
		created = FixedDate
	}
	modified := opts.Modified
	if modified.IsZero() {
		modified = created
	}
	pdf.SetCreationDate(created.UTC())
	pdf.SetModificationDate(modified.UTC())
	pdf.AddUTF8FontFromBytes(Family, "", fd.regular)
	pdf.AddUTF8FontFromBytes(Family, "B", fd.bold)
	pdf.SetFont(Family, "", 10)
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("pdfkit: %w", err)
	}
	creator := opts.Creator
	if creator == "" {
		creator = "LegCo Compliance Workstation"
	}
	meta := func(set func(string, bool), s string) {
		if s != "" {
			set(Clean(s), true)
		}
	}
	meta(pdf.SetTitle, opts.Title)
	meta(pdf.SetSubject, opts.Subject)
	meta(pdf.SetAuthor, opts.Author)
	meta(pdf.SetKeywords, opts.Keywords)
	meta(pdf.SetCreator, creator)
	pdf.SetProducer("codeberg.org/go-pdf/fpdf", false)
	if opts.Lang != "" {
		pdf.SetLang(sanitizeLang(opts.Lang))
	}
	pdf.SetMargins(m.Left, m.Top, m.Right)
	pdf.SetAutoPageBreak(true, m.Bottom)
	pdf.AliasNbPages(PagesAlias)
	if opts.Watermark != "" || opts.Header != nil {
		wm := Clean(opts.Watermark)
		pdf.SetHeaderFunc(func() {
			if wm != "" {
				drawWatermark(pdf, wm)
			}
			if opts.Header != nil {
				opts.Header(pdf, pdf.PageNo())
			}
		})
	}
	if !opts.NoFooter {
		head := Clean(opts.AuditHead)
		text := Clean(opts.FooterText)
		pdf.SetFooterFunc(func() { drawFooter(pdf, m, text, head) })
	}
	return pdf, nil
}

// sanitizeLang keeps a BCP 47 tag to the characters it may contain (it
// is written into the PDF catalog unescaped).
func sanitizeLang(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '-' || r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FooterColor is the grey of the footer text and rule.
var FooterColor = [3]int{90, 90, 90}

func drawFooter(pdf *fpdf.Fpdf, m Margins, text, head string) {
	saved := saveState(pdf)
	defer saved.restore(pdf)
	w, h := pdf.GetPageSize()
	y := h - m.Bottom + 6
	pdf.SetDrawColor(FooterColor[0], FooterColor[1], FooterColor[2])
	pdf.SetTextColor(FooterColor[0], FooterColor[1], FooterColor[2])
	pdf.SetLineWidth(0.2)
	pdf.Line(m.Left, y, w-m.Right, y)
	SetFont(pdf, false, 7.5)
	base := y + 4
	pdf.Text(m.Left, base, PageLabel(pdf.PageNo(), PagesAlias))
	if text != "" {
		tw := Measure(text, false, 7.5)
		if max := w - m.Left - m.Right - 85; tw > max {
			text = Truncate(text, false, 7.5, max)
			tw = Measure(text, false, 7.5)
		}
		pdf.Text(w-m.Right-tw, base, text)
	}
	if head != "" {
		SetFont(pdf, false, 6.5)
		line := Truncate(AuditLabel+head, false, 6.5, w-m.Left-m.Right)
		pdf.Text(m.Left, base+3.6, line)
	}
}

// WatermarkColor is the grey of the draft watermark.
var WatermarkColor = [3]int{215, 215, 215}

func drawWatermark(pdf *fpdf.Fpdf, text string) {
	saved := saveState(pdf)
	defer saved.restore(pdf)
	w, h := pdf.GetPageSize()
	size := 64.0
	tw := Measure(text, true, size)
	if max := 0.9 * (w*w + h*h) / (w + h); tw > max { // keep inside the diagonal
		size *= max / tw
		tw = max
	}
	SetFont(pdf, true, size)
	pdf.SetTextColor(WatermarkColor[0], WatermarkColor[1], WatermarkColor[2])
	pdf.TransformBegin()
	pdf.TransformRotate(55, w/2, h/2)
	pdf.Text(w/2-tw/2, h/2+PtToMM(size)*0.35, text)
	pdf.TransformEnd()
}

// state is the graphics state the kit's page hooks change and restore.
type state struct {
	family, style string
	size          float64
	x, y          float64
	tr, tg, tb    int
	dr, dg, db    int
	lw            float64
}

func saveState(pdf *fpdf.Fpdf) state {
	var s state
	s.family, s.style = pdf.GetFontFamily(), pdf.GetFontStyle()
	s.size, _ = pdf.GetFontSize()
	s.x, s.y = pdf.GetXY()
	s.tr, s.tg, s.tb = pdf.GetTextColor()
	s.dr, s.dg, s.db = pdf.GetDrawColor()
	s.lw = pdf.GetLineWidth()
	return s
}

func (s state) restore(pdf *fpdf.Fpdf) {
	if s.family != "" {
		pdf.SetFont(s.family, s.style, s.size)
	}
	pdf.SetTextColor(s.tr, s.tg, s.tb)
	pdf.SetDrawColor(s.dr, s.dg, s.db)
	pdf.SetLineWidth(s.lw)
	pdf.SetXY(s.x, s.y)
}

// SetFont selects Family in regular or bold at size points, only if it
// is not selected already (every SetFont call writes to the page).
func SetFont(pdf *fpdf.Fpdf, bold bool, size float64) {
	style := ""
	if bold {
		style = "B"
	}
	cur, _ := pdf.GetFontSize()
	if pdf.GetFontFamily() == strings.ToLower(Family) && pdf.GetFontStyle() == style && cur == size {
		return
	}
	pdf.SetFont(Family, style, size)
}

// PtToMM converts points to millimetres.
func PtToMM(pt float64) float64 { return pt * 25.4 / 72 }

// Measure returns the width in millimetres of s (already Clean) in the
// regular or bold face at size points, exactly as fpdf measures it.
func Measure(s string, bold bool, size float64) float64 {
	fd := fonts()
	if fd.err != nil {
		return 0
	}
	m := fd.mReg
	if bold {
		m = fd.mBold
	}
	w := 0
	for _, r := range s {
		w += m.advance(r)
	}
	return float64(w) * PtToMM(size) / 1000
}

// Truncate shortens s with a trailing "…" so that it fits width mm.
func Truncate(s string, bold bool, size, width float64) string {
	if Measure(s, bold, size) <= width {
		return s
	}
	rs := []rune(s)
	for n := len(rs) - 1; n > 0; n-- {
		t := strings.TrimRight(string(rs[:n]), " ") + "…"
		if Measure(t, bold, size) <= width {
			return t
		}
	}
	return ""
}

// Bookmark adds an outline entry for the current page at y (-1: current
// position). It selects the kit's UTF-8 font first, without which fpdf
// garbles the title, and cleans the text.
func Bookmark(pdf *fpdf.Fpdf, title string, level int, y float64) {
	if !strings.EqualFold(pdf.GetFontFamily(), Family) {
		pdf.SetFont(Family, "", 10)
	}
	pdf.Bookmark(Clean(title), level, y)
}

// ErrNoPages is returned by Write for a document without pages.
var ErrNoPages = errors.New("pdfkit: document has no pages")

// Write checks pdf.Error(), closes the document and writes it to w.
func Write(pdf *fpdf.Fpdf, w io.Writer) error {
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("pdfkit: %w", err)
	}
	if pdf.PageCount() == 0 {
		return ErrNoPages
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("pdfkit: %w", err)
	}
	return nil
}
