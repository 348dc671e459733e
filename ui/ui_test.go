package ui

import (
	"context"
	"errors"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/keyslot"
	"legco.kz/compliance/ui/auditlog"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/internal/uitest"
	"legco.kz/compliance/ui/shell"
	"legco.kz/compliance/ui/staff"
	"legco.kz/compliance/ui/unlock"
)

// logs collects Config.Logf lines (called from several goroutines).
type logs struct {
	mu    sync.Mutex
	lines []string
}

func (l *logs) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, strings.TrimSpace(fmt.Sprintf(format, args...)))
}

func (l *logs) has(prefix string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.lines {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

func (l *logs) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

type harness struct {
	c    *controller
	loop *uitest.Loop
	log  *logs
	ws   uitest.Workspace
}

// start runs the UI on a test app (Russian) for workspace ws.
func start(t *testing.T, ws uitest.Workspace, cfg Config) *harness {
	t.Helper()
	loop := uitest.Install(t)
	a := test.NewTempApp(t)
	l := &logs{}
	cfg.DBPath = ws.Path
	cfg.Options = ws.Options
	cfg.Language = "ru"
	cfg.Logf = l.logf
	c := newController(a, cfg)
	c.win.Show()
	t.Cleanup(func() {
		c.shutdown()
		c.win.Close()
	})
	return &harness{c: c, loop: loop, log: l, ws: ws}
}

func (h *harness) canvas() fyne.Canvas { return h.c.win.Canvas() }

// unlock types credentials into the unlock screen and taps Unlock.
func (h *harness) unlock(t *testing.T, staff, pass string) {
	t.Helper()
	u := h.c.unlock
	if u == nil {
		t.Fatal("the unlock screen is not shown")
	}
	u.Staff.SetText("")
	test.Type(u.Staff, staff)
	u.Passphrase.SetText("")
	test.Type(u.Passphrase, pass)
	test.Tap(u.Button)
	h.loop.Settle(t)
}

func TestUnlockWrongThenRightCredentials(t *testing.T) {
	ws := uitest.NewWorkspace(t, false, nil)
	h := start(t, ws, Config{})
	if !h.log.has("unlock screen shown") {
		t.Fatalf("log: %s", h.log.all())
	}

	const wrong = "Неверное имя сотрудника или парольная фраза."
	h.unlock(t, ws.Admin, "wrong horse")
	if h.c.env != nil || h.c.unlock.Error.Text != wrong || !uitest.HasText(h.canvas(), wrong) {
		t.Fatalf("wrong passphrase: env=%v error=%q", h.c.env != nil, h.c.unlock.Error.Text)
	}
	if h.c.unlock.Passphrase.Text != "" {
		t.Error("the passphrase field should be cleared after a failed unlock")
	}
	h.unlock(t, "Никто", ws.Passphrase)
	if h.c.env != nil || h.c.unlock.Error.Text != wrong {
		t.Fatalf("unknown name: error=%q, want the same message as for a wrong passphrase", h.c.unlock.Error.Text)
	}

	h.unlock(t, ws.Admin, ws.Passphrase)
	if h.c.env == nil || h.c.main == nil {
		t.Fatalf("not unlocked; log:\n%s", h.log.all())
	}
	if !h.log.has("main window shown staff=Админ role=admin audit=#1 ") {
		t.Errorf("log:\n%s", h.log.all())
	}
	if strings.Contains(h.log.all(), ws.Passphrase) || strings.Contains(h.log.all(), "wrong horse") {
		t.Error("a passphrase was logged")
	}
}

func TestUnlockEmptyFieldsAndOtherFailures(t *testing.T) {
	ws := uitest.NewWorkspace(t, false, nil)
	h := start(t, ws, Config{})
	test.Tap(h.c.unlock.Button)
	if got := h.c.unlock.Error.Text; got != "Введите имя сотрудника." {
		t.Errorf("empty form: %q", got)
	}
	// A missing key file is not "wrong credentials".
	if err := os.Rename(keyslot.Path(ws.Path), ws.Path+".moved"); err != nil {
		t.Fatal(err)
	}
	h.unlock(t, ws.Admin, ws.Passphrase)
	if got := h.c.unlock.Error.Text; !strings.Contains(got, "нет файла ключей workspace.db.keys") {
		t.Errorf("missing key file: %q", got)
	}
	os.Rename(ws.Path+".moved", keyslot.Path(ws.Path))
	os.WriteFile(keyslot.Path(ws.Path), []byte("not json"), 0o600)
	h.unlock(t, ws.Admin, ws.Passphrase)
	if got := h.c.unlock.Error.Text; !strings.Contains(got, "повреждён") {
		t.Errorf("damaged key file: %q", got)
	}
}

func TestUnlockErrorTexts(t *testing.T) {
	test.NewTempApp(t)
	dir := t.TempDir()
	missing := filepath.Join(dir, "none.db")
	if got := unlock.ErrorText(missing, errors.New("stat: no such file")); !strings.Contains(got, "нет файла рабочего пространства") {
		t.Errorf("missing workspace: %q", got)
	}
	if got := unlock.ErrorText(missing, store.ErrNotEncrypted); !strings.Contains(got, "SQLCipher") {
		t.Errorf("not encrypted: %q", got)
	}
	if got := unlock.ErrorText(missing, store.ErrBadCredentials); got != "Неверное имя сотрудника или парольная фраза." {
		t.Errorf("bad credentials: %q", got)
	}
}

func TestUnlockScreenGolden(t *testing.T) {
	// A relative path keeps the golden independent of the temp folder.
	dir := t.TempDir()
	pkg, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(pkg)
	var h *harness
	golden := func(name string) {
		os.Chdir(pkg)
		defer os.Chdir(dir)
		test.AssertRendersToMarkup(t, name, h.canvas())
		// LEGCO_GOLDEN_PNG=DIR also writes the image, for a person to
		// look at (as ui/goldens does).
		if dir := os.Getenv("LEGCO_GOLDEN_PNG"); dir != "" {
			f, err := os.Create(filepath.Join(dir, strings.TrimSuffix(name, ".xml")+".png"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := png.Encode(f, h.canvas().Capture()); err != nil {
				t.Fatal(err)
			}
		}
	}
	w, err := store.Create(context.Background(), "workspace.db", "admin", []byte("demo-passphrase"), store.Options{KDF: keyslot.TestParams, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddStaff(context.Background(), "compliance", store.RoleCompliance, []byte("demo-passphrase"), keyslot.TestParams); err != nil {
		t.Fatal(err)
	}
	w.Close()
	h = start(t, uitest.Workspace{Path: "workspace.db", Options: store.Options{KDF: keyslot.TestParams}}, Config{})
	h.c.win.Resize(fyne.NewSize(1024, 700))
	// The demo staff are offered as choices; nothing is prefilled, so
	// Enter does not sign in as admin.
	if h.c.unlock.Staff.Text != "" || h.c.unlock.Passphrase.Text != "" {
		t.Errorf("demo form prefilled: %q %q", h.c.unlock.Staff.Text, h.c.unlock.Passphrase.Text)
	}
	if h.c.unlock.StaffChoice == nil || !slices.Equal(h.c.unlock.DemoStaff, []string{"admin", "compliance"}) {
		t.Errorf("demo staff choices: %q", h.c.unlock.DemoStaff)
	}
	if !uitest.HasText(h.canvas(), "ДЕМО — синтетические данные") {
		t.Error("no DEMO banner")
	}
	golden("unlock_demo.xml")
	if _, err := i18n.Load(i18n.Kazakh); err != nil {
		t.Fatal(err)
	}
	h.c.showUnlock("")
	h.c.win.Resize(fyne.NewSize(1024, 700))
	golden("unlock_demo_kk.xml")
	i18n.Load(i18n.Russian)
	h.c.showUnlock("")
	h.c.win.Resize(fyne.NewSize(1024, 700))
	h.c.unlock.Staff.SetText("admin")

	h.c.unlock.Passphrase.SetText("wrong horse")
	test.Tap(h.c.unlock.Button)
	h.loop.Settle(t)
	golden("unlock_wrong.xml")
}

func TestMainWindowNavigationAndStatusBar(t *testing.T) {
	ws := uitest.NewWorkspace(t, true, nil)
	h := start(t, ws, Config{Staff: "Админ", Passphrase: []byte(ws.Passphrase)})
	h.loop.Settle(t)
	if h.c.main == nil {
		t.Fatalf("not unlocked:\n%s", h.log.all())
	}
	var titles []string
	for _, s := range h.c.main.sections {
		titles = append(titles, s.Title())
	}
	want := []string{"Записи", "Обращения", "Согласия", "Редакции политики", "Журнал аудита", "Сотрудники"}
	if !slices.Equal(titles, want) {
		t.Errorf("navigation = %v, want %v", titles, want)
	}
	for _, title := range want {
		if !uitest.HasText(h.canvas(), title) {
			t.Errorf("%q is not on screen", title)
		}
	}
	w := ws.Open(t)
	head, _ := w.AuditHead(context.Background())
	w.Close()
	st := h.c.main.status
	if st.Head.Text != "Вершина аудита: "+head.Short() {
		t.Errorf("status head = %q, want %s", st.Head.Text, head.Short())
	}
	if st.Staff.Text != "Админ" || st.Role.Text != "Администратор" || st.File.Text != "workspace.db" || st.Demo == nil {
		t.Errorf("status bar: %q %q %q demo=%v", st.Staff.Text, st.Role.Text, st.File.Text, st.Demo != nil)
	}
	// The first section is a placeholder that names its policy clauses.
	if h.c.main.current != SectionRecords || !uitest.HasText(h.canvas(), "Пункт 1.1") {
		t.Errorf("records placeholder not shown (current %s)", h.c.main.current)
	}
	// Copying the head puts the full hash on the clipboard.
	test.Tap(st.Head)
	if got := fyne.CurrentApp().Clipboard().Content(); got != head.String() {
		t.Errorf("clipboard = %q, want %q", got, head.String())
	}
	if !strings.Contains(st.Message.Text, head.Hash) {
		t.Errorf("no confirmation of the copy: %q", st.Message.Text)
	}
}

func TestRegisteredScreenReplacesPlaceholder(t *testing.T) {
	shell.Register(shell.Section{ID: "zz-test", Title: func() string { return "Проба" }, Order: 99,
		New: func(env *shell.Env) fyne.CanvasObject {
			return widget.NewLabel("экран пробы " + env.Me().Name)
		}})
	defer shell.Unregister("zz-test")
	ws := uitest.NewWorkspace(t, false, nil)
	h := start(t, ws, Config{Staff: ws.Admin, Passphrase: []byte(ws.Passphrase)})
	h.loop.Settle(t)
	h.c.main.navigate("zz-test")
	h.loop.Settle(t)
	if !uitest.HasText(h.canvas(), "экран пробы Админ") || h.c.main.title.Text != "Проба" {
		t.Error("registered section not shown")
	}
}

func TestAuditLogShowsChangeMadeOnStaffScreen(t *testing.T) {
	ws := uitest.NewWorkspace(t, false, nil)
	h := start(t, ws, Config{Staff: ws.Admin, Passphrase: []byte(ws.Passphrase)})
	h.loop.Settle(t)

	h.c.main.navigate(SectionAudit)
	h.loop.Settle(t)
	audit := h.c.main.screen(SectionAudit).(*auditlog.Screen)
	if n := audit.List.Length(); n != 1 {
		t.Fatalf("audit log has %d rows, want 1 (workspace.create)", n)
	}

	h.c.main.navigate(SectionStaff)
	h.loop.Settle(t)
	st := h.c.main.screen(SectionStaff).(*staff.Screen)
	test.Tap(st.AddButton)
	entries := uitest.FindIn[*widget.Entry](h.canvas().Overlays().Top())
	if len(entries) != 3 {
		t.Fatalf("add dialog has %d entries, want name and two passphrases", len(entries))
	}
	test.Type(entries[0], "Ұлжан Әлібекова")
	test.Type(entries[1], "ұзын құпия сөз")
	test.Type(entries[2], "ұзын құпия сөз")
	add := uitest.ButtonIn(h.canvas().Overlays().Top(), "Добавить")
	if add == nil || add.Disabled() {
		t.Fatal("no enabled Add button in the dialog")
	}
	test.Tap(add)
	h.loop.Settle(t)

	found := false
	for _, m := range st.Members {
		found = found || m.Name == "Ұлжан Әлібекова" && m.Role == store.RoleCompliance
	}
	if !found {
		t.Fatalf("new member not listed: %+v", st.Members)
	}
	if !strings.Contains(h.c.main.status.Message.Text, "Ұлжан Әлібекова") {
		t.Errorf("no notification: %q", h.c.main.status.Message.Text)
	}
	// The audit screen, built earlier, follows the change; so does the
	// status bar.
	if n := audit.List.Length(); n != 2 {
		t.Fatalf("audit log has %d rows after the change, want 2", n)
	}
	h.c.main.navigate(SectionAudit)
	h.loop.Settle(t)
	audit.List.Select(0)
	h.loop.Settle(t)
	if got := audit.Detail.Action.Text; got != shell.ActionWord("staff.add") {
		t.Errorf("newest entry is %q, want staff.add", got)
	}
	if !strings.HasPrefix(h.c.main.status.Head.Text, "Вершина аудита: #2 ") {
		t.Errorf("status head not refreshed: %q", h.c.main.status.Head.Text)
	}
	// Other screens open the log filtered to an object's history.
	h.c.main.navigate(SectionStaff)
	h.loop.Settle(t)
	h.c.env.ShowAudit("staff:Ұлжан")
	h.loop.Settle(t)
	if h.c.main.current != SectionAudit || audit.Object.Text != "staff:Ұлжан" || audit.List.Length() != 1 {
		t.Errorf("ShowAudit: section %s, filter %q, %d rows", h.c.main.current, audit.Object.Text, audit.List.Length())
	}
}

func TestAuditorSeesNoAdminActions(t *testing.T) {
	ws := uitest.NewWorkspace(t, false, func(w *store.Workspace) {
		if err := w.AddStaff(context.Background(), "Аудитор Ақан", store.RoleAuditor, []byte("auditor pass"), keyslot.TestParams); err != nil {
			t.Fatal(err)
		}
	})
	h := start(t, ws, Config{Staff: "Аудитор Ақан", Passphrase: []byte("auditor pass")})
	h.loop.Settle(t)
	if h.c.main == nil {
		t.Fatalf("auditor could not unlock:\n%s", h.log.all())
	}
	if h.c.main.status.Role.Text != "Аудитор" {
		t.Errorf("role shown: %q", h.c.main.status.Role.Text)
	}
	h.c.main.navigate(SectionStaff)
	h.loop.Settle(t)
	st := h.c.main.screen(SectionStaff).(*staff.Screen)
	if st.AddButton != nil || st.RemoveButton != nil || st.ReenrolButton != nil || st.RotateButton != nil || st.SaveAutoLock != nil {
		t.Error("an auditor is offered admin actions")
	}
	for _, text := range []string{"Добавить сотрудника…", "Удалить…", "Заменить ключ…", "Перерегистрировать…", "Сохранить"} {
		if uitest.Button(h.canvas(), text) != nil {
			t.Errorf("button %q is on the auditor's screen", text)
		}
	}
	if st.PassphraseButton == nil || !st.AutoLock.Disabled() {
		t.Error("the auditor should be able to change their own passphrase and see auto-lock read-only")
	}
	if len(st.Members) != 2 || !uitest.HasText(h.canvas(), "Изменить может только администратор.") {
		t.Errorf("staff list %d members", len(st.Members))
	}
	// Were an action to reach the store anyway, the refusal is explained.
	err := h.c.env.WS.SetAutoLock(context.Background(), time.Hour)
	if !errors.Is(err, store.ErrForbidden) || !strings.Contains(shell.ErrorText(err), "Ваша роль (Аудитор) не позволяет менять настройки рабочего пространства") {
		t.Errorf("forbidden: %v / %q", err, shell.ErrorText(err))
	}
	h.c.env.ShowError(err)
	if !uitest.HasText(h.canvas(), "Недоступно для вашей роли") {
		t.Error("forbidden dialog not shown")
	}
}

func TestAutoLockReturnsToUnlockScreen(t *testing.T) {
	ws := uitest.NewWorkspace(t, false, nil)
	h := start(t, ws, Config{Staff: ws.Admin, Passphrase: []byte(ws.Passphrase)})
	h.c.autoLockOverride = 400 * time.Millisecond
	h.loop.Settle(t)
	if h.c.main == nil {
		t.Fatal("not unlocked")
	}
	env := h.c.env
	// Pointer movement keeps it unlocked…
	for i := 0; i < 12; i++ {
		test.MoveMouse(h.canvas(), fyne.NewPos(float32(300+i*7), 300))
		h.loop.Until(t, time.Second, "a tick", func() bool { return true })
		time.Sleep(100 * time.Millisecond)
		h.loop.Settle(t)
		if h.c.env == nil {
			t.Fatalf("locked after %d×100 ms of pointer activity", i+1)
		}
	}
	// …and so does typing into a field.
	h.c.main.navigate(SectionAudit)
	h.loop.Settle(t)
	audit := h.c.main.screen(SectionAudit).(*auditlog.Screen)
	h.canvas().Focus(audit.Object)
	for i := 0; i < 6; i++ {
		test.Type(audit.Object, "s")
		time.Sleep(100 * time.Millisecond)
		h.loop.Settle(t)
		if h.c.env == nil {
			t.Fatal("locked while typing")
		}
	}
	// Then idle: back to the unlock screen, workspace closed.
	h.loop.Until(t, 10*time.Second, "auto-lock", func() bool { return h.c.env == nil && h.c.unlock != nil })
	h.loop.Settle(t)
	if !env.Stopped() || !h.log.has("locked reason=auto-lock") || !h.log.has("workspace closed") {
		t.Errorf("log:\n%s", h.log.all())
	}
	if !uitest.HasText(h.canvas(), "заблокировано после бездействия") {
		t.Errorf("no auto-lock message on the unlock screen: %v", uitest.Texts(h.canvas()))
	}
	if h.c.unlock.Staff.Text != ws.Admin {
		t.Errorf("staff name not kept: %q", h.c.unlock.Staff.Text)
	}
	// Unlocking again works.
	h.unlock(t, ws.Admin, ws.Passphrase)
	if h.c.env == nil {
		t.Fatal("could not unlock again")
	}
}

func TestLockButtonClosesDialogsAndWorkspace(t *testing.T) {
	ws := uitest.NewWorkspace(t, false, nil)
	h := start(t, ws, Config{Staff: ws.Admin, Passphrase: []byte(ws.Passphrase)})
	h.loop.Settle(t)
	h.c.env.ShowInfo("проба", "диалог")
	if h.canvas().Overlays().Top() == nil {
		t.Fatal("no dialog")
	}
	test.Tap(h.c.main.status.Lock)
	h.loop.Settle(t)
	if h.c.env != nil || h.c.unlock == nil || h.canvas().Overlays().Top() != nil {
		t.Fatal("not locked, or a dialog of the locked session is still shown")
	}
	if !uitest.HasText(h.canvas(), "Рабочее пространство заблокировано.") || !h.log.has("workspace closed") {
		t.Errorf("log:\n%s", h.log.all())
	}
	// The shortcut locks too.
	h.unlock(t, ws.Admin, ws.Passphrase)
	h.canvas().(fyne.Shortcutable).TypedShortcut(lockShortcut)
	h.loop.Settle(t)
	if h.c.env != nil {
		t.Error("Ctrl+L did not lock")
	}
}

// lockSaver is a screen with unsaved work, like the policy editor.
type lockSaver struct {
	widget.Label
	saved *bool
	open  func() bool
}

func (l *lockSaver) SaveBeforeLock(ctx context.Context) error {
	*l.saved = l.open()
	return nil
}

func TestLockLetsScreensSaveFirst(t *testing.T) {
	var saved bool
	shell.Register(shell.Section{ID: "zz-saver", Title: func() string { return "Черновик" }, Order: 98,
		New: func(env *shell.Env) fyne.CanvasObject {
			// The workspace must still be open when the screen saves.
			return &lockSaver{saved: &saved, open: func() bool { _, err := env.WS.AuditHead(context.Background()); return err == nil }}
		}})
	defer shell.Unregister("zz-saver")
	ws := uitest.NewWorkspace(t, false, nil)
	h := start(t, ws, Config{Staff: ws.Admin, Passphrase: []byte(ws.Passphrase)})
	h.loop.Settle(t)
	h.c.main.navigate("zz-saver")
	h.loop.Settle(t)
	test.Tap(h.c.main.status.Lock)
	h.loop.Settle(t)
	if !saved || h.c.env != nil {
		t.Fatalf("saved before lock with the workspace open = %v, locked = %v", saved, h.c.env == nil)
	}
}
