package theme

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	fynetheme "fyne.io/fyne/v2/theme"
)

func luminance(c color.Color) float64 {
	r, g, b, _ := color.NRGBAModel.Convert(c).RGBA()
	lin := func(v uint32) float64 {
		s := float64(v>>8) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// over composites a (possibly translucent) colour over an opaque one.
func over(top, bottom color.Color) color.Color {
	t := color.NRGBAModel.Convert(top).(color.NRGBA)
	b := color.NRGBAModel.Convert(bottom).(color.NRGBA)
	a := float64(t.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{R: mix(t.R, b.R), G: mix(t.G, b.G), B: mix(t.B, b.B), A: 0xff}
}

// Contrast is WCAG 2's contrast ratio of two opaque colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestTextContrast checks every text colour the screens use against every
// background it is drawn on, in both variants: WCAG AA asks 4.5:1 for
// normal-size text. Fyne's own palette fails it (light "disabled" grey
// #e3e3e3 on white is 1.3:1: the grey footers «Найдено: 265»).
func TestTextContrast(t *testing.T) {
	texts := []fyne.ThemeColorName{fynetheme.ColorNameForeground, fynetheme.ColorNameDisabled,
		fynetheme.ColorNamePlaceHolder, fynetheme.ColorNamePrimary, fynetheme.ColorNameHyperlink,
		fynetheme.ColorNameError, fynetheme.ColorNameWarning, fynetheme.ColorNameSuccess}
	backgrounds := []fyne.ThemeColorName{fynetheme.ColorNameBackground, fynetheme.ColorNameInputBackground,
		fynetheme.ColorNameHeaderBackground, fynetheme.ColorNameMenuBackground, fynetheme.ColorNameOverlayBackground,
		fynetheme.ColorNameButton}
	// Translucent layers drawn on the background under text.
	layers := []fyne.ThemeColorName{"", fynetheme.ColorNameHover, fynetheme.ColorNameSelection}
	onFills := map[fyne.ThemeColorName]fyne.ThemeColorName{
		fynetheme.ColorNameForegroundOnPrimary: fynetheme.ColorNamePrimary,
		fynetheme.ColorNameForegroundOnError:   fynetheme.ColorNameError,
		fynetheme.ColorNameForegroundOnWarning: fynetheme.ColorNameWarning,
		fynetheme.ColorNameForegroundOnSuccess: fynetheme.ColorNameSuccess,
	}
	for _, v := range []fyne.ThemeVariant{fynetheme.VariantLight, fynetheme.VariantDark} {
		th := NewVariant(v)
		name := map[fyne.ThemeVariant]string{fynetheme.VariantLight: "light", fynetheme.VariantDark: "dark"}[v]
		checked := 0
		for _, bgName := range backgrounds {
			for _, layer := range layers {
				bg := th.Color(bgName, v)
				if layer != "" {
					bg = over(th.Color(layer, v), bg)
				}
				for _, fg := range texts {
					// On hover and selection rows only plain text is drawn.
					if layer != "" && fg != fynetheme.ColorNameForeground && fg != fynetheme.ColorNameDisabled {
						continue
					}
					c := contrast(th.Color(fg, v), bg)
					checked++
					if c < 4.5 {
						t.Errorf("%s: text %s on %s%s: contrast %.2f:1, want ≥ 4.5:1", name, fg, bgName, plus(layer), c)
					}
				}
			}
		}
		for fg, fill := range onFills {
			checked++
			if c := contrast(th.Color(fg, v), th.Color(fill, v)); c < 4.5 {
				t.Errorf("%s: text %s on %s: contrast %.2f:1, want ≥ 4.5:1", name, fg, fill, c)
			}
		}
		if checked < 40 {
			t.Fatalf("%s: only %d pairs checked", name, checked)
		}
	}
	// The check must be able to fail: Fyne's own light palette does.
	if c := contrast(fynetheme.DefaultTheme().Color(fynetheme.ColorNameDisabled, fynetheme.VariantLight),
		fynetheme.DefaultTheme().Color(fynetheme.ColorNameBackground, fynetheme.VariantLight)); c >= 4.5 {
		t.Errorf("Fyne's disabled grey now passes (%.2f:1): is the contrast formula broken?", c)
	}
}

func plus(layer fyne.ThemeColorName) string {
	if layer == "" {
		return ""
	}
	return "+" + string(layer)
}

func TestFontsAreTheProjects(t *testing.T) {
	th := New()
	if th.Font(fyne.TextStyle{}).Name() != "NotoSans-Regular.ttf" || th.Font(fyne.TextStyle{Italic: true}).Name() != "NotoSans-Regular.ttf" {
		t.Errorf("regular/italic font = %s", th.Font(fyne.TextStyle{}).Name())
	}
	if th.Font(fyne.TextStyle{Bold: true}).Name() != "NotoSans-Bold.ttf" || th.Font(fyne.TextStyle{Bold: true, Italic: true}).Name() != "NotoSans-Bold.ttf" {
		t.Errorf("bold font = %s", th.Font(fyne.TextStyle{Bold: true}).Name())
	}
	if len(th.Font(fyne.TextStyle{Bold: true}).Content()) < 100000 {
		t.Error("bold font is not the full Noto Sans Bold")
	}
}

// render draws text in bold at the default text size with th on Fyne's
// software test renderer and returns the image and the text's origin.
func renderBold(t *testing.T, th fyne.Theme, text string) (image.Image, fyne.Size) {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(th)
	txt := canvas.NewText(text, color.Black)
	txt.TextStyle = fyne.TextStyle{Bold: true}
	w := test.NewTempWindow(t, container.NewStack(canvas.NewRectangle(color.White), txt))
	w.SetPadded(false)
	size := txt.MinSize()
	w.Resize(size)
	return w.Canvas().Capture(), size
}

// dotted reports whether the letter drawn between x0 and x1 (pixels) has
// a separate dot above its stem: some column there, read top to bottom,
// has ink, then a gap, then ink again.
func dotted(img image.Image, x0, x1 int) bool {
	b := img.Bounds()
	ink := func(x, y int) bool {
		r, g, bl, _ := img.At(x, y).RGBA()
		return (r+g+bl)/3 < 0x8000
	}
	for x := max(x0, b.Min.X); x < min(x1, b.Max.X); x++ {
		state := 0 // 0 before ink, 1 in the dot, 2 in the gap
		for y := b.Min.Y; y < b.Max.Y; y++ {
			switch {
			case state == 0 && ink(x, y):
				state = 1
			case state == 1 && !ink(x, y):
				state = 2
			case state == 2 && ink(x, y):
				return true
			}
		}
	}
	return false
}

// TestBoldKazakhIHasItsDot renders «Тіркеу деректері» in bold at the
// default size and finds the dot of the first «і».
func TestBoldKazakhIHasItsDot(t *testing.T) {
	const phrase = "Тіркеу деректері"
	th := New()
	img, _ := renderBold(t, th, phrase)
	if f := os.Getenv("LEGCO_DOT_PNG"); f != "" {
		out, _ := os.Create(f)
		png.Encode(out, img)
		out.Close()
	}
	scale := float32(img.Bounds().Dx()) / fyne.MeasureText(phrase, fynetheme.TextSize(), fyne.TextStyle{Bold: true}).Width
	x0 := int(fyne.MeasureText("Т", fynetheme.TextSize(), fyne.TextStyle{Bold: true}).Width * scale)
	x1 := int(fyne.MeasureText("Ті", fynetheme.TextSize(), fyne.TextStyle{Bold: true}).Width*scale) + 1
	if !dotted(img, x0, x1) {
		t.Errorf("bold «і» of %q at %.0f pt has no dot (columns %d–%d)", phrase, fynetheme.TextSize(), x0, x1)
	}
	// The probe must see the difference: the dotless «ı» has no dot.
	img2, _ := renderBold(t, th, "Тıркеу деректерı")
	if dotted(img2, x0, x1) {
		t.Error("the dot probe finds a dot on the dotless «ı»: it cannot fail")
	}
}
