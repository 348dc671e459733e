package goldens

import (
	"fmt"
	"reflect"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// widest lists the deepest objects under o whose minimum width is over
// limit (what to fix when a screen is too wide).
func widest(o fyne.CanvasObject, limit float32, depth int, out *[]string) bool {
	if o == nil || !o.Visible() || o.MinSize().Width <= limit {
		return false
	}
	var kids []fyne.CanvasObject
	switch x := o.(type) {
	case *fyne.Container:
		kids = x.Objects
	case fyne.Widget:
		r := widgetRenderer(x)
		if r != nil {
			kids = r.Objects()
		}
	}
	found := false
	for _, k := range kids {
		if widest(k, limit, depth+1, out) {
			found = true
		}
	}
	if !found {
		txt := ""
		switch x := o.(type) {
		case *widget.Label:
			txt = x.Text
		case *widget.Button:
			txt = x.Text
		case *widget.Select:
			txt = strings.Join(x.Options, "|")
		}
		*out = append(*out, fmt.Sprintf("%s %v %.0f %q", strings.Repeat(" ", depth), reflect.TypeOf(o), o.MinSize().Width, txt))
	}
	return true
}

func widgetRenderer(w fyne.Widget) fyne.WidgetRenderer { return test.WidgetRenderer(w) }

// drawnTexts returns the texts of the canvas.Text objects drawn under o
// (hidden objects and their children left out): what the renderer shows,
// tab titles included, which widget-level searches do not see.
func drawnTexts(o fyne.CanvasObject) []string {
	if o == nil || !o.Visible() {
		return nil
	}
	switch x := o.(type) {
	case *canvas.Text:
		return []string{x.Text}
	case *fyne.Container:
		var out []string
		for _, k := range x.Objects {
			out = append(out, drawnTexts(k)...)
		}
		return out
	case fyne.Widget:
		var out []string
		if r := test.WidgetRenderer(x); r != nil {
			for _, k := range r.Objects() {
				out = append(out, drawnTexts(k)...)
			}
		}
		return out
	}
	return nil
}
