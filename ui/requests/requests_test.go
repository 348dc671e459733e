package requests

import (
	"context"
	"image"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/reports/requestpack"
	"legco.kz/compliance/store"
	"legco.kz/compliance/store/keyslot"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/internal/uitest"
	"legco.kz/compliance/ui/shell"
)

const officerName, officerPass = "Ұлжан", "officer pass 1"

type fixture struct {
	loop *uitest.Loop
	uws  uitest.Workspace
}

type view struct {
	s   *Screen
	win fyne.Window
	env *shell.Env
	ws  *store.Workspace
}

func setup(t testing.TB, users, requests int) *fixture {
	t.Helper()
	loop := uitest.Install(t)
	test.NewTempApp(t)
	if _, err := i18n.Load(i18n.Russian); err != nil {
		t.Fatal(err)
	}
	uws := uitest.NewWorkspace(t, false, func(w *store.Workspace) {
		ctx := context.Background()
		if _, err := w.LoadDemo(ctx, users, 1, nil); err != nil {
			t.Fatal(err)
		}
		if err := w.AddStaff(ctx, officerName, store.RoleCompliance, []byte(officerPass), keyslot.TestParams); err != nil {
			t.Fatal(err)
		}
		if err := w.LoadDemoRequests(ctx, requests, users, 1); err != nil {
			t.Fatal(err)
		}
	})
	return &fixture{loop: loop, uws: uws}
}

// open builds the screen for one staff member in its own window.
func (f *fixture) open(t testing.TB, staff, pass string, size fyne.Size) *view {
	t.Helper()
	w := f.uws.OpenAs(t, staff, pass)
	win := test.NewWindow(nil)
	t.Cleanup(win.Close)
	env := shell.NewEnv(w, win, shell.Options{KDF: keyslot.TestParams})
	t.Cleanup(func() { env.Stop(); f.loop.Settle(t); env.Wait() })
	s := NewScreen(env)
	win.SetContent(s)
	win.Resize(size)
	f.loop.Settle(t)
	return &view{s: s, win: win, env: env, ws: w}
}

func top(v *view) fyne.CanvasObject { return v.win.Canvas().Overlays().Top() }

// confirmForm fills the reason of the open form dialog and confirms it.
func (f *fixture) confirmForm(t *testing.T, v *view, reason, confirm string) {
	t.Helper()
	d := top(v)
	if d == nil {
		t.Fatal("no dialog")
	}
	for _, e := range uitest.FindIn[*widget.Entry](d) {
		if e.MultiLine {
			e.SetText(reason)
		}
	}
	b := uitest.ButtonIn(d, confirm)
	if b == nil {
		t.Fatalf("no %q button in the dialog (texts %v)", confirm, uitest.Texts(v.win.Canvas()))
	}
	test.Tap(b)
	f.loop.Settle(t)
}

func (f *fixture) action(t *testing.T, v *view, label string) {
	t.Helper()
	b := uitest.ButtonIn(v.s.Detail.Actions, label)
	if b == nil {
		var have []string
		for _, o := range v.s.Detail.Actions.Objects {
			if b, ok := o.(*widget.Button); ok {
				have = append(have, b.Text)
			}
		}
		t.Fatalf("no %q action (have %v)", label, have)
	}
	test.Tap(b)
	f.loop.Settle(t)
}

func (f *fixture) waitState(t *testing.T, v *view, number string, want store.RequestState) {
	t.Helper()
	f.loop.Until(t, 20*time.Second, "state "+string(want), func() bool {
		r, err := v.ws.GetRequest(context.Background(), number)
		return err == nil && r.State == want
	})
	f.loop.Settle(t)
}

// A law-enforcement request is taken in by the compliance officer,
// approved by a second staff member (the approval step is not offered to
// the preparer), packaged with progress, and lands in the disclosure
// register and the transparency report.
func TestLawEnforcementRequestEndToEnd(t *testing.T) {
	f := setup(t, 30, 0)
	officer := f.open(t, officerName, officerPass, fyne.NewSize(1024, 700))
	ctx := context.Background()

	test.Tap(officer.s.NewButton)
	f.loop.Settle(t)
	in := officer.s.intake
	in.Kind.SetSelectedIndex(0) // disclosure
	in.Accounts.SetText("LC-0000001, LC-0009999")
	in.RequesterType.SetSelectedIndex(1) // investigator
	in.Requester.SetText("Департамент полиции г. Алматы")
	in.Officer.SetText("следователь Сейітов Қ.")
	in.Letter.SetText("3-17/1024")
	in.Ground.SetSelectedIndex(2) // 3.2.3
	in.Fields.SetSelected([]string{FieldName("full_name"), FieldName("iin"), FieldName("phone")})
	f.loop.Settle(t)
	test.Tap(uitest.ButtonIn(top(officer), "Зарегистрировать"))
	f.loop.Until(t, 10*time.Second, "request recorded", func() bool { return officer.s.Detail.Request != nil })
	number := officer.s.Detail.Request.Number
	if r := officer.s.Detail.Request; r.Kind != store.KindDisclosure || r.Ground != store.GroundLaw || len(r.Accounts) != 2 || r.Requester == "" {
		t.Fatalf("recorded %+v", r)
	}
	if !strings.Contains(officer.s.Detail.Deadline.Text, "Срок") {
		t.Errorf("deadline %q", officer.s.Detail.Deadline.Text)
	}

	f.action(t, officer, "Начать проверку")
	f.confirmForm(t, officer, "полномочия следователя проверены", "Начать проверку")
	f.waitState(t, officer, number, store.RequestVerifying)
	f.action(t, officer, "На рассмотрение")
	f.confirmForm(t, officer, "основание 3.2.3: ст. 199 УПК РК", "На рассмотрение")
	f.waitState(t, officer, number, store.RequestUnderReview)
	officer.s.Detail.Load(number)
	f.loop.Settle(t)
	if uitest.ButtonIn(officer.s.Detail.Actions, "Утвердить") != nil || !officer.s.Detail.Note.Visible() {
		t.Fatal("the preparer is offered the approval step")
	}

	admin := f.open(t, f.uws.Admin, f.uws.Passphrase, fyne.NewSize(1280, 800))
	admin.s.Open(number)
	f.loop.Settle(t)
	f.action(t, admin, "Утвердить частично")
	d := top(admin)
	groups := uitest.FindIn[*widget.CheckGroup](d)
	if len(groups) != 1 {
		t.Fatalf("field choice: %d check groups", len(groups))
	}
	groups[0].SetSelected([]string{FieldName("full_name"), FieldName("phone")})
	f.confirmForm(t, admin, "ИИН не нужен для целей запроса", "Утвердить частично")
	f.waitState(t, admin, number, store.RequestPartiallyApproved)
	if admin.s.Detail.Request.ApprovedBy != f.uws.Admin {
		t.Fatalf("approved by %q", admin.s.Detail.Request.ApprovedBy)
	}

	officer.s.Detail.Load(number)
	f.loop.Settle(t)
	f.action(t, officer, "Сформировать пакет…")
	dir := filepath.Join(t.TempDir(), "pkg")
	for _, e := range uitest.FindIn[*widget.Entry](top(officer)) {
		e.SetText(dir)
	}
	test.Tap(uitest.ButtonIn(top(officer), "Сформировать"))
	f.waitState(t, officer, number, store.RequestFulfilled)
	f.loop.Until(t, 10*time.Second, "package dialog", func() bool { return uitest.HasText(officer.win.Canvas(), "Пакет готов") })
	m, _, err := requestpack.Verify(dir)
	if err != nil || strings.Join(m.Fields, ",") != "full_name,phone" {
		t.Fatalf("package: %+v %v", m, err)
	}
	csv, _ := os.ReadFile(filepath.Join(dir, requestpack.ExtractCSV))
	if !strings.Contains(string(csv), "LC-0009999,no_data") {
		t.Fatalf("extract %s", csv)
	}

	test.Tap(officer.s.RegisterButton)
	f.loop.Settle(t)
	if !uitest.HasText(officer.win.Canvas(), number) || !uitest.HasText(officer.win.Canvas(), "Департамент полиции г. Алматы") {
		t.Fatalf("register dialog lacks the disclosure: %v", uitest.Texts(officer.win.Canvas()))
	}
	tr, err := officer.ws.TransparencyReport(ctx, officer.ws.Today(), officer.ws.Today())
	if err != nil || len(tr.ByRequester) != 1 || tr.ByRequester[0].Key != "investigator" || tr.ByRequester[0].Partial != 1 {
		t.Fatalf("transparency %+v %v", tr, err)
	}
	if img := officer.win.Canvas().(interface{ Capture() image.Image }).Capture(); img.Bounds().Dx() == 0 {
		t.Error("nothing painted")
	}
}

func TestQueueFiltersAndSorts(t *testing.T) {
	f := setup(t, 50, 90)
	v := f.open(t, f.uws.Admin, f.uws.Passphrase, fyne.NewSize(1280, 800))
	rows := v.s.Rows()
	if len(rows) != 90 {
		t.Fatalf("%d rows", len(rows))
	}
	for i := 1; i < len(rows); i++ {
		if rows[i-1].Due > rows[i].Due {
			t.Fatalf("not by due date at %d", i)
		}
	}
	v.s.Sort.SetSelectedIndex(SortDueDesc)
	f.loop.Settle(t)
	if rows = v.s.Rows(); rows[0].Due < rows[len(rows)-1].Due {
		t.Fatal("not by due date, latest first")
	}
	v.s.Overdue.SetChecked(true)
	f.loop.Settle(t)
	today := v.ws.Today().Format("2006-01-02")
	for _, r := range v.s.Rows() {
		if !r.State.Open() || r.Due >= today {
			t.Fatalf("overdue filter let %+v through", r)
		}
	}
	v.s.Overdue.SetChecked(false)
	v.s.Kind.SetSelectedIndex(1) // disclosure
	f.loop.Settle(t)
	for _, r := range v.s.Rows() {
		if r.Kind != store.KindDisclosure {
			t.Fatalf("kind filter let %+v through", r)
		}
	}
	seen := map[store.RequestState]bool{}
	all, _ := v.ws.ListRequests(context.Background(), store.RequestFilter{})
	for _, r := range all {
		seen[r.State] = true
	}
	if len(seen) != len(store.RequestStates) {
		t.Errorf("demo requests cover %d of %d states", len(seen), len(store.RequestStates))
	}
}

// BenchmarkQueue100k opens the queue of 100,000 requests (load + sort by
// due date) and re-sorts it latest first, as the screen does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkQueue100k(b *testing.B) {
	f := setup(b, 1000, 100_000)
	v := f.open(b, f.uws.Admin, f.uws.Passphrase, fyne.NewSize(1280, 800))
	b.ResetTimer()
	var load, sortT, cpu time.Duration
	for i := 0; i < b.N; i++ {
		start, c := time.Now(), cpuTime()
		v.s.Reload()
		f.loop.Until(b, time.Minute, "reload", func() bool { return v.s.gen > 0 && len(v.s.rows) == 100_000 })
		f.loop.Settle(b)
		load += time.Since(start)
		cpu += cpuTime() - c
		start = time.Now()
		v.s.Sort.SetSelectedIndex(SortDueDesc)
		v.s.Sort.SetSelectedIndex(SortDue)
		sortT += time.Since(start)
	}
	b.ReportMetric(float64(load.Milliseconds())/float64(b.N), "open-ms")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "open-cpu-ms")
	b.ReportMetric(float64(sortT.Milliseconds())/float64(2*b.N), "sort-ms")
}

// The Requests tab of a user's detail lists the user's requests and every
// disclosure of their data.
func TestUserTabListsRequestsAndDisclosures(t *testing.T) {
	f := setup(t, 40, 45)
	v := f.open(t, f.uws.Admin, f.uws.Passphrase, fyne.NewSize(1024, 700))
	reg, err := v.ws.DisclosureRegister(context.Background(), time.Time{}, time.Time{})
	if err != nil || len(reg) == 0 {
		t.Fatalf("demo register: %d %v", len(reg), err)
	}
	d := reg[0]
	content, show := buildUserTab(v.env)
	w := test.NewWindow(content)
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(900, 600))
	show(d.AccountID)
	f.loop.Settle(t)
	if !uitest.HasText(w.Canvas(), d.Request) || !uitest.HasText(w.Canvas(), d.Recipient) {
		t.Fatalf("tab of %s lacks %s / %s: %v", d.AccountID, d.Request, d.Recipient, uitest.Texts(w.Canvas()))
	}
	show("LC-0000000-none")
	f.loop.Settle(t)
	if !uitest.HasText(w.Canvas(), "Запросов об этом пользователе нет.") {
		t.Fatalf("empty tab: %v", uitest.Texts(w.Canvas()))
	}
}

// The intake form keeps what was typed and says in words which field is
// wrong; nothing is recorded.
func TestIntakeValidation(t *testing.T) {
	f := setup(t, 10, 0)
	v := f.open(t, officerName, officerPass, fyne.NewSize(1024, 700))
	test.Tap(v.s.NewButton)
	f.loop.Settle(t)
	in := v.s.intake
	in.Accounts.SetText("LC-0000001")
	f.loop.Settle(t)
	test.Tap(uitest.ButtonIn(top(v), "Зарегистрировать"))
	f.loop.Until(t, 10*time.Second, "error shown", func() bool {
		return uitest.HasText(v.win.Canvas(), "Выберите правовое основание передачи.")
	})
	if rows, _ := v.ws.ListRequests(context.Background(), store.RequestFilter{}); len(rows) != 0 {
		t.Fatalf("recorded %d requests", len(rows))
	}
	in.Received.SetText("5 марта")
	f.loop.Settle(t)
	test.Tap(uitest.ButtonIn(top(v), "Зарегистрировать"))
	f.loop.Settle(t)
	if !uitest.HasText(v.win.Canvas(), "Укажите дату в виде ДД.ММ.ГГГГ, например 15.03.2026.") {
		t.Fatalf("bad date not reported: %v", uitest.Texts(v.win.Canvas()))
	}
}
