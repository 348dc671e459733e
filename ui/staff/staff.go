// Package staff is the Staff screen: who has access to the workspace,
// enrolment, removal and re-enrolment of members and rotation of the
// workspace key (administrators), one's own passphrase (everyone), and
// the auto-lock setting.
package staff

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

// DateFormat was the enrolment time layout; times now go through
// shell.FormatTime (kept for code written against it).
//
// Deprecated: use shell.FormatTime.
const DateFormat = "2006-01-02 15:04"

var columns = &shell.Columns{Widths: []float32{200, 150, 190, 180, 200}, Keep: []bool{false, false, true}}

// allPermissions in the order the "your access" line lists them.
var allPermissions = []store.Permission{
	store.PermRecordsImport, store.PermRecordsWrite, store.PermRecordsDestroy,
	store.PermRequestsWrite, store.PermConsentsWrite, store.PermPolicyEdit, store.PermPolicyPublish,
	store.PermAuditAnnotation, store.PermStaffManage, store.PermWorkspaceRekey, store.PermSettings, store.PermOwnPassphrase,
}

// Screen is the staff screen.
type Screen struct {
	widget.BaseWidget
	env *shell.Env

	List        *widget.List
	ShowRemoved *widget.Check
	Members     []store.Staff

	// Admin actions: nil unless the role may manage staff.
	AddButton, ReenrolButton, RemoveButton, RotateButton *widget.Button
	// PassphraseButton is there for everyone.
	PassphraseButton *widget.Button

	AutoLock     *widget.Entry
	SaveAutoLock *widget.Button // nil unless the role may change settings
	autoLockNote *widget.Label

	selected int
	content  fyne.CanvasObject
}

// New is the section's ScreenFactory.
func New(env *shell.Env) fyne.CanvasObject { return NewScreen(env) }

// NewScreen builds the screen and starts loading the staff list.
func NewScreen(env *shell.Env) *Screen {
	s := &Screen{env: env, selected: -1}
	s.ExtendBaseWidget(s)
	admin := env.Can(store.PermStaffManage)

	s.ShowRemoved = widget.NewCheck(lang.L("Show former staff"), func(bool) { s.Reload() })
	s.PassphraseButton = widget.NewButtonWithIcon(lang.L("Change my passphrase…"), theme.AccountIcon(), s.changePassphrase)

	var actions []fyne.CanvasObject
	if admin {
		s.AddButton = widget.NewButtonWithIcon(lang.L("Add member…"), theme.ContentAddIcon(), s.add)
		s.AddButton.Importance = widget.HighImportance
		s.ReenrolButton = widget.NewButtonWithIcon(lang.L("Re-enrol…"), theme.MailReplyIcon(), s.reenrol)
		s.RemoveButton = widget.NewButtonWithIcon(lang.L("Remove…"), theme.DeleteIcon(), s.remove)
		s.RemoveButton.Importance = widget.DangerImportance
		actions = append(actions, s.AddButton, s.ReenrolButton, s.RemoveButton)
	}
	if env.Can(store.PermWorkspaceRekey) {
		s.RotateButton = widget.NewButtonWithIcon(lang.L("Rotate workspace key…"), theme.ViewRefreshIcon(), s.rotate)
		s.RotateButton.Importance = widget.WarningImportance
		actions = append(actions, s.RotateButton)
	}
	toolbar := container.NewBorder(nil, nil, nil, s.ShowRemoved, shell.NewOverflowBar(actions...))

	s.List = widget.NewList(func() int { return len(s.Members) }, newRow, s.updateRow)
	s.List.OnSelected = func(id widget.ListItemID) { s.selected = id; s.updateButtons() }
	s.List.OnUnselected = func(widget.ListItemID) { s.selected = -1; s.updateButtons() }
	header := shell.HeaderRow(columns, lang.L("Name"), lang.L("Role"), lang.L("Enrolled"), lang.L("Enrolled by"), lang.L("Status"))

	me := env.Me()
	may := []string{lang.L("see every section and the audit log")}
	for _, p := range allPermissions {
		if me.Role.Can(p) {
			may = append(may, shell.PermissionText(p))
		}
	}
	access := widget.NewLabel(lang.L("Signed in as {{.Name}}, {{.Role}}. Your role may: {{.Perms}}.",
		map[string]any{"Name": me.Name, "Role": shell.RoleName(me.Role), "Perms": strings.Join(may, "; ")}))
	access.Wrapping = fyne.TextWrapWord

	s.AutoLock = widget.NewEntry()
	s.AutoLock.Validator = validateMinutes
	s.autoLockNote = widget.NewLabel("")
	s.autoLockNote.Importance = widget.LowImportance
	s.autoLockNote.Wrapping = fyne.TextWrapWord
	lockRow := []fyne.CanvasObject{widget.NewLabel(lang.L("Auto-lock after")), container.NewGridWrap(fyne.NewSize(80, s.AutoLock.MinSize().Height), s.AutoLock), widget.NewLabel(lang.L("min without activity"))}
	if env.Can(store.PermSettings) {
		s.SaveAutoLock = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), s.saveAutoLock)
		s.AutoLock.OnSubmitted = func(string) { s.saveAutoLock() }
		lockRow = append(lockRow, s.SaveAutoLock)
	} else {
		s.AutoLock.Disable()
		s.autoLockNote.SetText(lang.L("Only an administrator can change this."))
	}
	settings := widget.NewCard(lang.L("Workspace settings"), "", container.NewVBox(container.NewHScroll(container.NewHBox(lockRow...)), s.autoLockNote))
	you := widget.NewCard(lang.L("Your access"), "", container.NewVBox(access, container.NewHBox(s.PassphraseButton)))

	bottom := container.NewBorder(nil, nil, nil, settings, you)
	// The cards sit under the list in a split and scroll: as the border's
	// bottom they got the height of the access text laid out unwrapped,
	// and the wrapped lines ran under the passphrase button (Kazakh,
	// 1024×700).
	split := container.NewVSplit(container.NewBorder(header, nil, nil, nil, s.List), container.NewVScroll(bottom))
	split.Offset = 0.55
	s.content = container.NewBorder(toolbar, nil, nil, nil, split)

	env.OnChanged(s.Reload)
	s.updateButtons()
	s.Reload()
	s.loadSettings()
	return s
}

// CreateRenderer implements fyne.Widget.
func (s *Screen) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(s.content) }

// Shown reloads when the section is opened again.
func (s *Screen) Shown() { s.Reload(); s.loadSettings() }

// Reload reads the staff list again.
func (s *Screen) Reload() {
	removed := s.ShowRemoved.Checked
	var members []store.Staff
	s.env.Run(func(ctx context.Context) error {
		var err error
		members, err = s.env.WS.ListStaff(ctx, removed)
		return err
	}, func(err error) {
		if err != nil {
			s.env.ShowError(err)
			return
		}
		var keep string
		if s.selected >= 0 && s.selected < len(s.Members) {
			keep = s.Members[s.selected].Name
		}
		shell.SortBy(members, func(m store.Staff) string { return m.Name })
		s.Members = members
		s.List.UnselectAll()
		s.selected = -1
		s.List.Refresh()
		for i, m := range members {
			if m.Name == keep {
				s.List.Select(i)
			}
		}
		s.updateButtons()
	})
}

func (s *Screen) loadSettings() {
	var set store.Settings
	s.env.Run(func(ctx context.Context) error {
		var err error
		set, err = s.env.WS.Settings(ctx)
		return err
	}, func(err error) {
		if err != nil {
			s.autoLockNote.SetText(shell.ErrorText(err))
			return
		}
		s.AutoLock.SetText(strconv.Itoa(int(set.AutoLock.Round(time.Minute) / time.Minute)))
	})
}

// Selected is the selected member, if any.
func (s *Screen) Selected() (store.Staff, bool) {
	if s.selected < 0 || s.selected >= len(s.Members) {
		return store.Staff{}, false
	}
	return s.Members[s.selected], true
}

func (s *Screen) updateButtons() {
	if s.AddButton == nil {
		return
	}
	m, ok := s.Selected()
	setEnabled(s.RemoveButton, ok && !m.Removed && m.Name != s.env.Me().Name)
	setEnabled(s.ReenrolButton, ok && (m.Removed || !m.HasSlot))
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// Status says whether a member can sign in.
func Status(m store.Staff) (string, widget.Importance) {
	switch {
	case m.Removed:
		return lang.L("former staff, access removed"), widget.LowImportance
	case !m.HasSlot:
		return lang.L("requires re-enrolment"), widget.WarningImportance
	}
	return lang.L("active"), widget.SuccessImportance
}

func newRow() fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(columns.Widths))
	for i := range objs {
		objs[i] = shell.CellLabel("")
	}
	return container.New(columns, objs...)
}

func (s *Screen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(s.Members) {
		return
	}
	m := s.Members[id]
	cells := o.(*fyne.Container).Objects
	name := m.Name
	if m.Name == s.env.Me().Name {
		name = lang.L("{{.Name}} (you)", map[string]any{"Name": m.Name})
	}
	status, imp := Status(m)
	texts := []string{name, shell.RoleName(m.Role), shell.FormatTime(s.env, m.CreatedAt), m.CreatedBy, status}
	for i, t := range texts {
		l := cells[i].(*widget.Label)
		l.Text = t
		l.Importance = widget.MediumImportance
		if i == 4 {
			l.Importance = imp
		}
		l.TextStyle = fyne.TextStyle{Bold: i == 0 && m.Name == s.env.Me().Name}
		l.Refresh()
	}
}

func validateMinutes(v string) error {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > 480 {
		return shell.UserError(lang.L("Enter whole minutes from 1 to 480."))
	}
	return nil
}

func (s *Screen) saveAutoLock() {
	if err := validateMinutes(s.AutoLock.Text); err != nil {
		s.env.ShowError(err)
		return
	}
	n, _ := strconv.Atoi(strings.TrimSpace(s.AutoLock.Text))
	s.env.Run(func(ctx context.Context) error {
		return s.env.WS.SetAutoLock(ctx, time.Duration(n)*time.Minute)
	}, func(err error) {
		if err != nil {
			s.env.ShowError(err)
			return
		}
		s.env.Notify(lang.L("Auto-lock set to {{.Minutes}} min.", map[string]any{"Minutes": n}))
		s.env.Changed()
	})
}
