package staff

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/keyslot"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/internal/uitest"
	"legco.kz/compliance/ui/shell"
)

type fixture struct {
	s    *Screen
	loop *uitest.Loop
	win  fyne.Window
	ws   uitest.Workspace
	w    *store.Workspace
}

// setup builds the screen for staff (admin when empty) of a workspace
// that also has a compliance officer and an auditor.
func setup(t *testing.T, staff, pass string) *fixture {
	t.Helper()
	loop := uitest.Install(t)
	test.NewTempApp(t)
	if _, err := i18n.Load(i18n.Russian); err != nil {
		t.Fatal(err)
	}
	ws := uitest.NewWorkspace(t, false, func(w *store.Workspace) {
		ctx := context.Background()
		for _, m := range []struct {
			name string
			role store.Role
			pass string
		}{{"Айгерім Сәрсенбаева", store.RoleCompliance, "compliance pass"}, {"Аудитор Ақан", store.RoleAuditor, "auditor pass"}} {
			if err := w.AddStaff(ctx, m.name, m.role, []byte(m.pass), keyslot.TestParams); err != nil {
				t.Fatal(err)
			}
		}
	})
	if staff == "" {
		staff, pass = ws.Admin, ws.Passphrase
	}
	w := ws.OpenAs(t, staff, pass)
	win := test.NewWindow(nil)
	t.Cleanup(win.Close)
	env := shell.NewEnv(w, win, shell.Options{KDF: keyslot.TestParams})
	t.Cleanup(func() { env.Stop(); loop.Settle(t) })
	s := NewScreen(env)
	win.SetContent(s)
	win.Resize(fyne.NewSize(1100, 700))
	loop.Settle(t)
	return &fixture{s: s, loop: loop, win: win, ws: ws, w: w}
}

func (f *fixture) selectMember(t *testing.T, name string) store.Staff {
	t.Helper()
	for i, m := range f.s.Members {
		if m.Name == name {
			f.s.List.Select(i)
			return m
		}
	}
	t.Fatalf("%s is not listed", name)
	return store.Staff{}
}

func (f *fixture) dialog() fyne.CanvasObject { return f.win.Canvas().Overlays().Top() }

func (f *fixture) tapIn(t *testing.T, text string) {
	t.Helper()
	b := uitest.ButtonIn(f.dialog(), text)
	if b == nil {
		t.Fatalf("no %q button in the dialog; texts: %v", text, uitest.Texts(f.win.Canvas()))
	}
	if b.Disabled() {
		t.Fatalf("%q is disabled", text)
	}
	test.Tap(b)
	f.loop.Settle(t)
}

func (f *fixture) status(name string) string {
	for _, m := range f.s.Members {
		if m.Name == name {
			s, _ := Status(m)
			return s
		}
	}
	return ""
}

func TestAddValidatesPassphrases(t *testing.T) {
	f := setup(t, "", "")
	if len(f.s.Members) != 3 {
		t.Fatalf("%d members", len(f.s.Members))
	}
	test.Tap(f.s.AddButton)
	e := uitest.FindIn[*widget.Entry](f.dialog())
	test.Type(e[0], "Дмитрий Ковалёв")
	test.Type(e[1], "short")
	test.Type(e[2], "short")
	if b := uitest.ButtonIn(f.dialog(), "Добавить"); b == nil || !b.Disabled() {
		t.Fatal("a 5-character passphrase should keep Add disabled")
	}
	e[1].SetText("long enough one")
	e[2].SetText("long enough two")
	if b := uitest.ButtonIn(f.dialog(), "Добавить"); !b.Disabled() {
		t.Fatal("different passphrases should keep Add disabled")
	}
	e[2].SetText("long enough one")
	f.tapIn(t, "Добавить")
	if f.status("Дмитрий Ковалёв") != "активен" {
		t.Fatalf("not enrolled: %+v", f.s.Members)
	}
	f.ws.OpenAs(t, "Дмитрий Ковалёв", "long enough one")
}

func TestRemoveNeedsReasonAndConfirmation(t *testing.T) {
	f := setup(t, "", "")
	f.selectMember(t, f.ws.Admin)
	if !f.s.RemoveButton.Disabled() {
		t.Error("an admin should not be offered to remove themselves")
	}
	f.selectMember(t, "Аудитор Ақан")
	if f.s.RemoveButton.Disabled() || !f.s.ReenrolButton.Disabled() {
		t.Fatal("buttons for an active member: Remove enabled, Re-enrol disabled")
	}
	test.Tap(f.s.RemoveButton)
	if b := uitest.ButtonIn(f.dialog(), "Удалить"); b == nil || !b.Disabled() {
		t.Fatal("Remove must wait for a reason")
	}
	test.Type(uitest.FindIn[*widget.Entry](f.dialog())[0], "переведён в другой отдел")
	// Without the key rotation (the old behaviour): no passphrase needed.
	test.Tap(uitest.FindIn[*widget.Check](f.dialog())[0])
	f.tapIn(t, "Удалить")
	f.tapIn(t, "Да")
	if f.status("Аудитор Ақан") != "" {
		t.Fatal("removed member still listed")
	}
	test.Tap(f.s.ShowRemoved)
	f.loop.Settle(t)
	if f.status("Аудитор Ақан") != "бывший сотрудник, доступ удалён" {
		t.Errorf("status %q", f.status("Аудитор Ақан"))
	}
	_, err := store.Open(context.Background(), f.ws.Path, "Аудитор Ақан", []byte("auditor pass"), f.ws.Options)
	if !errors.Is(err, store.ErrBadCredentials) {
		t.Errorf("removed member can still open: %v", err)
	}
	// Former staff can be enrolled again.
	f.selectMember(t, "Аудитор Ақан")
	if f.s.ReenrolButton.Disabled() {
		t.Fatal("re-enrol disabled for former staff")
	}
}

func TestRotateKeyThenReenrol(t *testing.T) {
	f := setup(t, "", "")
	test.Tap(f.s.RotateButton)
	if !uitest.HasText(f.win.Canvas(), "2 сотрудника нужно будет зарегистрировать повторно") {
		t.Errorf("the consequences are not explained: %v", uitest.Texts(f.win.Canvas()))
	}
	e := uitest.FindIn[*widget.Entry](f.dialog())
	test.Type(e[0], "ноутбук потерян")
	test.Type(e[1], f.ws.Passphrase)
	f.tapIn(t, "Заменить ключ")
	if !uitest.HasText(f.win.Canvas(), "Ключ рабочего пространства заменён") {
		t.Fatalf("no confirmation: %v", uitest.Texts(f.win.Canvas()))
	}
	for _, n := range []string{"Айгерім Сәрсенбаева", "Аудитор Ақан"} {
		if got := f.status(n); got != "требуется повторная регистрация" {
			t.Errorf("%s: %q", n, got)
		}
	}
	f.selectMember(t, "Айгерім Сәрсенбаева")
	test.Tap(f.s.ReenrolButton)
	e = uitest.FindIn[*widget.Entry](f.dialog())
	test.Type(e[0], "new compliance pass")
	test.Type(e[1], "new compliance pass")
	f.tapIn(t, "Зарегистрировать повторно")
	if got := f.status("Айгерім Сәрсенбаева"); got != "активен" {
		t.Errorf("after re-enrolment: %q", got)
	}
	f.ws.OpenAs(t, "Айгерім Сәрсенбаева", "new compliance pass")
}

func TestRotateWithWrongPassphrase(t *testing.T) {
	f := setup(t, "", "")
	test.Tap(f.s.RotateButton)
	e := uitest.FindIn[*widget.Entry](f.dialog())
	test.Type(e[0], "проверка")
	test.Type(e[1], "not my passphrase")
	f.tapIn(t, "Заменить ключ")
	if !uitest.HasText(f.win.Canvas(), "Неверная парольная фраза.") {
		t.Errorf("texts: %v", uitest.Texts(f.win.Canvas()))
	}
	if f.status("Аудитор Ақан") != "активен" {
		t.Error("a refused rotation changed the slots")
	}
}

func TestChangeOwnPassphraseAsAuditor(t *testing.T) {
	f := setup(t, "Аудитор Ақан", "auditor pass")
	if f.s.AddButton != nil || f.s.RotateButton != nil || f.s.SaveAutoLock != nil {
		t.Fatal("admin actions offered to an auditor")
	}
	test.Tap(f.s.PassphraseButton)
	e := uitest.FindIn[*widget.Entry](f.dialog())
	test.Type(e[0], "wrong old one")
	test.Type(e[1], "auditor pass 2")
	test.Type(e[2], "auditor pass 2")
	f.tapIn(t, "Сменить")
	if !uitest.HasText(f.win.Canvas(), "Неверная парольная фраза.") {
		t.Fatalf("wrong current passphrase not reported: %v", uitest.Texts(f.win.Canvas()))
	}
	f.win.Canvas().Overlays().Remove(f.dialog())
	test.Tap(f.s.PassphraseButton)
	e = uitest.FindIn[*widget.Entry](f.dialog())
	test.Type(e[0], "auditor pass")
	test.Type(e[1], "auditor pass 2")
	test.Type(e[2], "auditor pass 2")
	f.tapIn(t, "Сменить")
	f.ws.OpenAs(t, "Аудитор Ақан", "auditor pass 2")
}

func TestAutoLockSetting(t *testing.T) {
	f := setup(t, "", "")
	if f.s.AutoLock.Text != "10" {
		t.Fatalf("auto-lock shows %q, want the default 10", f.s.AutoLock.Text)
	}
	f.s.AutoLock.SetText("0")
	test.Tap(f.s.SaveAutoLock)
	f.loop.Settle(t)
	if !uitest.HasText(f.win.Canvas(), "Введите целое число минут от 1 до 480.") {
		t.Error("invalid minutes not refused")
	}
	f.win.Canvas().Overlays().Remove(f.dialog())
	before, _ := f.w.AuditHead(context.Background())
	f.s.AutoLock.SetText("25")
	test.Tap(f.s.SaveAutoLock)
	f.loop.Settle(t)
	set, err := f.w.Settings(context.Background())
	if err != nil || set.AutoLock != 25*time.Minute {
		t.Errorf("settings: %+v %v", set, err)
	}
	// Enter in the field saves too, once.
	f.s.AutoLock.SetText("26")
	f.s.AutoLock.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	f.loop.Settle(t)
	after, _ := f.w.AuditHead(context.Background())
	if set, _ := f.w.Settings(context.Background()); set.AutoLock != 26*time.Minute || after.Seq != before.Seq+2 {
		t.Errorf("after Enter: %v, %d audit entries for two saves", set.AutoLock, after.Seq-before.Seq)
	}
}

func TestRolesShownInTheUILanguage(t *testing.T) {
	f := setup(t, "Айгерім Сәрсенбаева", "compliance pass")
	if !uitest.HasText(f.win.Canvas(), "Специалист по комплаенсу") || !uitest.HasText(f.win.Canvas(), "Айгерім Сәрсенбаева (вы)") {
		t.Errorf("texts: %v", uitest.Texts(f.win.Canvas()))
	}
}

// By default removing a member rotates the key: the admin gives their
// passphrase, the removed member's old slot copy is useless, everyone
// else is re-enrolled.
func TestRemoveRotatesTheKeyByDefault(t *testing.T) {
	f := setup(t, "", "")
	kept, err := os.ReadFile(keyslot.Path(f.ws.Path))
	if err != nil {
		t.Fatal(err)
	}
	f.selectMember(t, "Аудитор Ақан")
	test.Tap(f.s.RemoveButton)
	entries := uitest.FindIn[*widget.Entry](f.dialog())
	test.Type(entries[0], "уволен")
	test.Type(entries[1], f.ws.Passphrase)
	f.tapIn(t, "Удалить")
	f.tapIn(t, "Да")
	if f.status("Аудитор Ақан") != "" {
		t.Fatal("removed member still listed")
	}
	// The member's old copy of the key file no longer opens the workspace.
	os.WriteFile(keyslot.Path(f.ws.Path)+".kept", kept, 0o600)
	slots, _ := keyslot.Load(keyslot.Path(f.ws.Path) + ".kept")
	u, err := slots.Unlock("Аудитор Ақан", []byte("auditor pass"))
	if err != nil {
		t.Fatal(err)
	}
	current, _ := keyslot.Load(keyslot.Path(f.ws.Path))
	me, err := current.Unlock(f.ws.Admin, []byte(f.ws.Passphrase))
	if err != nil {
		t.Fatal(err)
	}
	if keyslot.Equal(u.Key, me.Key) {
		t.Fatal("the workspace key did not change")
	}
	if _, err := store.Open(context.Background(), f.ws.Path, "Айгерім Сәрсенбаева", []byte("compliance pass"), f.ws.Options); !errors.Is(err, store.ErrBadCredentials) {
		t.Errorf("other members must be re-enrolled after the rotation: %v", err)
	}
}
