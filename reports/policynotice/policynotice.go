// Package policynotice renders the notice of changes of a new privacy
// policy edition: the changed clauses with their old and new wording, in
// Russian, Kazakh, or both side by side, as a PDF for the website and
// e-mail attachments.
package policynotice

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"legco.kz/compliance/reports/pdfkit"
	"legco.kz/compliance/reports/policypdf"
	"legco.kz/compliance/store/policydoc"
)

// Layout is policypdf's: RU, KK or RUKK (Russian left, Kazakh right).
type Layout = policypdf.Layout

// ParseLayout accepts ru, kk and ru+kk (also ru-kk).
func ParseLayout(s string) (Layout, error) { return policypdf.ParseLayout(s) }

func langsOf(l Layout) []policydoc.Lang {
	switch l {
	case policypdf.RU:
		return []policydoc.Lang{policydoc.RU}
	case policypdf.KK:
		return []policydoc.Lang{policydoc.KK}
	}
	return []policydoc.Lang{policydoc.RU, policydoc.KK}
}

// Options are what the notice prints besides its text.
type Options struct {
	// Date is the notice's date (metadata and the dateline); zero prints
	// no dateline. Pass the publication date, not time.Now(), so the same
	// notice gives the same bytes.
	Date time.Time
	// Draft prints «ПРОЕКТ / ЖОБА» (the edition is not published yet).
	Draft bool
}

const (
	titleSize = 13.0
	bodySize  = 9.5
	oneSize   = 10.5
)

// Render writes the notice as a PDF.
func Render(w io.Writer, n *policydoc.Notice, layout Layout, opt Options) error {
	if n == nil {
		return errors.New("policynotice: no notice")
	}
	langs := langsOf(layout)
	size := oneSize
	if len(langs) == 2 {
		size = bodySize
	}
	var titles, marks []string
	for _, l := range langs {
		t, _, _ := n.Texts(l)
		titles = append(titles, t)
		if l == policydoc.KK {
			marks = append(marks, "ЖОБА")
		} else {
			marks = append(marks, "ПРОЕКТ")
		}
	}
	opts := pdfkit.Options{
		Title:      pdfkit.Clean(strings.Join(titles, " / ")),
		Subject:    fmt.Sprintf("LegCo: privacy policy, edition %d replacing %d", n.To, n.From),
		Author:     "K&T Partners LLP",
		Keywords:   "LegCo; privacy policy; notice of changes",
		Lang:       "ru-KZ",
		Created:    opt.Date,
		Modified:   opt.Date,
		Margins:    pdfkit.DefaultMargins,
		FooterText: fmt.Sprintf("№ %d — № %d", n.From, n.To),
	}
	if layout == policypdf.KK {
		opts.Lang = "kk-KZ"
	}
	if opt.Draft {
		opts.Watermark = strings.Join(marks, " / ")
		opts.FooterText = opts.Watermark + " · " + opts.FooterText
	}
	pdf, err := pdfkit.New(opts)
	if err != nil {
		return err
	}
	pdf.AddPage()
	grid := pdfkit.Columns(pdf, len(langs), 7)
	grid.Divider = len(langs) == 2
	if err := grid.Write(pdf, rows(n, langs, size, opt)...); err != nil {
		return fmt.Errorf("policynotice: %w", err)
	}
	return pdfkit.Write(pdf, w)
}

func para(text string, size float64, bold bool) pdfkit.Paragraph {
	return pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: pdfkit.Clean(text), Bold: bold}}, Size: size, Align: pdfkit.AlignLeft}
}

// rows lays the notice out: the title, dateline and introduction, then
// per changed clause a heading, the old and the new wording, then the
// closing. In the bilingual layout each row holds both languages, so a
// clause starts level in both columns.
func rows(n *policydoc.Notice, langs []policydoc.Lang, size float64, opt Options) []pdfkit.Row {
	cells := func(f func(l policydoc.Lang) []pdfkit.Paragraph) [][]pdfkit.Paragraph {
		var out [][]pdfkit.Paragraph
		for _, l := range langs {
			out = append(out, f(l))
		}
		return out
	}
	var out []pdfkit.Row
	out = append(out, pdfkit.Row{Cells: cells(func(l policydoc.Lang) []pdfkit.Paragraph {
		title, intro, _ := n.Texts(l)
		ps := []pdfkit.Paragraph{{Runs: []pdfkit.Run{{Text: pdfkit.Clean(title), Bold: true}}, Size: titleSize, Align: pdfkit.AlignCenter, SpaceAfter: 3}}
		if !opt.Date.IsZero() {
			ps = append(ps, pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: policypdf.FormatDate(opt.Date)}}, Size: size, Align: pdfkit.AlignRight, SpaceAfter: 2})
		}
		if intro != "" {
			p := para(intro, size, false)
			p.Align = pdfkit.AlignJustify
			p.SpaceAfter = 2
			ps = append(ps, p)
		}
		return ps
	})})
	if len(n.Items) == 0 {
		out = append(out, pdfkit.Row{Cells: cells(func(l policydoc.Lang) []pdfkit.Paragraph {
			_, _, _, _, _, _, none := policydoc.NoticeLabels(l)
			return []pdfkit.Paragraph{para(none, size, false)}
		})})
	}
	for _, it := range n.Items {
		out = append(out, pdfkit.Row{SpaceBefore: 3, KeepWithNext: true, Cells: cells(func(l policydoc.Lang) []pdfkit.Paragraph {
			p := para(it.ItemHeading(l), size+0.5, true)
			p.KeepWithNext = true
			return []pdfkit.Paragraph{p}
		})})
		out = append(out, pdfkit.Row{Cells: cells(func(l policydoc.Lang) []pdfkit.Paragraph {
			_, _, _, was, now, none, _ := policydoc.NoticeLabels(l)
			old, nw := it.Wording(l)
			if old == "" {
				old = none
			}
			if nw == "" {
				nw = none
			}
			mk := func(label, text string) pdfkit.Paragraph {
				return pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: label + ": ", Bold: true}, {Text: pdfkit.Clean(text)}},
					Size: size, Align: pdfkit.AlignJustify, Indent: 4, SpaceAfter: 1}
			}
			if it.Unchanged(l) {
				note, label := policydoc.UnchangedLabels(l)
				p := pdfkit.Paragraph{Runs: []pdfkit.Run{{Text: note + "."}}, Size: size - 1, Indent: 4, SpaceAfter: 1}
				return []pdfkit.Paragraph{p, mk(label, old)}
			}
			return []pdfkit.Paragraph{mk(was, old), mk(now, nw)}
		})})
	}
	out = append(out, pdfkit.Row{SpaceBefore: 4, Cells: cells(func(l policydoc.Lang) []pdfkit.Paragraph {
		_, _, closing := n.Texts(l)
		if closing == "" {
			return nil
		}
		p := para(closing, size, false)
		p.Align = pdfkit.AlignJustify
		return []pdfkit.Paragraph{p}
	})})
	return out
}
