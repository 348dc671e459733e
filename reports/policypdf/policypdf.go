// Package policypdf renders an edition of the privacy policy as
// privacy.pdf: Russian, Kazakh, or both side by side (Russian left,
// Kazakh right, every clause starting level in both columns), with the
// title, the date of the last update, page numbers, a bookmark per
// section, underlined links and terms, and the audit-chain head in the
// footer. The same edition always gives the same bytes.
package policypdf

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"legco.kz/compliance/reports/pdfkit"
	"legco.kz/compliance/store/policydoc"
)

// Layout selects the language(s) of the PDF.
type Layout int

const (
	// RU: Russian only, one column.
	RU Layout = iota + 1
	// KK: Kazakh only, one column.
	KK
	// RUKK: bilingual, Russian left column, Kazakh right column.
	RUKK
)

func (l Layout) String() string {
	switch l {
	case RU:
		return "ru"
	case KK:
		return "kk"
	case RUKK:
		return "ru-kk"
	}
	return fmt.Sprintf("Layout(%d)", int(l))
}

// ParseLayout accepts "ru", "kk" and "ru-kk" (also "rukk", "ru+kk").
func ParseLayout(s string) (Layout, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "ru":
		return RU, nil
	case "kk", "kz":
		return KK, nil
	case "ru-kk", "rukk", "ru+kk", "ru/kk", "":
		return RUKK, nil
	}
	return 0, fmt.Errorf("policypdf: unknown layout %q (want ru, kk or ru-kk)", s)
}

// langs returns the languages of the columns, left to right.
func (l Layout) langs() []policydoc.Lang {
	switch l {
	case RU:
		return []policydoc.Lang{policydoc.RU}
	case KK:
		return []policydoc.Lang{policydoc.KK}
	}
	return []policydoc.Lang{policydoc.RU, policydoc.KK}
}

// Edition statuses with a meaning for the PDF; other values print as
// given to the metadata only.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
)

// Edition is what is printed.
type Edition struct {
	Number int
	Status string
	// UpdatedOn is printed as «Дата последнего обновления»; EffectiveOn
	// as the date the edition takes effect. Either may be zero for a
	// draft.
	UpdatedOn, EffectiveOn time.Time
	Author                 string
	Doc                    *policydoc.Document
	// AuditHead is the workspace's audit-chain head, printed in the
	// footer of every page. The published privacy.pdf leaves it empty:
	// it is a public document, and it must come out byte-identical for
	// the same edition however the workspace has moved on since.
	AuditHead string
	// SHA256 is the edition's content hash (hex); its first 16 digits are
	// printed in the footer, so a printed page names the exact text.
	SHA256 string
}

// IsDraft reports whether the edition prints as a draft («ПРОЕКТ /
// ЖОБА» label and watermark): its status is draft, or it has no
// effective date yet.
func (e Edition) IsDraft() bool {
	return strings.EqualFold(e.Status, StatusDraft) || e.EffectiveOn.IsZero()
}

// Typography, in points and millimetres.
const (
	titleSize   = 13.0
	headingSize = 10.5
	bodySize    = 9.5  // two columns
	singleSize  = 10.5 // one column
	metaSize    = 8.5
	columnGap   = 7.0
	itemIndent  = 6.0
	subIndent   = 4.0 // clauses three levels deep (1.1.1)
)

// singleMargins narrow the one-column layouts to a readable measure.
var singleMargins = pdfkit.Margins{Left: 27, Top: 18, Right: 22, Bottom: 22}

// labels in both languages.
var (
	updatedLabel   = map[policydoc.Lang]string{policydoc.RU: "Дата последнего обновления: ", policydoc.KK: "Соңғы өзгеріс енгізілген күн: "}
	effectiveLabel = map[policydoc.Lang]string{policydoc.RU: "Дата вступления в силу: ", policydoc.KK: "Күшіне ену күні: "}
	draftLabel     = map[policydoc.Lang]string{policydoc.RU: "ПРОЕКТ", policydoc.KK: "ЖОБА"}
	defaultTitle   = map[policydoc.Lang]string{policydoc.RU: "Политика конфиденциальности", policydoc.KK: "Құпиялылық саясаты"}
)

func editionLabel(l policydoc.Lang, n int) string {
	if l == policydoc.KK {
		return fmt.Sprintf("№ %d редакция", n)
	}
	return fmt.Sprintf("Редакция № %d", n)
}

func subjectText(l policydoc.Lang, n int) string {
	if l == policydoc.KK {
		return fmt.Sprintf("LegCo құпиялылық саясаты, № %d редакция", n)
	}
	return fmt.Sprintf("Политика конфиденциальности LegCo, редакция № %d", n)
}

// FormatDate prints DD.MM.YYYY, or "—" for the zero time.
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("02.01.2006")
}

// Render writes the edition as a PDF in the given layout.
func Render(w io.Writer, ed Edition, layout Layout) error {
	if ed.Doc == nil {
		return errors.New("policypdf: edition has no document")
	}
	if layout != RU && layout != KK && layout != RUKK {
		return fmt.Errorf("policypdf: invalid layout %d", int(layout))
	}
	pdf, err := newDocument(ed, layout)
	if err != nil {
		return err
	}
	pdf.AddPage()
	grid := gridFor(pdf, layout)
	if err := grid.Write(pdf, rows(ed, layout)...); err != nil {
		return fmt.Errorf("policypdf: %w", err)
	}
	return pdfkit.Write(pdf, w)
}

// title returns the document's title in language l.
func title(doc *policydoc.Document, l policydoc.Lang) string {
	for _, c := range doc.Clauses {
		if c.Kind == policydoc.KindTitle && !c.Text(l).IsEmpty() {
			return c.Text(l).Plain
		}
	}
	return defaultTitle[l]
}

func newDocument(ed Edition, layout Layout) (*fpdf.Fpdf, error) {
	primary := layout.langs()[0]
	opts := pdfkit.Options{
		Margins:   pdfkit.DefaultMargins,
		Title:     title(ed.Doc, primary),
		Author:    ed.Author,
		AuditHead: ed.AuditHead,
		Created:   ed.UpdatedOn,
		Modified:  ed.UpdatedOn,
	}
	if opts.Created.IsZero() {
		opts.Created, opts.Modified = ed.EffectiveOn, ed.EffectiveOn
	}
	var footer, subject, mark []string
	for _, l := range layout.langs() {
		footer = append(footer, editionLabel(l, ed.Number))
		subject = append(subject, subjectText(l, ed.Number))
		mark = append(mark, draftLabel[l])
	}
	opts.Subject = strings.Join(subject, " / ")
	opts.FooterText = strings.Join(footer, " / ")
	if len(ed.SHA256) >= 16 {
		opts.FooterText += " · SHA-256 " + ed.SHA256[:16]
	}
	opts.Keywords = "LegCo; privacy policy; " + layout.String()
	if layout != RUKK {
		opts.Margins = singleMargins
	}
	switch layout {
	case KK:
		opts.Lang = "kk-KZ"
	default:
		// An untagged PDF has one language; the bilingual edition is
		// declared by its first column.
		opts.Lang = "ru-KZ"
	}
	if ed.IsDraft() {
		opts.Watermark = strings.Join(mark, " / ")
		opts.FooterText = opts.Watermark + " · " + opts.FooterText
	}
	running := make([]string, 0, 2)
	for _, l := range layout.langs() {
		running = append(running, defaultTitle[l])
	}
	runningText := "LegCo · " + strings.Join(running, " / ")
	opts.Header = func(pdf *fpdf.Fpdf, page int) {
		if page < 2 {
			return
		}
		l, t, _, _ := pdf.GetMargins()
		pdf.SetTextColor(pdfkit.FooterColor[0], pdfkit.FooterColor[1], pdfkit.FooterColor[2])
		pdfkit.SetFont(pdf, false, 7.5)
		pdf.Text(l, t-6, runningText)
		pdf.SetTextColor(0, 0, 0)
	}
	return pdfkit.New(opts)
}

func gridFor(pdf *fpdf.Fpdf, layout Layout) pdfkit.Grid {
	if layout == RUKK {
		g := pdfkit.Columns(pdf, 2, columnGap)
		g.Divider = true
		return g
	}
	return pdfkit.Columns(pdf, 1, 0)
}

// runs converts a clause text to styled runs: underline spans kept, the
// defined term of a definition in bold, the label (number) in bold.
func runs(c policydoc.Clause, l policydoc.Lang) []pdfkit.Run {
	t := c.Text(l)
	var out []pdfkit.Run
	if c.Label() != "" && c.Kind != policydoc.KindHeading {
		out = append(out, pdfkit.Run{Text: c.Label() + " ", Bold: true})
	}
	term := 0
	if c.Kind == policydoc.KindTerm {
		term = policydoc.TermLength(t)
	}
	pos := 0
	for _, s := range t.Segments() {
		rs := []rune(s.Text)
		if term > pos { // split off the bold term
			k := min(term-pos, len(rs))
			out = append(out, pdfkit.Run{Text: string(rs[:k]), Bold: true, Underline: s.Underline})
			rs = rs[k:]
			pos += k
		}
		if len(rs) > 0 {
			out = append(out, pdfkit.Run{Text: string(rs), Underline: s.Underline})
			pos += len(rs)
		}
	}
	if c.Kind == policydoc.KindHeading {
		if c.Label() != "" {
			out = append([]pdfkit.Run{{Text: c.Label() + " "}}, out...)
		}
		for i := range out {
			out[i].Bold = true
		}
	}
	return out
}

// depth is the number of levels of a clause number ("1.1.1" → 3).
func depth(number string) int {
	if number == "" {
		return 0
	}
	return strings.Count(number, ".") + 1
}

// paragraph formats one clause in one language.
func paragraph(c policydoc.Clause, l policydoc.Lang, size float64) pdfkit.Paragraph {
	p := pdfkit.Paragraph{Runs: runs(c, l), Size: size, Align: pdfkit.AlignJustify, Leading: 1.32, Hyphenate: true}
	switch c.Kind {
	case policydoc.KindTitle:
		p.Size, p.Align, p.Leading, p.Hyphenate = titleSize, pdfkit.AlignCenter, 1.25, false
		for i := range p.Runs {
			p.Runs[i].Bold = true
		}
	case policydoc.KindHeading:
		p.Size, p.Align, p.Leading, p.Hyphenate = headingSize, pdfkit.AlignCenter, 1.25, false
		p.KeepWithNext = true
	case policydoc.KindItem:
		p.Indent, p.Bullet = itemIndent, "–"
	case policydoc.KindClause:
		if depth(c.Number) >= 3 {
			p.Indent = subIndent
		}
	}
	return p
}

// spacing above a clause, by kind.
func spaceBefore(c, prev policydoc.Clause) float64 {
	switch c.Kind {
	case policydoc.KindTitle:
		return 0
	case policydoc.KindHeading:
		return 5
	case policydoc.KindItem:
		return 0.4
	case policydoc.KindTerm:
		return 1
	}
	if prev.Kind == policydoc.KindHeading {
		return 1.5
	}
	if c.Kind == policydoc.KindParagraph && c.Number == "" && prev.Number != "" {
		return 4 // the closing line after the last clause
	}
	return 1.8
}

// metaLines are the lines under the title: draft label, edition,
// last update and entry into force.
func metaLines(ed Edition, l policydoc.Lang) []pdfkit.Paragraph {
	var ps []pdfkit.Paragraph
	line := func(text string, bold bool) {
		ps = append(ps, pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: text, Bold: bold}}, Size: metaSize, Align: pdfkit.AlignCenter, Leading: 1.35})
	}
	if ed.IsDraft() {
		line(draftLabel[policydoc.RU]+" / "+draftLabel[policydoc.KK], true)
	}
	line(editionLabel(l, ed.Number), false)
	line(updatedLabel[l]+FormatDate(ed.UpdatedOn), false)
	if !ed.EffectiveOn.IsZero() {
		line(effectiveLabel[l]+FormatDate(ed.EffectiveOn), false)
	}
	ps[0].SpaceBefore = 2.5
	return ps
}

// rows builds the grid rows: one per clause, the meta lines after the
// title, a bookmark per heading.
func rows(ed Edition, layout Layout) []pdfkit.Row {
	langs := layout.langs()
	size := bodySize
	if layout != RUKK {
		size = singleSize
	}
	var out []pdfkit.Row
	prev := policydoc.Clause{}
	titleDone := false
	addMeta := func(space float64) {
		row := pdfkit.Row{SpaceBefore: space}
		for _, l := range langs {
			row.Cells = append(row.Cells, metaLines(ed, l))
		}
		out = append(out, row)
		titleDone = true
	}
	for _, c := range ed.Doc.Clauses {
		empty := true
		for _, l := range langs {
			if !c.Text(l).IsEmpty() {
				empty = false
			}
		}
		if empty {
			continue // e.g. a Russian-only clause in the Kazakh PDF
		}
		if c.Kind != policydoc.KindTitle && !titleDone {
			addMeta(0)
		}
		if c.Kind == policydoc.KindItem && len(out) > 0 && prev.Kind != policydoc.KindTitle {
			// list items stay in their clause's row: the list flows
			// without gaps, the next clause starts level again
			row := &out[len(out)-1]
			for i, l := range langs {
				if !c.Text(l).IsEmpty() {
					p := paragraph(c, l, size)
					p.SpaceBefore = spaceBefore(c, prev)
					row.Cells[i] = append(row.Cells[i], p)
				}
			}
			prev = c
			continue
		}
		row := pdfkit.Row{SpaceBefore: spaceBefore(c, prev)}
		for _, l := range langs {
			if c.Text(l).IsEmpty() {
				row.Cells = append(row.Cells, nil)
				continue
			}
			row.Cells = append(row.Cells, []pdfkit.Paragraph{paragraph(c, l, size)})
		}
		if c.Kind == policydoc.KindHeading {
			row.KeepWithNext = true
			mark := bookmarkText(c, langs)
			row.OnStart = func(pdf *fpdf.Fpdf, y float64) { pdfkit.Bookmark(pdf, mark, 0, y) }
		}
		out = append(out, row)
		if c.Kind == policydoc.KindTitle && !titleDone {
			addMeta(0)
			out = append(out, pdfkit.Row{SpaceBefore: 4}) // gap before the body
		}
		prev = c
	}
	if !titleDone {
		addMeta(0)
	}
	return out
}

// bookmarkText is the heading in the first column's language (the
// other if that one is empty), with its number.
func bookmarkText(c policydoc.Clause, langs []policydoc.Lang) string {
	t := c.Text(langs[0])
	if t.IsEmpty() && len(langs) > 1 {
		t = c.Text(langs[1])
	}
	if c.Label() != "" {
		return c.Label() + " " + t.Plain
	}
	return t.Plain
}
