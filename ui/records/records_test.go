package records

import (
	"bytes"
	"context"
	"errors"
	"image"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/keyslot"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/internal/uitest"
	"legco.kz/compliance/ui/shell"
)

const auditorName, auditorPass = "Аудитор", "auditor pass 1"

type fixture struct {
	s    *Screen
	loop *uitest.Loop
	win  fyne.Window
	env  *shell.Env
	ws   *store.Workspace
}

// setup makes a workspace with demo users (and an auditor), unlocks it
// as admin (or as the auditor) and builds the screen in a test window.
func setup(t testing.TB, users int, asAuditor bool) *fixture {
	t.Helper()
	loop := uitest.Install(t)
	test.NewTempApp(t)
	if _, err := i18n.Load(i18n.Russian); err != nil {
		t.Fatal(err)
	}
	uws := uitest.NewWorkspace(t, false, func(w *store.Workspace) {
		ctx := context.Background()
		if users > 0 {
			if _, err := w.LoadDemo(ctx, users, 1, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.AddStaff(ctx, auditorName, store.RoleAuditor, []byte(auditorPass), keyslot.TestParams); err != nil {
			t.Fatal(err)
		}
	})
	var w *store.Workspace
	if asAuditor {
		w = uws.OpenAs(t, auditorName, auditorPass)
	} else {
		w = uws.Open(t)
	}
	win := test.NewWindow(nil)
	t.Cleanup(win.Close)
	env := shell.NewEnv(w, win, shell.Options{KDF: uws.Options.KDF})
	t.Cleanup(func() { env.Stop(); loop.Settle(t); env.Wait() })
	s := NewScreen(env)
	win.SetContent(s)
	win.Resize(fyne.NewSize(1200, 800))
	loop.Settle(t)
	return &fixture{s: s, loop: loop, win: win, env: env, ws: w}
}

func (f *fixture) top() fyne.CanvasObject { return f.win.Canvas().Overlays().Top() }

// paint renders the window with the software painter (it fails on
// objects the app's painter would draw wrong or not at all).
func (f *fixture) paint(t *testing.T) {
	t.Helper()
	if img := f.win.Canvas().(interface{ Capture() image.Image }).Capture(); img.Bounds().Dx() == 0 {
		t.Error("nothing painted")
	}
}

// button returns the visible button with this text in the top dialog (or
// on the canvas when no dialog is open).
func (f *fixture) button(t *testing.T, text string) *widget.Button {
	t.Helper()
	var b *widget.Button
	if top := f.top(); top != nil {
		b = uitest.ButtonIn(top, text)
	} else {
		b = uitest.Button(f.win.Canvas(), text)
	}
	if b == nil {
		t.Fatalf("no button %q; texts: %q", text, uitest.Texts(f.win.Canvas()))
	}
	return b
}

// reasonEntryIn finds the multi-line reason entry of the top dialog.
func (f *fixture) reasonEntry(t *testing.T) *widget.Entry {
	t.Helper()
	for _, e := range uitest.FindIn[*widget.Entry](f.top()) {
		if e.MultiLine {
			return e
		}
	}
	t.Fatal("the dialog has no reason entry")
	return nil
}

func (f *fixture) audit(t *testing.T, acc string) []store.AuditEntry {
	t.Helper()
	got, err := f.ws.AuditEntries(context.Background(), store.AuditFilter{Object: "user:" + acc})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func hasAction(entries []store.AuditEntry, action, reason string) bool {
	for _, e := range entries {
		if e.Action == action && e.Reason == reason {
			return true
		}
	}
	return false
}

// someUser picks a demo user.
func someUser(t *testing.T, ws *store.Workspace, k int) store.UserSummary {
	t.Helper()
	ctx := context.Background()
	ids, err := ws.UserIDs(ctx, store.UserFilter{})
	if err != nil || len(ids) <= k {
		t.Fatalf("ids: %d, %v", len(ids), err)
	}
	us, err := ws.UsersByID(ctx, ids[k:k+1])
	if err != nil || len(us) != 1 {
		t.Fatalf("user: %v %v", us, err)
	}
	return us[0]
}

func TestFindEditBlockDepersonalize(t *testing.T) {
	f := setup(t, 500, false)
	s := f.s
	if n := s.List.Length(); n != 500 || !strings.Contains(s.Count.Text, "500") {
		t.Fatalf("list: %d rows, count %q", n, s.Count.Text)
	}
	u := someUser(t, f.ws, 42)
	words := strings.Fields(u.FullName)
	// Part of the name: the surname in lower case and the beginning of the
	// first name.
	query := strings.ToLower(words[0]) + " " + string([]rune(words[1])[:3])

	gen := s.gen
	test.Type(s.Search, query)
	f.loop.Settle(t)
	if s.gen != gen+1 {
		t.Errorf("typing %d characters ran %d searches; want one after the pause", len([]rune(query)), s.gen-gen)
	}
	row := s.win.rowOfAccount(u.AccountID)
	if !s.win.search || row < 0 {
		t.Fatalf("%q did not find %s (%s); count %q", query, u.AccountID, u.FullName, s.Count.Text)
	}
	if !strings.HasPrefix(s.Count.Text, "Найдено: ") {
		t.Errorf("count: %q", s.Count.Text)
	}
	f.paint(t)

	// Open it.
	s.List.Select(row)
	f.loop.Settle(t)
	d := s.Detail
	if !d.Visible() || d.User == nil || d.User.AccountID != u.AccountID || d.Title.Text != u.FullName {
		t.Fatalf("detail not shown: visible=%v user=%v", d.Visible(), d.User)
	}
	var labels []string
	for _, form := range uitest.FindIn[*widget.Form](d.Fields) {
		for _, it := range form.Items {
			labels = append(labels, it.Text)
		}
	}
	if l := strings.Join(labels, "|"); !strings.HasPrefix(l, "Идентификатор аккаунта *|ФИО *|ИИН|") {
		t.Errorf("mandatory fields are not marked: %s", l)
	}
	f.paint(t)
	if d.Access.total != d.User.AccessCount || len(d.Access.rows) != min(accessPage, d.User.AccessCount) {
		t.Errorf("access log: %d of %d loaded (count %d)", len(d.Access.rows), d.Access.total, d.User.AccessCount)
	}

	// Edit the e-mail, with a reason.
	test.Tap(d.EditButton)
	sel := uitest.FindIn[*widget.Select](f.top())
	if len(sel) != 1 {
		t.Fatal("no field select in the edit dialog")
	}
	sel[0].SetSelected(FieldLabel("email"))
	var value *widget.Entry
	for _, e := range uitest.FindIn[*widget.Entry](f.top()) {
		if !e.MultiLine {
			value = e
		}
	}
	if value == nil || value.Text != u.Email {
		t.Fatalf("value entry %v does not hold the current e-mail %q", value, u.Email)
	}
	value.SetText("new.address@example.kz")
	test.Type(f.reasonEntry(t), "обращение пользователя № 1")
	test.Tap(f.button(t, "Сохранить изменение"))
	f.loop.Settle(t)
	if d.User == nil || d.User.Email != "new.address@example.kz" {
		t.Fatalf("detail not updated: %+v", d.User)
	}
	if !hasAction(f.audit(t, u.AccountID), "user.update", "обращение пользователя № 1") {
		t.Error("the change is not in the audit log")
	}
	if r, st := s.win.row(s.win.rowOfAccount(u.AccountID)); st != rowLoaded || r.Email != "new.address@example.kz" {
		t.Errorf("list row not updated: %+v", r)
	}

	// Block: the reason is mandatory.
	test.Tap(d.BlockButton)
	confirm := f.button(t, "Заблокировать")
	if !confirm.Disabled() {
		t.Error("Block is enabled with an empty reason")
	}
	test.Tap(confirm)
	f.loop.Settle(t)
	if f.top() == nil || hasAction(f.audit(t, u.AccountID), "user.block", "") {
		t.Fatal("blocked without a reason")
	}
	test.Type(f.reasonEntry(t), "   ")
	if !confirm.Disabled() {
		t.Error("Block is enabled with a blank reason")
	}
	f.reasonEntry(t).SetText("")
	test.Type(f.reasonEntry(t), "требование уполномоченного органа")
	if confirm.Disabled() {
		t.Fatal("Block stays disabled with a reason")
	}
	test.Tap(confirm)
	f.loop.Settle(t)
	if d.User == nil || !d.User.Blocked || d.BlockButton.Visible() || !d.UnblockButton.Visible() {
		t.Fatalf("not shown as blocked: %+v", d.User)
	}
	if got := d.Badges.Texts(); len(got) == 0 || got[0] != "заблокирован" {
		t.Errorf("badges: %v", got)
	}
	if !hasAction(f.audit(t, u.AccountID), "user.block", "требование уполномоченного органа") {
		t.Error("the block is not in the audit log")
	}
	if r, _ := s.win.row(s.win.rowOfAccount(u.AccountID)); !r.Blocked {
		t.Error("list row not shown as blocked")
	}

	// The store refuses a blank reason too, and the screen says why.
	d.run(func(ctx context.Context, ws *store.Workspace) error { return ws.UnblockUser(ctx, u.AccountID, "  ") }, "")
	f.loop.Settle(t)
	if !uitest.HasText(f.win.Canvas(), "для каждой операции обработки нужно основание") {
		t.Errorf("blank reason not explained: %q", uitest.Texts(f.win.Canvas()))
	}
	f.win.Canvas().Overlays().Remove(f.top())

	// Depersonalize: reason, then a last confirmation.
	test.Tap(d.DepersonalizeButton)
	test.Type(f.reasonEntry(t), "истёк срок хранения")
	test.Tap(f.button(t, "Далее…"))
	if !uitest.HasText(f.win.Canvas(), "Идентифицирующие данные нельзя будет вернуть") {
		t.Fatalf("no irreversible warning: %q", uitest.Texts(f.win.Canvas()))
	}
	test.Tap(f.button(t, "Обезличить"))
	f.loop.Settle(t)
	// The record no longer has the account id the detail was opened
	// with: the screen returns to the list.
	if d.Visible() || s.Detail.User != nil {
		t.Error("the detail of the former account id stays open")
	}
	entries := f.audit(t, u.AccountID)
	if !hasAction(entries, "user.depersonalize", "истёк срок хранения") {
		t.Error("the depersonalization is not in the audit log")
	}
	// The old name and account id no longer find the user.
	if s.win.rowOfAccount(u.AccountID) >= 0 {
		t.Error("the depersonalized user is still found by the old name")
	}
	s.ClearFilters()
	s.Depersonalized.SetChecked(true)
	f.loop.Settle(t)
	if s.List.Length() != 1 || !strings.Contains(s.Count.Text, "1 из 500") {
		t.Errorf("depersonalized filter: %d rows, %q", s.List.Length(), s.Count.Text)
	}
	// Its detail shows no former identifier.
	r, _ := s.win.row(0)
	s.Open(r.AccountID)
	f.loop.Settle(t)
	if s.Detail.User == nil || !strings.HasPrefix(s.Detail.User.AccountID, "DP-") {
		t.Fatalf("depersonalized detail: %+v", s.Detail.User)
	}
	for _, v := range []string{u.AccountID, u.FullName, u.IIN, u.Phone, u.Email} {
		if v != "" && uitest.HasText(f.win.Canvas(), v) {
			t.Errorf("the depersonalized record shows %q", v)
		}
	}
}

func TestDestroyAndAct(t *testing.T) {
	f := setup(t, 50, false)
	s := f.s
	u := someUser(t, f.ws, 7)
	s.Open(u.AccountID)
	f.loop.Settle(t)
	d := s.Detail
	test.Tap(d.DestroyButton)
	test.Type(f.reasonEntry(t), "заявление субъекта об уничтожении")
	test.Tap(f.button(t, "Далее…"))
	test.Tap(f.button(t, "Уничтожить"))
	f.loop.Settle(t)
	if !uitest.HasText(f.win.Canvas(), "уничтожены по акту DA-") {
		t.Fatalf("no act reported: %q", uitest.Texts(f.win.Canvas()))
	}
	if uitest.ButtonIn(f.top(), "Сохранить акт уничтожения (PDF)…") == nil {
		t.Error("no button to save the act")
	}
	test.Tap(f.button(t, "Закрыть"))
	if d.Title.Text != u.AccountID || uitest.HasText(f.win.Canvas(), u.FullName) {
		t.Errorf("the destroyed user's name is still shown: %q", d.Title.Text)
	}
	if !strings.Contains(d.Message.Text, "уничтожены по акту") || d.User != nil || d.EditButton.Visible() || d.DestroyButton.Visible() {
		t.Errorf("detail after destruction: %q", d.Message.Text)
	}
	if !hasAction(d.History.entries, "user.destroy", "заявление субъекта об уничтожении") {
		t.Errorf("history: %v", d.History.Texts())
	}
	if s.List.Length() != 49 {
		t.Errorf("list has %d rows after the destruction", s.List.Length())
	}
	// Searching the destroyed account id answers with the act.
	s.Back()
	s.Search.SetText(u.AccountID)
	s.Reload()
	f.loop.Settle(t)
	if !strings.Contains(s.Empty.Text, "уничтожены") || !strings.Contains(s.Empty.Text, "по акту DA-") || !s.ActAgain.Visible() {
		t.Errorf("search of the destroyed id: %q, export shown %v", s.Empty.Text, s.ActAgain.Visible())
	}
	// The act's PDF.
	tomb, err := f.ws.Tombstones(context.Background())
	if err != nil || len(tomb) != 1 {
		t.Fatal(tomb, err)
	}
	act := &store.DestructionAct{Number: tomb[0].ActNumber, At: tomb[0].DestroyedAt, Staff: tomb[0].Staff, Role: store.RoleAdmin,
		Reason: tomb[0].Reason, AccountID: u.AccountID, Counts: tomb[0].Counts, AuditSeq: 1, AuditHash: strings.Repeat("a", 64), WorkspaceID: f.ws.WorkspaceID()}
	var buf closeBuffer
	if err := WriteAct(&buf, act); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF")) || !buf.closed {
		t.Errorf("act PDF: %q… closed=%v", buf.Bytes()[:min(8, buf.Len())], buf.closed)
	}
}

type closeBuffer struct {
	bytes.Buffer
	closed bool
}

func (c *closeBuffer) Close() error { c.closed = true; return nil }

func TestAuditorSeesNoActions(t *testing.T) {
	f := setup(t, 20, true)
	s := f.s
	if s.ImportButton.Visible() {
		t.Error("the auditor is offered Import")
	}
	u := someUser(t, f.ws, 3)
	s.Open(u.AccountID)
	f.loop.Settle(t)
	d := s.Detail
	if d.User == nil {
		t.Fatal("the auditor cannot read the record")
	}
	for _, b := range []*widget.Button{d.EditButton, d.BlockButton, d.UnblockButton, d.DepersonalizeButton, d.DestroyButton} {
		if b.Visible() {
			t.Errorf("the auditor is offered %q", b.Text)
		}
	}
	for _, b := range uitest.Find[*widget.Button](f.win.Canvas()) {
		switch b.Text {
		case "", "К списку":
			// the field-less icons are refresh and tabs; none edits
		default:
			t.Logf("button %q", b.Text)
		}
	}
	// No per-field edit buttons either.
	if n := len(uitest.FindIn[*widget.Button](d.Fields)); n != 0 {
		t.Errorf("%d edit buttons among the fields", n)
	}
	// The store refuses anyway, and the refusal is explained.
	d.run(func(ctx context.Context, ws *store.Workspace) error {
		return ws.BlockUser(ctx, u.AccountID, "проба")
	}, "")
	f.loop.Settle(t)
	if !uitest.HasText(f.win.Canvas(), "Ваша роль (Аудитор) не позволяет") {
		t.Errorf("refusal not explained: %q", uitest.Texts(f.win.Canvas()))
	}
}

func TestImportReportsBadRows(t *testing.T) {
	f := setup(t, 0, false)
	s := f.s
	if !s.Empty.Visible() || !strings.Contains(s.Empty.Text, "Записей о пользователях пока нет") {
		t.Errorf("empty state: %q", s.Empty.Text)
	}
	const file = "../../store/exportfile/testdata/users.csv"
	var out ImportOutcome
	s.ImportFile(ImportUsers, file, false, func(o ImportOutcome) { out = o })
	f.loop.Settle(t)
	if out.Result == nil || out.Err != nil {
		t.Fatalf("import: %+v", out)
	}
	if r := out.Result; r.New != 4 || r.Rejected != 3 || r.BatchID == 0 {
		t.Errorf("result: %+v", r)
	}
	var lines []int
	for _, e := range out.Rejected {
		lines = append(lines, e.Line)
	}
	if len(lines) != 3 || lines[0] != 5 || lines[1] != 6 || lines[2] != 9 {
		t.Errorf("rejected lines %v, want 5 6 9", lines)
	}
	c := f.win.Canvas()
	if !uitest.HasText(c, "Импорт завершён, есть отклонённые строки") {
		t.Fatalf("result dialog: %q", uitest.Texts(c))
	}
	texts := strings.Join(uitest.Texts(c), "|")
	for _, want := range []string{"|5|iin|", "|6|account_id|", "|9|", "check digit does not match", "duplicate account_id"} {
		if !strings.Contains(texts, want) {
			t.Errorf("the dialog does not show %q: %s", want, texts)
		}
	}
	if uitest.ButtonIn(f.top(), "Сохранить отчёт об ошибках…") == nil {
		t.Error("no Save error report button")
	}
	var rep bytes.Buffer
	if err := WriteErrorReport(&rep, out.Rejected); err != nil {
		t.Fatal(err)
	}
	if got := rep.String(); !strings.HasPrefix(got, "\ufefffile,line,column,reason\n") || !strings.Contains(got, "users.csv,5,iin,IIN check digit does not match") {
		t.Errorf("report:\n%s", got)
	}
	// The list shows the new users; "Show the imported users" filters the batch.
	test.Tap(f.button(t, "Показать импортированных"))
	f.loop.Settle(t)
	if s.List.Length() != 4 || s.Filter().BatchID != out.Result.BatchID || s.Empty.Visible() {
		t.Errorf("batch filter: %d rows, %+v", s.List.Length(), s.Filter())
	}

	// The access log of those users.
	f.win.Canvas().Overlays().Remove(f.top())
	s.ImportFile(ImportAccessLog, "../../store/exportfile/testdata/access.csv", false, func(o ImportOutcome) { out = o })
	f.loop.Settle(t)
	if out.Result == nil || out.Err != nil || out.Result.New == 0 || out.Kind != ImportAccessLog {
		t.Fatalf("access-log import: %+v", out)
	}
	if forms := uitest.FindIn[*widget.Form](f.top()); len(forms) == 0 || forms[0].Items[0].Text != "Новых строк" {
		t.Errorf("access-log result: %q", uitest.Texts(c))
	}
	f.win.Canvas().Overlays().Remove(f.top())

	// Again, strict: nothing is new, but the bad rows stop it.
	s.ImportFile(ImportUsers, file, true, func(o ImportOutcome) { out = o })
	f.loop.Settle(t)
	if out.Err == nil || !uitest.HasText(c, "Ничего не импортировано") {
		t.Errorf("strict import: %v; %q", out.Err, uitest.Texts(c))
	}
	f.win.Canvas().Overlays().Remove(f.top())

	// A file that is not an export.
	bad := t.TempDir() + "/notes.csv"
	os.WriteFile(bad, []byte("hello;world\n1;2\n"), 0o600)
	s.ImportFile(ImportUsers, bad, false, func(o ImportOutcome) { out = o })
	f.loop.Settle(t)
	var he *exportfile.HeaderError
	if !errors.As(out.Err, &he) || out.Result != nil || !uitest.HasText(c, "required column is missing") {
		t.Errorf("bad header: %v; %q", out.Err, uitest.Texts(c))
	}
}

func TestImportCancel(t *testing.T) {
	f := setup(t, 0, false)
	started := make(chan struct{})
	release := make(chan struct{})
	var out ImportOutcome
	got := false
	f.s.runImport(ImportUsers, "slow.csv", false, func() (io.ReadCloser, int64, error) {
		close(started)
		<-release
		return io.NopCloser(strings.NewReader("account_id;full_name\nLC-1;Иванов Иван\n")), 40, nil
	}, func(o ImportOutcome) { out, got = o, true })
	<-started
	test.Tap(f.button(t, "Отмена"))
	close(release)
	f.loop.Settle(t)
	if !got || !errors.Is(out.Err, context.Canceled) {
		t.Fatalf("cancel: %+v", out)
	}
	if out.Result != nil && !uitest.HasText(f.win.Canvas(), "Импорт отменён") {
		t.Errorf("texts: %q", uitest.Texts(f.win.Canvas()))
	}
}

func TestListLoadsOnlyVisiblePages(t *testing.T) {
	f := setup(t, 3000, false)
	s := f.s
	if s.List.Length() != 3000 {
		t.Fatalf("rows: %d", s.List.Length())
	}
	// The first page came from its own ids; the rest were read after.
	if s.win.partial() || len(s.win.ids) != 3000 {
		t.Fatalf("ids after load: %d (partial %v)", len(s.win.ids), s.win.partial())
	}
	if got := s.win.loadedPages(); len(got) != 1 || got[0] != 0 {
		t.Errorf("pages loaded at start: %v", got)
	}
	if n := s.idsRequested.Load(); n != pageSize {
		t.Errorf("%d ids requested at start, want %d", n, pageSize)
	}
	s.List.ScrollTo(1500)
	f.loop.Settle(t)
	u, st := s.win.row(1500)
	if st != rowLoaded || u.AccountID == "" {
		t.Fatalf("row 1500 not loaded: %v", st)
	}
	s.List.ScrollToBottom()
	f.loop.Settle(t)
	if _, st := s.win.row(2999); st != rowLoaded {
		t.Fatal("last row not loaded")
	}
	// Top, middle and bottom: at most two pages each (a screen can span
	// a page boundary).
	if n := s.idsRequested.Load(); n > 6*pageSize {
		t.Errorf("%d ids requested for three screens", n)
	}
	for _, p := range s.win.loadedPages() {
		if p != 0 && p != 7 && p != 8 && p != 14 && p != 13 {
			t.Errorf("page %d loaded though never shown (pages %v)", p, s.win.loadedPages())
		}
	}
	if s.fetches.Load() > 6 {
		t.Errorf("%d UsersByID calls", s.fetches.Load())
	}
}

func TestWindowEvictsAndAligns(t *testing.T) {
	w := newWindow(store.UserFilter{}, "")
	for i := 0; i < 50*pageSize; i++ {
		w.ids = append(w.ids, int64(10+i*2))
	}
	for p := 0; p < maxPages+5; p++ {
		page, ids, ok := w.need(p * pageSize)
		if !ok || page != p || len(ids) != pageSize {
			t.Fatalf("need(%d) = %d, %d ids, %v", p*pageSize, page, len(ids), ok)
		}
		if _, _, again := w.need(p*pageSize + 1); again {
			t.Fatal("a page being loaded was asked for twice")
		}
		users := make([]store.UserSummary, 0, len(ids))
		for k, id := range ids {
			if p == maxPages+4 && k == 3 {
				continue // destroyed meanwhile
			}
			users = append(users, store.UserSummary{ID: id, AccountID: "LC-" + string(rune('A'+k%26))})
		}
		w.put(p, users)
	}
	if len(w.pages) != maxPages {
		t.Errorf("%d pages kept, want %d", len(w.pages), maxPages)
	}
	if _, st := w.row(0); st != rowLoading {
		t.Error("the least recently used page was kept")
	}
	last := (maxPages + 4) * pageSize
	if _, st := w.row(last + 3); st != rowGone {
		t.Error("a missing user is not shown as gone")
	}
	if u, st := w.row(last + 4); st != rowLoaded || u.ID != w.ids[last+4] {
		t.Errorf("row after the gap: %+v %v", u, st)
	}
	if w.rowOf(w.ids[1234]) != 1234 || w.rowOf(11) != -1 {
		t.Error("rowOf")
	}
	// Search matches are kept only if the filter's ids hold them.
	res := keepMatching([]store.UserSummary{{ID: 10}, {ID: 11}, {ID: 12}}, w.ids)
	if len(res) != 2 || res[1].ID != 12 {
		t.Errorf("keepMatching: %+v", res)
	}
}

// A big list shows its first page from the first ids while the rest are
// read: its length is the users counted, rows past the ids wait, and the
// page read early stays only if the full order begins the same way.
func TestWindowPartial(t *testing.T) {
	w := newWindow(store.UserFilter{}, "")
	w.ids, w.pending, w.total = []int64{5, 3, 9}, 1000, 1000
	if !w.partial() || w.length() != 1000 {
		t.Fatalf("partial %v, length %d", w.partial(), w.length())
	}
	if _, st := w.row(500); st != rowLoading {
		t.Error("a row past the ids read is not shown as loading")
	}
	if _, _, ok := w.need(500); ok {
		t.Error("a page was asked for before its ids were read")
	}
	page, ids, ok := w.need(0)
	if !ok || page != 0 || !slices.Equal(ids, []int64{5, 3, 9}) {
		t.Fatalf("need(0) = %d %v %v", page, ids, ok)
	}
	w.put(0, []store.UserSummary{{ID: 5}, {ID: 3}, {ID: 9}})
	all := make([]int64, 1000)
	copy(all, []int64{5, 3, 9})
	for i := 3; i < len(all); i++ {
		all[i] = int64(100 + i)
	}
	w.setIDs(all)
	if w.partial() || w.length() != 1000 {
		t.Fatalf("after setIDs: partial %v, length %d", w.partial(), w.length())
	}
	if u, st := w.row(1); st != rowLoaded || u.ID != 3 {
		t.Errorf("the first page was dropped though the order is the same: %+v %v", u, st)
	}
	if _, ids, ok := w.need(500); !ok || ids[0] != all[400] {
		t.Errorf("need(500) after the ids came: %v %v", ids, ok)
	}
	// A user added before the others: the early page is misaligned now.
	w2 := newWindow(store.UserFilter{}, "")
	w2.ids, w2.pending = []int64{5, 3, 9}, 1000
	w2.need(0)
	w2.put(0, []store.UserSummary{{ID: 5}, {ID: 3}, {ID: 9}})
	w2.setIDs(append([]int64{7}, all...))
	if _, st := w2.row(0); st != rowLoading {
		t.Error("a page read before a change was kept")
	}
}

func TestGroupAndTexts(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1\u00a0000", 1000000: "1\u00a0000\u00a0000", -12345: "-12\u00a0345"} {
		if got := Group(n); got != want {
			t.Errorf("Group(%d) = %q", n, got)
		}
	}
	test.NewTempApp(t)
	for _, l := range []string{i18n.Russian, i18n.Kazakh, i18n.English} {
		if _, err := i18n.Load(l); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{i18n.Russian: "ИИН", i18n.Kazakh: "ЖСН", i18n.English: "IIN"}[l]
		if got := FieldLabel("iin"); got != want {
			t.Errorf("%s: FieldLabel(iin) = %q", l, got)
		}
	}
	i18n.Load(i18n.Russian)
	got := errorText(&store.ValidationError{Field: "full_name", Reason: "is mandatory (clause 1.1.1) and cannot be empty"})
	if got != "ФИО: обязательно (п. 1.1.1) и не может быть пустым." {
		t.Errorf("errorText: %q", got)
	}
	if _, err := parseBatch("x"); err == nil {
		t.Error("parseBatch(x)")
	}
	if b, err := parseBatch(" #12 "); err != nil || b != 12 {
		t.Errorf("parseBatch(#12) = %d, %v", b, err)
	}
	_ = time.Second
}

func TestSearchWithFiltersAndAccessPaging(t *testing.T) {
	old := accessPage
	accessPage = 2
	defer func() { accessPage = old }()
	f := setup(t, 300, false)
	s := f.s
	ctx := context.Background()
	var u store.UserSummary
	for k := 0; k < 300; k++ {
		u = someUser(t, f.ws, k)
		full, err := f.ws.GetUser(ctx, u.AccountID)
		if err != nil {
			t.Fatal(err)
		}
		if full.AccessCount >= 5 {
			break
		}
	}
	if err := f.ws.BlockUser(ctx, u.AccountID, "проверка"); err != nil {
		t.Fatal(err)
	}
	surname := strings.Fields(u.FullName)[0]
	s.Search.SetText(surname)
	s.Reload()
	f.loop.Settle(t)
	all := s.List.Length()
	if all == 0 || s.win.rowOfAccount(u.AccountID) < 0 {
		t.Fatalf("%q: %d rows", surname, all)
	}
	s.Blocked.SetChecked(true)
	f.loop.Settle(t)
	if s.List.Length() != 1 || s.win.rowOfAccount(u.AccountID) != 0 {
		t.Errorf("%q and blocked: %d rows (of %d)", surname, s.List.Length(), all)
	}
	s.Search.SetText("zzzz-nobody")
	s.Reload()
	f.loop.Settle(t)
	if s.List.Length() != 0 || !s.Empty.Visible() || !strings.Contains(s.Empty.Text, "zzzz-nobody") {
		t.Errorf("no match: %d rows, %q", s.List.Length(), s.Empty.Text)
	}
	s.ClearFilters()
	f.loop.Settle(t)
	if s.List.Length() != 300 || s.Empty.Visible() {
		t.Errorf("cleared: %d rows", s.List.Length())
	}

	// An account that is not there.
	s.Open("LC-9999999")
	f.loop.Settle(t)
	if !strings.Contains(s.Detail.Message.Text, "LC-9999999") || s.Detail.EditButton.Visible() {
		t.Errorf("missing account: %q", s.Detail.Message.Text)
	}

	// The access log comes a page at a time.
	s.Open(u.AccountID)
	f.loop.Settle(t)
	a := s.Detail.Access
	if a.total < 5 {
		t.Fatalf("no demo user with 5 access rows (%d)", a.total)
	}
	if len(a.rows) != 2 || !a.More.Visible() {
		t.Fatalf("first page: %d rows, more shown %v", len(a.rows), a.More.Visible())
	}
	for i := 0; i < a.total && a.more(); i++ {
		test.Tap(a.More)
		f.loop.Settle(t)
	}
	if len(a.rows) != a.total || a.More.Visible() {
		t.Errorf("after loading all: %d of %d", len(a.rows), a.total)
	}
	for i := 1; i < len(a.rows); i++ {
		if a.rows[i].ID >= a.rows[i-1].ID {
			t.Fatal("access log not newest first / repeated rows")
		}
	}
}

func TestEditInTheFullListReloadsOnlyRows(t *testing.T) {
	f := setup(t, 300, false)
	s := f.s
	u, st := s.win.row(2)
	if st != rowLoaded {
		t.Fatal("row 2 not loaded")
	}
	s.List.Select(2)
	f.loop.Settle(t)
	gen, ids := s.gen, s.win.ids
	test.Tap(s.Detail.BlockButton)
	test.Type(f.reasonEntry(t), "проверка")
	test.Tap(f.button(t, "Заблокировать"))
	f.loop.Settle(t)
	if s.gen != gen || &s.win.ids[0] != &ids[0] {
		t.Error("a block read every id again")
	}
	if got, st := s.win.row(2); st != rowLoaded || !got.Blocked || got.AccountID != u.AccountID {
		t.Errorf("row 2 after the block: %+v (%v)", got, st)
	}
	if r := s.bound[2]; r == nil || r.badges == nil || len(r.badges.Texts()) != 1 {
		t.Error("the row in view shows no blocked tag")
	}
	// A destruction changes the set of users: the ids are read again.
	test.Tap(s.Detail.DestroyButton)
	test.Type(f.reasonEntry(t), "заявление")
	test.Tap(f.button(t, "Далее…"))
	test.Tap(f.button(t, "Уничтожить"))
	f.loop.Settle(t)
	if s.gen == gen || s.List.Length() != 299 || !strings.Contains(s.Count.Text, "299") {
		t.Errorf("after the destruction: %d rows, %q", s.List.Length(), s.Count.Text)
	}
}
