package records

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
)

// sortHeader is a column title that sorts the list by its column when
// tapped; the column the list is sorted by shows an arrow.
type sortHeader struct {
	widget.BaseWidget
	label *widget.Label
	arrow *widget.Icon
	onTap func()
}

func newSortHeader(title string, tap func()) *sortHeader {
	h := &sortHeader{label: widget.NewLabel(title), arrow: widget.NewIcon(theme.MenuDropDownIcon()), onTap: tap}
	h.label.TextStyle = fyne.TextStyle{Bold: true}
	h.label.Truncation = fyne.TextTruncateEllipsis
	h.arrow.Hide()
	h.ExtendBaseWidget(h)
	return h
}

// CreateRenderer implements fyne.Widget.
func (h *sortHeader) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, h.arrow, h.label))
}

// Tapped implements fyne.Tappable.
func (h *sortHeader) Tapped(*fyne.PointEvent) {
	if h.onTap != nil {
		h.onTap()
	}
}

// Cursor implements desktop.Cursorable: the title is clickable.
func (h *sortHeader) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (h *sortHeader) setActive(on bool) {
	if on {
		h.arrow.Show()
	} else {
		h.arrow.Hide()
	}
}

// sorted reports whether the arrow is shown (for tests).
func (h *sortHeader) sorted() bool { return h.arrow.Visible() }

// newHeader builds the list's header: the account id and name titles
// sort the list; the others are plain titles.
func (s *Screen) newHeader() fyne.CanvasObject {
	s.AccountHeader = newSortHeader(lang.L("Account id"), func() { s.SetOrder(store.OrderByAccountID) })
	s.NameHeader = newSortHeader(lang.L("Full name"), func() { s.SetOrder(store.OrderByName) })
	cells := []fyne.CanvasObject{s.AccountHeader, s.NameHeader}
	for _, t := range []string{lang.L("IIN"), lang.L("Phone"), lang.L("E-mail"), lang.L("State")} {
		l := widget.NewLabel(t)
		l.TextStyle = fyne.TextStyle{Bold: true}
		l.Truncation = fyne.TextTruncateEllipsis
		cells = append(cells, l)
	}
	s.showOrder()
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	return container.NewStack(bg, container.New(columns, cells...))
}

// showOrder marks the column the list is sorted by.
func (s *Screen) showOrder() {
	s.AccountHeader.setActive(s.order == store.OrderByAccountID)
	s.NameHeader.setActive(s.order == store.OrderByName)
}

// SetOrder sorts the list by name (store.OrderByName, the default) or by
// account id, and reads it again.
func (s *Screen) SetOrder(o store.UserOrder) {
	if o == s.order {
		return
	}
	s.order = o
	s.showOrder()
	s.Reload()
}

// Order is the list's order.
func (s *Screen) Order() store.UserOrder { return s.order }
