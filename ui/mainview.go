package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/ui/shell"
)

// mainView is the unlocked window: navigation, the current section's
// screen and the status bar.
type mainView struct {
	env      *shell.Env
	logf     func(string, ...any)
	sections []shell.Section

	nav     *widget.List
	title   *widget.Label
	body    *fyne.Container
	screens map[string]fyne.CanvasObject
	current string
	status  *statusBar
	content fyne.CanvasObject
}

func newMainView(env *shell.Env, logf func(string, ...any)) *mainView {
	m := &mainView{env: env, logf: logf, sections: shell.Sections(), screens: map[string]fyne.CanvasObject{}}

	m.nav = widget.NewList(
		func() int { return len(m.sections) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.ListIcon()), widget.NewLabel("Section title"))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			box := o.(*fyne.Container)
			s := m.sections[id]
			icon := s.Icon
			if icon == nil {
				icon = theme.ListIcon()
			}
			box.Objects[0].(*widget.Icon).SetResource(icon)
			box.Objects[1].(*widget.Label).SetText(s.Title())
		})
	m.nav.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(m.sections) {
			m.show(m.sections[id].ID)
		}
	}

	brand := widget.NewLabel(lang.L("LegCo Compliance"))
	brand.TextStyle = fyne.TextStyle{Bold: true}
	org := widget.NewLabel(lang.L("K&T Partners LLP"))
	org.TextStyle = fyne.TextStyle{Italic: true}
	navBg := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	navPanel := container.NewStack(navBg, shell.MinWidth(220),
		container.NewBorder(container.NewVBox(container.NewHBox(widget.NewIcon(theme.DocumentIcon()), brand), org, widget.NewSeparator()), nil, nil, nil, m.nav))

	m.title = widget.NewLabel("")
	m.title.TextStyle = fyne.TextStyle{Bold: true}
	m.title.SizeName = theme.SizeNameSubHeadingText
	m.body = container.NewStack()
	m.status = newStatusBar(env)

	main := container.NewBorder(container.NewVBox(m.title, widget.NewSeparator()), nil, nil, nil, container.NewPadded(m.body))
	m.content = container.NewBorder(nil, m.status.content, container.NewHBox(navPanel, widget.NewSeparator()), nil, main)
	return m
}

// showFirst opens the first section.
func (m *mainView) showFirst() {
	if len(m.sections) > 0 {
		m.nav.Select(0)
	}
}

// navigate opens the section with the given ID (selecting it in the
// navigation, which shows it).
func (m *mainView) navigate(id string) {
	for i, s := range m.sections {
		if s.ID == id {
			m.nav.Select(i)
			return
		}
	}
}

// showAudit opens the audit log filtered by object prefix.
func (m *mainView) showAudit(object string) {
	m.navigate(shell.SectionAudit)
	if s, ok := m.screens[shell.SectionAudit].(interface{ ShowObject(string) }); ok {
		s.ShowObject(object)
	}
}

// show builds the section's screen the first time and displays it.
func (m *mainView) show(id string) {
	var sec shell.Section
	for _, s := range m.sections {
		if s.ID == id {
			sec = s
		}
	}
	if sec.ID == "" {
		return
	}
	scr, built := m.screens[id]
	if !built {
		if sec.New != nil {
			scr = sec.New(m.env)
		}
		if scr == nil {
			scr = widget.NewLabel(lang.L("This section has no screen yet."))
		}
		m.screens[id] = scr
	}
	m.current = id
	m.title.SetText(sec.Title())
	m.body.Objects = []fyne.CanvasObject{scr}
	m.body.Refresh()
	if sh, ok := scr.(shell.Shower); ok && built {
		sh.Shown()
	}
	m.logf("section shown: %s", id)
}

// screen returns the built screen of a section (tests).
func (m *mainView) screen(id string) fyne.CanvasObject { return m.screens[id] }

func (m *mainView) showAbout() {
	ws := m.env.WS
	me := ws.Me()
	head := m.status.head
	text := lang.L("LegCo Compliance Workstation keeps the personal-data compliance records of the LegCo web service (K&T Partners LLP) in one encrypted workspace: records, subjects' requests, consents, privacy policy editions and a hash-chained audit log.") +
		"\n\n" + lang.L("Workspace: {{.Path}}", map[string]any{"Path": ws.Path()}) +
		"\n" + lang.L("Workspace ID: {{.ID}}", map[string]any{"ID": ws.WorkspaceID()}) +
		"\n" + lang.L("Audit head: {{.Head}}", map[string]any{"Head": head.String()}) +
		"\n" + lang.L("Signed in as {{.Name}} ({{.Role}})", map[string]any{"Name": me.Name, "Role": shell.RoleName(me.Role)})
	if ws.IsDemo() {
		text += "\n\n" + lang.L("DEMO — synthetic data")
	}
	if AboutText != nil {
		text += "\n\n" + AboutText()
	}
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Selectable = true
	dialog.ShowCustom(lang.L("About"), lang.L("OK"), container.NewVBox(l, shell.MinWidth(560)), m.env.Window)
}

// badge is a small coloured tag, e.g. DEMO.
func badge(text string, fill fyne.ThemeColorName) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Color(fill))
	bg.CornerRadius = 4
	t := canvas.NewText(text, theme.Color(theme.ColorNameForegroundOnWarning))
	t.TextStyle = fyne.TextStyle{Bold: true}
	t.Alignment = fyne.TextAlignCenter
	return container.NewStack(bg, container.New(&padLayout{h: 8, v: 2}, t))
}

// padLayout pads a single object by fixed amounts.
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
