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
	left = append(left,
		widget.NewIcon(theme.AccountIcon()), s.Staff, s.Role, vsep(),
		s.Head, vsep(),
		widget.NewIcon(theme.StorageIcon()), s.File, vsep())
	// Items of features (shell.RegisterStatusItem) share the stretching
	// middle with the message, so they truncate instead of widening the
	// window.
	var center fyne.CanvasObject = s.Message
	if items := shell.StatusItems(); len(items) > 0 {
		cells := make([]fyne.CanvasObject, 0, len(items)+1)
		for _, item := range items {
			cells = append(cells, item(env))
		}
		center = shell.StatusMiddle(cells, s.Message)
	}
	bar := container.NewBorder(nil, nil, container.NewHBox(left...), s.Lock, center)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	s.content = container.NewBorder(widget.NewSeparator(), nil, nil, nil, container.NewStack(bg, bar))
	return s
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
		s.Head.SetText(lang.L("Audit head: {{.Head}}", map[string]any{"Head": h.Short()}))
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
