package policy

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/policydoc"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/shell"
)

// formatDate prints a calendar date in the UI language's one date format
// (shell.DateLayout), or "—" for none. Instants (created, published) go
// through shell.FormatTime, in the workspace's time zone.
func formatDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format(shell.DateLayout())
}

// StatusText names an edition status in the UI language.
func StatusText(s store.EditionStatus) string {
	switch s {
	case store.EditionDraft:
		return lang.L("Draft")
	case store.EditionPublished:
		return lang.L("In force")
	case store.EditionRetired:
		return lang.L("Retired")
	}
	return string(s)
}

func statusColor(s store.EditionStatus) fyne.ThemeColorName {
	switch s {
	case store.EditionDraft:
		return theme.ColorNameWarning
	case store.EditionPublished:
		return theme.ColorNameSuccess
	}
	return theme.ColorNameDisabled
}

// KindText names a clause kind in the UI language.
func KindText(k policydoc.Kind) string {
	switch k {
	case policydoc.KindTitle:
		return lang.L("Document title")
	case policydoc.KindHeading:
		return lang.L("Section heading")
	case policydoc.KindClause:
		return lang.L("Numbered clause")
	case policydoc.KindItem:
		return lang.L("List item")
	case policydoc.KindTerm:
		return lang.L("Defined term")
	case policydoc.KindParagraph:
		return lang.L("Plain paragraph")
	}
	return string(k)
}

// kinds in the order the kind selector lists them.
var kinds = []policydoc.Kind{policydoc.KindTitle, policydoc.KindHeading, policydoc.KindClause,
	policydoc.KindItem, policydoc.KindTerm, policydoc.KindParagraph}

// LangText names a policy language ("" = both) in the UI language.
func LangText(l policydoc.Lang) string {
	switch l {
	case policydoc.RU:
		return lang.L("Russian text")
	case policydoc.KK:
		return lang.L("Kazakh text")
	}
	return lang.L("both texts")
}

// problemMessage is a finding's message in the UI language: Kazakh where
// the finding has one (glossary and language findings), else Russian for a
// Russian or Kazakh UI, English otherwise.
func problemMessage(p policydoc.Problem) string {
	if i18n.Current() == i18n.Kazakh && p.MessageKK != "" {
		return p.MessageKK
	}
	if i18n.Current() == i18n.English || p.MessageRU == "" {
		return p.Message
	}
	if i18n.Current() == i18n.Kazakh {
		if kk, ok := kazakhProblem(p); ok {
			return kk
		}
	}
	return p.MessageRU
}

// clauseName is how a clause key is shown: "1.6", "1.4 [3]", "¶ 10".
func clauseName(key string) string {
	if key == "" {
		return lang.L("whole document")
	}
	return key
}

// badge is a small rounded tag with bold text on a coloured ground.
type badge struct {
	widget.BaseWidget
	bg   *canvas.Rectangle
	text *canvas.Text
}

func newBadge(text string, fill fyne.ThemeColorName) *badge {
	b := &badge{bg: canvas.NewRectangle(color.Transparent), text: canvas.NewText(text, color.White)}
	b.bg.CornerRadius = 4
	b.text.TextStyle = fyne.TextStyle{Bold: true}
	b.text.TextSize = theme.CaptionTextSize() + 1
	b.text.Alignment = fyne.TextAlignCenter
	b.ExtendBaseWidget(b)
	b.Set(text, fill)
	return b
}

// Set changes the badge's text and colour.
func (b *badge) Set(text string, fill fyne.ThemeColorName) {
	b.text.Text = text
	c := theme.Color(fill)
	b.bg.FillColor = c
	b.text.Color = theme.Color(theme.ColorNameForegroundOnSuccess)
	if fill == theme.ColorNameWarning {
		b.text.Color = theme.Color(theme.ColorNameForegroundOnWarning)
	}
	if fill == theme.ColorNameDisabled {
		b.text.Color = theme.Color(theme.ColorNameForeground)
		b.bg.FillColor = theme.Color(theme.ColorNameDisabledButton)
	}
	b.Refresh()
}

// Text is the badge's text.
func (b *badge) Text() string { return b.text.Text }

func (b *badge) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(b.bg, container.New(&padLayout{h: 8, v: 3}, b.text)))
}

// padLayout pads its objects by fixed amounts.
type padLayout struct{ h, v float32 }

func (p *padLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(p.h, p.v))
		o.Resize(fyne.NewSize(size.Width-2*p.h, size.Height-2*p.v))
	}
}

func (p *padLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s.Add(fyne.NewSize(2*p.h, 2*p.v))
}

// banner is a full-width notice on a tinted ground with an icon: the
// read-only notice of published editions, the role notice.
func banner(icon fyne.Resource, fill fyne.ThemeColorName, head, text *widget.Label) fyne.CanvasObject {
	c := theme.Color(fill)
	r, g, b, _ := c.RGBA()
	bg := canvas.NewRectangle(color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 40})
	bg.StrokeColor = c
	bg.StrokeWidth = 1
	bg.CornerRadius = 4
	head.TextStyle = fyne.TextStyle{Bold: true}
	text.Wrapping = fyne.TextWrapWord
	body := container.NewBorder(nil, nil, container.NewCenter(widget.NewIcon(icon)), nil, container.NewVBox(head, text))
	return container.NewStack(bg, container.NewPadded(body))
}

// lineBanner is banner on one line: the title, then the text cut with
// "…" (a tap shows it whole). The editor uses it: the two-line banner of
// a published edition cost a clause at 1024×700.
func lineBanner(icon fyne.Resource, fill fyne.ThemeColorName, head *widget.Label, text *shell.TruncLabel) fyne.CanvasObject {
	c := theme.Color(fill)
	r, g, b, _ := c.RGBA()
	bg := canvas.NewRectangle(color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 40})
	bg.StrokeColor = c
	bg.StrokeWidth = 1
	bg.CornerRadius = 4
	head.TextStyle = fyne.TextStyle{Bold: true}
	body := container.NewBorder(nil, nil, container.NewHBox(widget.NewIcon(icon), head), nil, text)
	return container.NewStack(bg, body)
}

// minHeight is an invisible object that makes a box at least h tall.
func minHeight(h float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(0, h))
	return r
}

func setEnabled(w fyne.Disableable, on bool) {
	if w == nil {
		return
	}
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}
