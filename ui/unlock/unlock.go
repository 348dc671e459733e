// Package unlock is the unlock screen: the workspace path, staff name and
// passphrase, a DEMO banner for demo workspaces, and the unlock itself
// (store.Open, about 0.3 s of Argon2id) off the UI goroutine.
package unlock

import (
	"context"
	"errors"
	"image/color"
	"io/fs"
	"os"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/keyslot"
	"legco.kz/compliance/ui/shell"
)

// Config configures the unlock screen.
type Config struct {
	// Path is the workspace database file, shown as given.
	Path string
	// Options are passed to store.Open.
	Options store.Options
	// Staff prefills the staff name (e.g. the member who was signed in
	// before the workspace locked).
	Staff string
	// Message is shown above the form, e.g. why the workspace was locked.
	Message string
	// OnUnlocked runs on the UI goroutine with the opened workspace.
	OnUnlocked func(ws *store.Workspace)
	// Logf logs outcomes (never the name or passphrase); may be nil.
	Logf func(format string, args ...any)
}

// Screen is the unlock screen.
type Screen struct {
	cfg Config

	Staff *widget.Entry
	// StaffChoice offers the demo staff on a demo workspace (nil otherwise);
	// Staff is then its entry.
	StaffChoice *widget.SelectEntry
	DemoStaff   []string // its choices
	Passphrase  *widget.Entry
	Button      *widget.Button
	// Error shows why the last unlock failed.
	Error    *widget.Label
	errorBox *fyne.Container
	busy     *fyne.Container
	spinner  *widget.ProgressBarInfinite
	busyText *widget.Label // what the spinner waits for
	content  fyne.CanvasObject

	wg      sync.WaitGroup
	working bool
}

// New builds the unlock screen.
func New(cfg Config) *Screen {
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	s := &Screen{cfg: cfg}

	var staffField fyne.CanvasObject
	demoStaff, demoPass, demo := store.DemoCredentials(cfg.Path)
	if demo {
		// A demo workspace publishes its staff: offer them as choices
		// rather than a prefilled form that Enter would unlock as admin.
		s.DemoStaff = demoStaffNames(cfg.Path, demoStaff)
		s.StaffChoice = widget.NewSelectEntry(s.DemoStaff)
		s.Staff = &s.StaffChoice.Entry
		staffField = s.StaffChoice
	} else {
		s.Staff = widget.NewEntry()
		staffField = s.Staff
	}
	s.Staff.SetPlaceHolder(lang.L("Your name as enrolled"))
	s.Staff.SetText(cfg.Staff)
	s.Passphrase = widget.NewPasswordEntry()
	s.Passphrase.SetPlaceHolder(lang.L("Passphrase"))
	s.Staff.OnSubmitted = func(string) { s.focus(s.Passphrase) }
	s.Passphrase.OnSubmitted = func(string) { s.submit() }

	s.Button = widget.NewButtonWithIcon(lang.L("Unlock"), theme.LoginIcon(), s.submit)
	s.Button.Importance = widget.HighImportance

	s.Error = widget.NewLabel("")
	s.Error.Wrapping = fyne.TextWrapWord
	s.Error.Importance = widget.DangerImportance
	s.errorBox = container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.ErrorIcon())), nil, s.Error)
	s.errorBox.Hide()

	s.spinner = widget.NewProgressBarInfinite()
	s.spinner.Stop()
	s.busyText = widget.NewLabel("") // setBusy says what the spinner waits for
	s.busyText.Importance = widget.LowImportance
	s.busyText.Wrapping = fyne.TextWrapWord
	s.busy = container.NewVBox(s.spinner, s.busyText)
	s.busy.Hide()

	var parts []fyne.CanvasObject
	if demo {
		parts = append(parts, demoBanner(demoStaff, demoPass, func() {
			if s.Staff.Text == "" {
				s.Staff.SetText(demoStaff)
			}
			s.Passphrase.SetText(demoPass)
			s.focus(s.Passphrase)
		}))
	}
	if cfg.Message != "" {
		m := widget.NewLabel(cfg.Message)
		m.Wrapping = fyne.TextWrapWord
		m.Importance = widget.WarningImportance
		parts = append(parts, container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.InfoIcon())), nil, m))
	}

	wsLabel := widget.NewLabel(lang.L("Workspace"))
	wsLabel.TextStyle = fyne.TextStyle{Bold: true}
	pathLabel := widget.NewLabel(cfg.Path)
	pathLabel.Wrapping = fyne.TextWrapBreak
	pathLabel.TextStyle = fyne.TextStyle{Monospace: true}
	parts = append(parts, wsLabel, pathLabel)
	if !store.Exists(cfg.Path) {
		miss := widget.NewLabel(lang.L("There is no workspace at this path yet. Create one with “legco-compliance init” (or “legco-compliance demo” for synthetic data)."))
		miss.Wrapping = fyne.TextWrapWord
		miss.Importance = widget.WarningImportance
		parts = append(parts, miss)
	}

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Staff name"), staffField),
		widget.NewFormItem(lang.L("Passphrase"), s.Passphrase),
	)
	parts = append(parts, widget.NewSeparator(), form, s.Button, s.busy, s.errorBox, shell.MinWidth(460))

	card := widget.NewCard(lang.L("LegCo Compliance Workstation"),
		lang.L("K&T Partners LLP · personal data compliance"),
		container.NewVBox(parts...))
	s.content = container.NewCenter(card)
	return s
}

// Content is the screen's root object.
func (s *Screen) Content() fyne.CanvasObject { return s.content }

// FocusFirst puts the keyboard focus in the first empty field.
func (s *Screen) FocusFirst() {
	if s.Staff.Text == "" {
		s.focus(s.Staff)
	} else {
		s.focus(s.Passphrase)
	}
}

// demoStaffNames lists the members enrolled in a demo workspace's key
// file (names only; the file holds no personal data), the published one
// first.
func demoStaffNames(path, first string) []string {
	names := []string{first}
	f, err := keyslot.Load(keyslot.Path(path))
	if err != nil {
		return names
	}
	for _, sl := range f.Slots {
		if sl.Staff != first {
			names = append(names, sl.Staff)
		}
	}
	return names
}

func (s *Screen) focus(o fyne.Focusable) {
	if s.StaffChoice != nil && o == fyne.Focusable(s.Staff) {
		o = s.StaffChoice
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(s.content); c != nil {
		c.Focus(o)
	}
}

// Wait blocks until an unlock in progress has finished (tests).
func (s *Screen) Wait() { s.wg.Wait() }

func (s *Screen) submit() {
	if s.working {
		return
	}
	staff := strings.TrimSpace(s.Staff.Text)
	if staff == "" {
		s.showError(lang.L("Enter your staff name."))
		s.focus(s.Staff)
		return
	}
	if s.Passphrase.Text == "" {
		s.showError(lang.L("Enter your passphrase."))
		s.focus(s.Passphrase)
		return
	}
	s.Unlock(staff, []byte(s.Passphrase.Text))
}

// Unlock opens the workspace as staff off the UI goroutine; it wipes
// passphrase when done. Call it on the UI goroutine.
func (s *Screen) Unlock(staff string, passphrase []byte) {
	s.setBusy(true)
	s.cfg.Logf("unlock started")
	s.wg.Add(1)
	shell.Background(func() {
		defer s.wg.Done()
		opts := s.cfg.Options
		opts.Upgrading = func(from, to int) {
			s.cfg.Logf("upgrading the workspace from schema %d to %d", from, to)
			fyne.Do(func() {
				s.busyText.SetText(lang.L("Upgrading the workspace for this version of the program (once; a large workspace can take a few minutes)…"))
			})
		}
		ws, err := store.Open(context.Background(), s.cfg.Path, staff, passphrase, opts)
		keyslot.Wipe(passphrase)
		shell.DoAndWait(func() {
			s.setBusy(false)
			if err != nil {
				s.cfg.Logf("unlock failed: %s", errorClass(err))
				s.Passphrase.SetText("")
				s.showError(ErrorText(s.cfg.Path, err))
				s.focus(s.Passphrase)
				return
			}
			s.Passphrase.SetText("")
			s.errorBox.Hide()
			s.cfg.Logf("unlocked")
			if s.cfg.OnUnlocked != nil {
				s.cfg.OnUnlocked(ws)
			} else {
				ws.Close()
			}
		})
	})
}

func (s *Screen) setBusy(b bool) {
	s.working = b
	if b {
		s.busyText.SetText(lang.L("Unlocking: deriving the key from your passphrase…"))
		s.errorBox.Hide()
		s.Staff.Disable()
		s.Passphrase.Disable()
		s.Button.Disable()
		s.busy.Show()
		s.spinner.Start()
		return
	}
	s.spinner.Stop()
	s.busy.Hide()
	s.Staff.Enable()
	s.Passphrase.Enable()
	s.Button.Enable()
}

func (s *Screen) showError(msg string) {
	s.Error.SetText(msg)
	s.errorBox.Show()
}

func errorClass(err error) string {
	switch {
	case errors.Is(err, store.ErrBadCredentials):
		return "bad credentials"
	case errors.Is(err, fs.ErrNotExist):
		return "missing file"
	case errors.Is(err, store.ErrNotEncrypted):
		return "no SQLCipher"
	}
	return "error"
}

// ErrorText explains why opening the workspace at path failed. Wrong
// credentials get one message that does not say whether the name or the
// passphrase was wrong.
func ErrorText(path string, err error) string {
	switch {
	case errors.Is(err, store.ErrBadCredentials):
		return lang.L("Wrong staff name or passphrase.")
	case errors.Is(err, store.ErrNotEncrypted):
		return lang.L("This build of the program has no SQLCipher encryption, so it refuses to open the workspace. Use an official build.")
	case !fileExists(path):
		return lang.L("There is no workspace file at this path. Check the path, or create a workspace with “legco-compliance init”.")
	case !fileExists(keyslot.Path(path)):
		return lang.L("The key file {{.File}} next to the workspace is missing. Without it the workspace cannot be opened: restore it from a backup.",
			map[string]any{"File": baseName(keyslot.Path(path))})
	case strings.Contains(err.Error(), "key slots"):
		return lang.L("The key file {{.File}} is damaged or is not a key file of this program. Restore it from a backup. Details: {{.Detail}}",
			map[string]any{"File": baseName(keyslot.Path(path)), "Detail": err.Error()})
	case strings.Contains(err.Error(), "file is not a database"):
		return lang.L("The workspace file could not be decrypted with the key from its key file: it is damaged, or the key file belongs to another workspace.")
	}
	return lang.L("The workspace could not be opened: {{.Detail}}", map[string]any{"Detail": err.Error()})
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

func demoBanner(staff, pass string, fill func()) fyne.CanvasObject {
	warn := theme.Color(theme.ColorNameWarning)
	r, g, b, _ := warn.RGBA()
	bg := canvas.NewRectangle(color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0x38})
	bg.StrokeColor = warn
	bg.StrokeWidth = 2
	bg.CornerRadius = theme.InputRadiusSize()

	title := widget.NewLabel(lang.L("DEMO — synthetic data"))
	title.TextStyle = fyne.TextStyle{Bold: true}
	title.Importance = widget.WarningImportance
	note := widget.NewLabel(lang.L("This workspace holds generated data only. Its credentials are published:"))
	note.Wrapping = fyne.TextWrapWord
	creds := widget.NewLabel(lang.L("Staff name: {{.Staff}}", map[string]any{"Staff": staff}) + "\n" +
		lang.L("Passphrase: {{.Passphrase}}", map[string]any{"Passphrase": pass}))
	creds.TextStyle = fyne.TextStyle{Monospace: true}
	creds.Wrapping = fyne.TextWrapBreak
	btn := widget.NewButton(lang.L("Fill in"), fill)
	btn.Importance = widget.LowImportance
	body := container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.WarningIcon())), nil,
		container.NewVBox(title, note, container.NewBorder(nil, nil, nil, btn, creds)))
	return container.NewStack(bg, container.NewPadded(body))
}
