// Package theme is the workstation's Fyne theme: the project's own Noto
// Sans (assets/fonts, the same files the PDFs embed) for regular and bold
// text, so Kazakh letters look the same at every size and weight on screen
// and on paper, and a palette in which every text colour meets WCAG AA
// (4.5:1) on the backgrounds it is drawn on, in light and dark variants.
//
// ui.Start installs it (a.Settings().SetTheme(theme.New())); tests of a
// screen can do the same on their test app.
package theme

import (
	"image/color"
	"io/fs"

	"fyne.io/fyne/v2"
	fynetheme "fyne.io/fyne/v2/theme"

	"legco.kz/compliance/assets"
)

// Font files inside assets.FS.
const (
	RegularFontPath = "fonts/NotoSans-Regular.ttf"
	BoldFontPath    = "fonts/NotoSans-Bold.ttf"
)

var (
	regular = mustFont(RegularFontPath)
	bold    = mustFont(BoldFontPath)
)

func mustFont(p string) fyne.Resource {
	b, err := fs.ReadFile(assets.FS, p)
	if err != nil {
		// The fonts are embedded in the binary: a missing one is a build
		// error, not a run-time condition.
		panic("theme: embedded font " + p + ": " + err.Error())
	}
	return fyne.NewStaticResource(p[len("fonts/"):], withoutCyrillicCCMP(b))
}

// Theme is the workstation's theme. Sizes and icons are Fyne's.
type Theme struct {
	base fyne.Theme
	// variant forces light or dark (tests); -1 follows the system.
	variant fyne.ThemeVariant
	forced  bool
}

// New returns the theme following the system's light/dark preference.
func New() *Theme { return &Theme{base: fynetheme.DefaultTheme()} }

// NewVariant returns the theme always in variant (fynetheme.VariantLight
// or VariantDark).
func NewVariant(v fyne.ThemeVariant) *Theme {
	return &Theme{base: fynetheme.DefaultTheme(), variant: v, forced: true}
}

// Font returns Noto Sans bold for bold text (bold italic too) and Noto
// Sans regular for regular and italic text. Monospace (hashes, paths) and
// symbols stay Fyne's: DejaVu Sans Mono has every Kazakh letter, and a
// proportional font would break the column alignment of hashes.
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	switch {
	case s.Monospace, s.Symbol:
		return t.base.Font(s)
	case s.Bold:
		return bold
	}
	return regular
}

// Icon returns Fyne's icon.
func (t *Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

// Size returns Fyne's size.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 { return t.base.Size(n) }

// Color returns the palette's colour for n: Fyne's, except the text
// colours that miss 4.5:1 against their backgrounds in Fyne's palette
// (light grey "disabled" and placeholder text, white on orange and
// green, orange and red text on white).
func (t *Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.forced {
		v = t.variant
	}
	p := lightPalette
	if v == fynetheme.VariantDark {
		p = darkPalette
	}
	if c, ok := p[n]; ok {
		return c
	}
	return t.base.Color(n, v)
}

func rgb(r, g, b uint8) color.NRGBA     { return color.NRGBA{R: r, G: g, B: b, A: 0xff} }
func rgba(r, g, b, a uint8) color.NRGBA { return color.NRGBA{R: r, G: g, B: b, A: a} }

// The palettes list only what differs from Fyne's default theme. The
// "on" colours differ by one unit so that markup goldens, which name a
// colour by the first theme colour equal to it, stay unambiguous.
var lightPalette = map[fyne.ThemeColorName]color.Color{
	fynetheme.ColorNameForeground:          rgb(0x30, 0x30, 0x30),
	fynetheme.ColorNameDisabled:            rgb(0x5c, 0x5c, 0x5c),
	fynetheme.ColorNamePlaceHolder:         rgb(0x6b, 0x6b, 0x6b),
	fynetheme.ColorNamePrimary:             rgb(0x15, 0x65, 0xc0),
	fynetheme.ColorNameHyperlink:           rgb(0x0d, 0x47, 0xa1),
	fynetheme.ColorNameFocus:               rgba(0x15, 0x65, 0xc0, 0x2a),
	fynetheme.ColorNameSelection:           rgba(0x15, 0x65, 0xc0, 0x30),
	fynetheme.ColorNameError:               rgb(0xc6, 0x28, 0x28),
	fynetheme.ColorNameWarning:             rgb(0xa8, 0x4e, 0x00),
	fynetheme.ColorNameSuccess:             rgb(0x2e, 0x7d, 0x32),
	fynetheme.ColorNameForegroundOnPrimary: rgb(0xff, 0xff, 0xff),
	fynetheme.ColorNameForegroundOnError:   rgb(0xff, 0xff, 0xfe),
	fynetheme.ColorNameForegroundOnWarning: rgb(0xff, 0xfe, 0xff),
	fynetheme.ColorNameForegroundOnSuccess: rgb(0xfe, 0xff, 0xff),
}

var darkPalette = map[fyne.ThemeColorName]color.Color{
	fynetheme.ColorNameDisabled:            rgb(0xb4, 0xb4, 0xb4),
	fynetheme.ColorNamePlaceHolder:         rgb(0xa8, 0xa8, 0xa8),
	fynetheme.ColorNamePrimary:             rgb(0x64, 0xb5, 0xf6),
	fynetheme.ColorNameHyperlink:           rgb(0x90, 0xca, 0xf9),
	fynetheme.ColorNameFocus:               rgba(0x64, 0xb5, 0xf6, 0x40),
	fynetheme.ColorNameSelection:           rgba(0x64, 0xb5, 0xf6, 0x38),
	fynetheme.ColorNameError:               rgb(0xf6, 0x6b, 0x60),
	fynetheme.ColorNameWarning:             rgb(0xff, 0xa7, 0x26),
	fynetheme.ColorNameSuccess:             rgb(0x66, 0xbb, 0x6a),
	fynetheme.ColorNameForegroundOnPrimary: rgb(0x17, 0x17, 0x18),
	fynetheme.ColorNameForegroundOnError:   rgb(0x17, 0x17, 0x19),
	fynetheme.ColorNameForegroundOnWarning: rgb(0x17, 0x18, 0x18),
	fynetheme.ColorNameForegroundOnSuccess: rgb(0x18, 0x17, 0x18),
}
