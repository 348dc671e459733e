package ui

import (
	"context"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

// notifyFor is how long a status-bar message stays.
const notifyFor = 8 * time.Second

// statusBar shows who is signed in, the audit head, the workspace file
// and short messages, and has the Lock button.
type statusBar struct {
	env *shell.Env

	Staff   *widget.Label
	Role    *widget.Label
	Head    *widget.Button
	File    *widget.Label
	Message *shell.TruncLabel
	Lock    *widget.Button
	Demo    fyne.CanvasObject // nil unless a demo workspace

	head    store.AuditHead
	msgGen  int
	content fyne.CanvasObject

	// On a narrow window (1024 px) the role, the file name and the words
	// «Audit head:» give way so that the features' items (the requests
	// due and overdue) are read whole rather than as «З…».
	narrow    bool
	wideOnly  []fyne.CanvasObject
	items     []fyne.CanvasObject
	left, bar fyne.CanvasObject
}

func newStatusBar(env *shell.Env) *statusBar {
	s := &statusBar{env: env}
	me := env.Me()
	s.Staff = widget.NewLabel(me.Name)
	s.Staff.TextStyle = fyne.TextStyle{Bold: true}
	s.Role = widget.NewLabel(shell.RoleName(me.Role))
	s.Head = widget.NewButtonWithIcon(lang.L("Audit head: …"), theme.ContentCopyIcon(), s.copyHead)
	s.Head.Importance = widget.LowImportance
	s.File = widget.NewLabel(filepath.Base(env.WS.Path()))
	// A cut confirmation shows whole on a tap.
	s.Message = shell.NewTruncLabel("")
	s.Message.Importance = widget.HighImportance
	s.Lock = widget.NewButtonWithIcon(lang.L("Lock (Ctrl+L)"), theme.LogoutIcon(), env.Lock)

	left := []fyne.CanvasObject{}
	if env.WS.IsDemo() {
		s.Demo = badge(lang.L("DEMO"), theme.ColorNameWarning)
		left = append(left, container.NewCenter(s.Demo))
	}
	fileIcon, fileSep := widget.NewIcon(theme.StorageIcon()), vsep()
	s.wideOnly = []fyne.CanvasObject{s.Role, fileIcon, s.File, fileSep}
	left = append(left,
		widget.NewIcon(theme.AccountIcon()), s.Staff, s.Role, vsep(),
		s.Head, vsep(),
		fileIcon, s.File, fileSep)
	// Items of features (shell.RegisterStatusItem) share the stretching
	// middle with the message, so they truncate instead of widening the
	// window.
	var center fyne.CanvasObject = s.Message
	if items := shell.StatusItems(); len(items) > 0 {
		cells := make([]fyne.CanvasObject, 0, len(items)+1)
		for _, item := range items {
			cells = append(cells, item(env))
		}
		s.items = cells
		center = shell.StatusMiddle(cells, s.Message)
	}
	s.left = container.NewHBox(left...)
	s.bar = container.NewBorder(nil, nil, s.left, s.Lock, center)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	s.content = container.NewBorder(widget.NewSeparator(), nil, nil, nil,
		// The bar goes narrow or wide as the window is resized.
		container.New(&shell.WidthWatch{OnWidth: func(w float32) { s.setNarrow(w < s.wantedWidth()) }}, bg, s.bar))
	return s
}

// messageRoom is the least width the bar keeps for its message and the
// items' text before it goes narrow.
const messageRoom = 160

// wantedWidth is what the bar needs to show everything whole, as it is
// laid out wide.
func (s *statusBar) wantedWidth() float32 {
	w := s.left.MinSize().Width + s.Lock.MinSize().Width + messageRoom + 4*theme.Padding()
	if s.narrow {
		for _, o := range s.wideOnly {
			w += o.MinSize().Width + theme.Padding()
		}
		w += fyne.MeasureText(lang.L("Audit head: {{.Head}}", map[string]any{"Head": ""}), theme.TextSize(), fyne.TextStyle{}).Width
	}
	for _, it := range s.items {
		want := it.MinSize().Width
		if wt, ok := it.(shell.Wanter); ok {
			want = max(want, wt.WantedWidth())
		}
		w += want + theme.Padding()
	}
	return w
}

func (s *statusBar) setNarrow(narrow bool) {
	if narrow == s.narrow {
		return
	}
	s.narrow = narrow
	for _, o := range s.wideOnly {
		if narrow {
			o.Hide()
		} else {
			o.Show()
		}
	}
	s.showHead()
}

// showHead writes the audit head on its button, with its label when the
// bar is wide.
func (s *statusBar) showHead() {
	if s.head.Hash == "" {
		return
	}
	if s.narrow {
		s.Head.SetText(s.head.Short())
		return
	}
	s.Head.SetText(lang.L("Audit head: {{.Head}}", map[string]any{"Head": s.head.Short()}))
}

func vsep() fyne.CanvasObject {
	return container.New(layout.NewCustomPaddedLayout(6, 6, 2, 2), widget.NewSeparator())
}

// refresh re-reads the audit head.
func (s *statusBar) refresh() { s.refreshThen(nil) }

// refreshThen re-reads the audit head, then calls then (UI goroutine).
func (s *statusBar) refreshThen(then func(store.AuditHead)) {
	var h store.AuditHead
	s.env.Run(func(ctx context.Context) error {
		var err error
		h, err = s.env.WS.AuditHead(ctx)
		return err
	}, func(err error) {
		if err != nil {
			s.Head.SetText(lang.L("Audit head: unavailable"))
			return
		}
		s.head = h
		s.showHead()
		if then != nil {
			then(h)
		}
	})
}

// copyHead puts the full audit head on the clipboard.
func (s *statusBar) copyHead() {
	if s.head.Hash == "" {
		return
	}
	fyne.CurrentApp().Clipboard().SetContent(s.head.String())
	s.notify(lang.L("Audit head copied to the clipboard: {{.Head}}", map[string]any{"Head": s.head.String()}))
}

// notify shows msg for a few seconds.
func (s *statusBar) notify(msg string) {
	s.msgGen++
	gen := s.msgGen
	s.Message.SetText(msg)
	time.AfterFunc(notifyFor, func() {
		shell.Do(func() {
			if s.msgGen == gen {
				s.Message.SetText("")
			}
		})
	})
}
