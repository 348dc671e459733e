package shell

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Columns lays its objects out side by side with the given widths; the
// last column takes whatever width is left. When the space is narrower
// than the widths add up to, every column shrinks in proportion. Use the
// same Columns for a list's header and its rows so that they line up
// (a widget.List with a separate header scales to a million rows, unlike
// a Table with a header row).
type Columns struct {
	Widths []float32
	// Keep marks the columns that must not shrink (identifiers an officer
	// compares: account id, IIN, phone): when the space is short the
	// other columns (names, e-mail) give way first, down to a quarter of
	// their width, and only then does everything shrink. nil: every
	// column shrinks alike.
	Keep []bool
}

func (c *Columns) widths(total float32, n int) []float32 {
	return ColumnWidths(c.Widths, c.Keep, total, n)
}

// WidthsFor returns the widths of n columns laid out in total (for rows
// that place their cells themselves, like the Records list).
func (c *Columns) WidthsFor(total float32, n int) []float32 { return c.widths(total, n) }

// ColumnWidths is Columns' rule: the given widths; when they do not fit,
// the columns not kept shrink first, then all in proportion. Space to
// spare goes to the columns not kept (without Keep: to the last column).
func ColumnWidths(want []float32, keep []bool, total float32, n int) []float32 {
	pad := theme.Padding()
	out := make([]float32, n)
	var sum, flex float32
	for i := 0; i < n && i < len(want); i++ {
		out[i] = want[i]
		sum += want[i]
		if i >= len(keep) || !keep[i] {
			flex += want[i]
		}
	}
	avail := total - pad*float32(n-1)
	if sum > avail && flex > 0 && flex < sum {
		// The flexible columns give way, to a quarter of their width.
		f := max((flex-(sum-avail))/flex, 0.25)
		sum = 0
		for i := 0; i < n && i < len(want); i++ {
			if i >= len(keep) || !keep[i] {
				out[i] *= f
			}
			sum += out[i]
		}
	}
	if sum > avail && sum > 0 {
		scale := avail / sum
		for i := range out {
			out[i] *= scale
		}
		sum = avail
	}
	if n > 0 && avail > sum {
		// Room to spare (1920 px): the columns not kept grow in
		// proportion, so names and e-mails are read whole; with none
		// to grow, the last column takes the rest.
		if flex > 0 && keep != nil {
			f := (avail - sum) / flex
			for i := 0; i < n && i < len(want); i++ {
				if i >= len(keep) || !keep[i] {
					out[i] += want[i] * f
				}
			}
		} else {
			out[n-1] += avail - sum
		}
	}
	return out
}

// Layout implements fyne.Layout.
func (c *Columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := c.widths(size.Width, len(objs))
	x := float32(0)
	for i, o := range objs {
		h := o.MinSize().Height
		if h > size.Height {
			h = size.Height
		}
		o.Move(fyne.NewPos(x, (size.Height-h)/2))
		o.Resize(fyne.NewSize(w[i], h))
		x += w[i] + theme.Padding()
	}
}

// MinSize implements fyne.Layout: as tall as the tallest cell, and narrow,
// since columns shrink.
func (c *Columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		if m := o.MinSize().Height; m > h {
			h = m
		}
	}
	return fyne.NewSize(float32(len(objs))*24, h)
}

// CellLabel is a one-line label that truncates with an ellipsis.
func CellLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// HeaderRow builds a bold header for a list laid out with cols, on a
// slightly shaded background.
func HeaderRow(cols *Columns, titles ...string) fyne.CanvasObject {
	cells := make([]fyne.CanvasObject, len(titles))
	for i, t := range titles {
		l := CellLabel(t)
		l.TextStyle = fyne.TextStyle{Bold: true}
		cells[i] = l
	}
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	return container.NewStack(bg, container.New(cols, cells...))
}
