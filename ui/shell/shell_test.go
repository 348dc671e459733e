package shell_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/internal/uitest"
	"legco.kz/compliance/ui/shell"
)

func TestErrorText(t *testing.T) {
	test.NewTempApp(t)
	i18n.Load(i18n.Russian)
	cases := []struct {
		err  error
		want string
	}{
		{&store.ForbiddenError{Staff: "x", Role: store.RoleLegal, Action: store.PermStaffManage}, "Ваша роль (Юрист) не позволяет добавлять и удалять сотрудников."},
		{fmt.Errorf("wrapped: %w", store.ErrBadCredentials), "Неверная парольная фраза."},
		{&store.ValidationError{Field: "passphrase", Reason: "must be at least 8 characters"}, "Парольная фраза: должна быть не короче 8 символов."},
		{&store.ValidationError{Field: "iin", Reason: "checksum is wrong"}, "iin: checksum is wrong."},
		{shell.UserError("Готовый текст."), "Готовый текст."},
		{context.Canceled, "Отменено."},
		{errors.New("disk full"), "Операция не выполнена: disk full"},
	}
	for _, c := range cases {
		if got := shell.ErrorText(c.err); !strings.HasPrefix(got, c.want) {
			t.Errorf("ErrorText(%v) = %q, want prefix %q", c.err, got, c.want)
		}
	}
	for _, r := range store.Roles {
		if shell.RoleName(r) == string(r) {
			t.Errorf("role %s has no name", r)
		}
	}
}

func TestRegisterDefaultNeverOverridesARegisteredScreen(t *testing.T) {
	mine := func(*shell.Env) fyne.CanvasObject { return widget.NewLabel("mine") }
	placeholder := func(*shell.Env) fyne.CanvasObject { return widget.NewLabel("placeholder") }
	defer shell.Unregister("zz-order")
	// A screen package's init may run before or after the built-ins.
	shell.Register(shell.Section{ID: "zz-order", New: mine})
	shell.RegisterDefault(shell.Section{ID: "zz-order", Order: 7, Title: func() string { return "T" }, New: placeholder})
	s, _ := shell.Lookup("zz-order")
	if s.New(nil).(*widget.Label).Text != "mine" || s.Order != 7 || s.Title() != "T" {
		t.Errorf("after Register then RegisterDefault: %+v", s)
	}
	shell.Unregister("zz-order")
	shell.RegisterDefault(shell.Section{ID: "zz-order", Order: 7, Title: func() string { return "T" }, New: placeholder})
	shell.Register(shell.Section{ID: "zz-order", New: mine})
	s, _ = shell.Lookup("zz-order")
	if s.New(nil).(*widget.Label).Text != "mine" || s.Order != 7 {
		t.Errorf("after RegisterDefault then Register: %+v", s)
	}
	var ids []string
	for _, s := range shell.Sections() {
		ids = append(ids, s.ID)
	}
	if !strings.Contains(strings.Join(ids, ","), "zz-order") {
		t.Errorf("sections: %v", ids)
	}
}

func newEnv(t *testing.T) (*shell.Env, *uitest.Loop, fyne.Window) {
	loop := uitest.Install(t)
	test.NewTempApp(t)
	i18n.Load(i18n.Russian)
	ws := uitest.NewWorkspace(t, false, nil)
	w := ws.Open(t)
	win := test.NewWindow(widget.NewLabel(""))
	win.Resize(fyne.NewSize(800, 600))
	t.Cleanup(win.Close)
	env := shell.NewEnv(w, win, shell.Options{KDF: ws.Options.KDF})
	return env, loop, win
}

func TestRunAppliesResultOnUIGoroutineAndSkipsItAfterLock(t *testing.T) {
	env, loop, _ := newEnv(t)
	var head store.AuditHead
	applied := false
	env.Run(func(ctx context.Context) error {
		var err error
		head, err = env.WS.AuditHead(ctx)
		return err
	}, func(err error) { applied = err == nil && head.Seq == 1 })
	loop.Settle(t)
	if !applied {
		t.Fatal("done not called with the result")
	}
	changed := 0
	env.OnChanged(func() { changed++ })
	env.Changed()
	if changed != 1 {
		t.Error("OnChanged listener not called")
	}

	release := make(chan struct{})
	called := false
	env.Run(func(ctx context.Context) error { <-release; return nil }, func(error) { called = true })
	env.Stop()
	close(release)
	loop.Settle(t)
	env.Wait()
	if called || !env.Stopped() {
		t.Error("done ran after the workspace locked")
	}
}

func TestRunWithProgressReportsAndCancels(t *testing.T) {
	env, loop, win := newEnv(t)
	started := make(chan struct{})
	var result error
	env.RunWithProgress(shell.Task{
		Title: "Проба", Message: "идёт работа", Cancellable: true,
		Work: func(ctx context.Context, progress shell.Progress) error {
			progress(5, 10)
			close(started)
			<-ctx.Done()
			return ctx.Err()
		},
		Done: func(err error) { result = err },
	})
	<-started
	loop.Until(t, 5*time.Second, "progress shown", func() bool {
		bars := uitest.FindIn[*widget.ProgressBar](win.Canvas().Overlays().Top())
		return len(bars) == 1 && bars[0].Value == 0.5
	})
	if !uitest.HasText(win.Canvas(), "5 из 10") {
		t.Errorf("texts: %v", uitest.Texts(win.Canvas()))
	}
	test.Tap(uitest.ButtonIn(win.Canvas().Overlays().Top(), "Отмена"))
	loop.Settle(t)
	if !errors.Is(result, context.Canceled) || win.Canvas().Overlays().Top() != nil {
		t.Errorf("after cancel: err=%v, dialog still open=%v", result, win.Canvas().Overlays().Top() != nil)
	}
}

func TestColumnsLineUpAndShrink(t *testing.T) {
	test.NewTempApp(t)
	cols := &shell.Columns{Widths: []float32{100, 200, 50}}
	a, b, c := widget.NewLabel("a"), widget.NewLabel("b"), widget.NewLabel("c")
	cols.Layout([]fyne.CanvasObject{a, b, c}, fyne.NewSize(1000, 40))
	if a.Size().Width != 100 || b.Size().Width != 200 || c.Size().Width < 600 || b.Position().X <= 100 {
		t.Errorf("wide: %v %v %v", a.Size(), b.Size(), c.Size())
	}
	cols.Layout([]fyne.CanvasObject{a, b, c}, fyne.NewSize(180, 40))
	if a.Size().Width >= 100 || c.Position().X+c.Size().Width > 181 {
		t.Errorf("narrow: %v %v %v at %v", a.Size(), b.Size(), c.Size(), c.Position())
	}
}

func TestColumnsKeepIdentifiers(t *testing.T) {
	test.NewTempApp(t)
	want := []float32{112, 250, 120, 128, 200, 130}
	keep := []bool{true, false, true, true}
	got := shell.ColumnWidths(want, keep, 790, len(want))
	for i, k := range keep {
		if k && got[i] != want[i] {
			t.Errorf("identifier column %d shrank to %.0f (want %.0f): %v", i, got[i], want[i], got)
		}
	}
	if got[1] >= want[1] || got[4] >= want[4] {
		t.Errorf("names did not give way: %v", got)
	}
	var sum float32
	for _, w := range got {
		sum += w
	}
	if sum > 790 {
		t.Errorf("columns take %.0f of 790", sum)
	}
	// Wide: identifiers as asked, the others share the rest.
	got = shell.ColumnWidths(want, keep, 1600, len(want))
	if got[0] != 112 || got[2] != 120 || got[1] <= 250 || got[4] <= 200 || got[5] <= 130 {
		t.Errorf("wide: %v", got)
	}
}

func TestOverflowBarMovesWhatDoesNotFit(t *testing.T) {
	test.NewTempApp(t)
	var buttons []fyne.CanvasObject
	tapped := ""
	for _, s := range []string{"Новый проект…", "Импорт из файла…", "Удалить проект…", "Опубликовать…", "Экспорт privacy.pdf…"} {
		s := s
		buttons = append(buttons, widget.NewButton(s, func() { tapped = s }))
	}
	bar := shell.NewOverflowBar(buttons...)
	w := test.NewTempWindow(t, bar)
	w.SetPadded(false)
	if bar.MinSize().Width > 60 {
		t.Errorf("the bar asks for %.0f px: it would widen the window", bar.MinSize().Width)
	}
	w.Resize(fyne.NewSize(420, 60))
	bar.Refresh()
	moved := bar.Overflowed()
	if len(moved) == 0 || !bar.More.Visible() {
		t.Fatalf("nothing moved into the menu at 420 px")
	}
	if moved[len(moved)-1].Text != "Экспорт privacy.pdf…" {
		t.Errorf("the last button should move first: %v", moved)
	}
	for _, o := range buttons {
		if o.Visible() && o.Position().X+o.Size().Width > 420 {
			t.Errorf("%q is clipped", o.(*widget.Button).Text)
		}
	}
	if r := bar.More.Position().X + bar.More.Size().Width; r > 420 {
		t.Errorf("More button ends at %.0f", r)
	}
	test.Tap(bar.More)
	if c := w.Canvas().Overlays().Top(); c == nil {
		t.Fatal("no menu")
	}
	_ = tapped
	w.Resize(fyne.NewSize(1400, 60))
	bar.Refresh()
	if len(bar.Overflowed()) != 0 || bar.More.Visible() {
		t.Errorf("wide bar still overflows: %v", bar.Overflowed())
	}
}

func TestTruncLabelShowsItsFullTextOnTap(t *testing.T) {
	test.NewTempApp(t)
	long := "Сотрудник Ұлжан Әлібекова зарегистрирован; запись журнала аудита № 2, основание: регистрация сотрудника"
	l := shell.NewTruncLabel(long)
	w := test.NewTempWindow(t, l)
	w.Resize(fyne.NewSize(200, 60))
	if !l.Cut() {
		t.Fatal("a long text in 200 px is not cut")
	}
	test.Tap(l)
	if !l.FullTextShown() {
		t.Fatal("tap did not show the full text")
	}
	found := false
	for _, lb := range uitest.FindIn[*widget.Label](w.Canvas().Overlays().Top()) {
		if lb.Text == long {
			found = true
		}
	}
	if !found {
		t.Error("the pop-up does not hold the full text")
	}
	short := shell.NewTruncLabel("OK")
	w.SetContent(short)
	w.Resize(fyne.NewSize(200, 60))
	test.Tap(short)
	if short.FullTextShown() {
		t.Error("an uncut text opened a pop-up")
	}
}
