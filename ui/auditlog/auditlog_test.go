package auditlog

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/internal/uitest"
	"legco.kz/compliance/ui/shell"
)

// setup opens a workspace as its admin and builds the screen in a
// 1100×700 test window.
func setup(t *testing.T, add func(w *store.Workspace)) (*Screen, *uitest.Loop, fyne.Window, *shell.Env) {
	t.Helper()
	loop := uitest.Install(t)
	test.NewTempApp(t)
	if _, err := i18n.Load(i18n.Russian); err != nil {
		t.Fatal(err)
	}
	ws := uitest.NewWorkspace(t, false, add)
	w := ws.Open(t)
	win := test.NewWindow(nil)
	t.Cleanup(win.Close)
	env := shell.NewEnv(w, win, shell.Options{KDF: ws.Options.KDF})
	t.Cleanup(func() { env.Stop(); loop.Settle(t) })
	s := NewScreen(env)
	win.SetContent(s)
	win.Resize(fyne.NewSize(1100, 700))
	loop.Settle(t)
	return s, loop, win, env
}

func autolockChanges(n int) func(w *store.Workspace) {
	return func(w *store.Workspace) {
		for i := 0; i < n; i++ {
			if err := w.SetAutoLock(context.Background(), time.Duration(1+i%400)*time.Minute); err != nil {
				panic(err)
			}
		}
	}
}

func TestListPagesThroughTheWholeLog(t *testing.T) {
	s, loop, _, _ := setup(t, autolockChanges(450))
	if n := s.List.Length(); n != 451 {
		t.Fatalf("rows = %d, want 451", n)
	}
	if !strings.Contains(s.Summary.Text, "451") {
		t.Errorf("summary %q", s.Summary.Text)
	}
	e, ok, _ := s.pager.entry(0)
	if !ok || e.Seq != 451 || e.Action != "settings.autolock" {
		t.Fatalf("row 0 = %+v (loaded %v)", e, ok)
	}
	// Only the first page is loaded until the list scrolls.
	if _, ok, _ := s.pager.entry(450); ok {
		t.Fatal("the last page was loaded up front")
	}
	s.List.ScrollToBottom()
	loop.Settle(t)
	e, ok, _ = s.pager.entry(450)
	if !ok || e.Seq != 1 || e.Action != "workspace.create" {
		t.Fatalf("last row = %+v (loaded %v)", e, ok)
	}
	s.List.Select(450)
	loop.Settle(t)
	// Words in the normal view; the code behind the "raw" toggle.
	if s.Detail.Num.Text != "#1" || s.Detail.Action.Text != "рабочее пространство создано" {
		t.Errorf("detail: %q %q", s.Detail.Num.Text, s.Detail.Action.Text)
	}
	s.Detail.Raw.SetChecked(true)
	if s.Detail.Action.Text != "workspace.create" {
		t.Errorf("raw action: %q", s.Detail.Action.Text)
	}
	s.Detail.Raw.SetChecked(false)
	if s.Detail.Prev.Text != store.GenesisHash {
		t.Errorf("first entry's prev hash = %q", s.Detail.Prev.Text)
	}
}

func TestFiltersLoadMatchesInPages(t *testing.T) {
	s, loop, _, _ := setup(t, autolockChanges(450))
	s.Action.SetText("settings.")
	s.Reload()
	loop.Settle(t)
	if n := s.List.Length(); n != pageSize+1 {
		t.Fatalf("filtered rows = %d, want one page and a loading row", n)
	}
	if !strings.Contains(s.Summary.Text, "загружено") {
		t.Errorf("summary %q", s.Summary.Text)
	}
	for i := 0; i < 5 && s.pager.more; i++ {
		s.List.ScrollToBottom()
		loop.Settle(t)
	}
	if n := s.List.Length(); n != 450 || s.pager.more {
		t.Fatalf("after scrolling: %d rows, more=%v; want 450", n, s.pager.more)
	}
	for i := 1; i < len(s.pager.rows); i++ {
		if s.pager.rows[i].Seq >= s.pager.rows[i-1].Seq {
			t.Fatalf("rows out of order at %d", i)
		}
	}
	// Object and staff filters.
	s.Action.SetText("")
	s.Object.SetText("workspace")
	s.Reload()
	loop.Settle(t)
	if n := s.List.Length(); n != 1 {
		t.Errorf("object filter: %d rows", n)
	}
	s.Object.SetText("")
	s.Staff.SetSelected("Админ")
	loop.Settle(t)
	if n := s.List.Length(); n != pageSize+1 || !s.pager.filtered {
		t.Errorf("staff filter: %d rows", n)
	}
	s.ClearFilters()
	loop.Settle(t)
	if s.pager.filtered || s.List.Length() != 451 {
		t.Error("clear did not show the whole log")
	}
}

func TestDetailShowsPersonalDataOrItsErasure(t *testing.T) {
	var kept, destroyed string
	s, loop, _, _ := setup(t, func(w *store.Workspace) {
		ctx := context.Background()
		if _, err := w.LoadDemo(ctx, 3, 1, nil); err != nil {
			t.Fatal(err)
		}
		ids, err := w.UserIDs(ctx, store.UserFilter{})
		if err != nil || len(ids) < 2 {
			t.Fatalf("demo users: %v %v", ids, err)
		}
		users, err := w.UsersByID(ctx, ids[:2])
		if err != nil {
			t.Fatal(err)
		}
		kept, destroyed = users[0].AccountID, users[1].AccountID
		for _, id := range []string{kept, destroyed} {
			if err := w.UpdateUserField(ctx, id, "email", "new-"+strings.ToLower(id)+"@example.kz", "request under clause 4.1"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.DestroyUser(ctx, destroyed, "subject's request"); err != nil {
			t.Fatal(err)
		}
	})
	show := func(object string) {
		t.Helper()
		s.Object.SetText(object)
		s.Action.SetText("user.update")
		s.Reload()
		loop.Settle(t)
		if s.List.Length() != 1 {
			t.Fatalf("%s: %d rows", object, s.List.Length())
		}
		s.List.Select(0)
		loop.Settle(t)
	}
	show("user:" + kept)
	if got := s.Detail.Personal.Text; !strings.Contains(got, "new-"+strings.ToLower(kept)+"@example.kz") || !strings.Contains(got, "\n  ") {
		t.Errorf("personal payload not shown pretty-printed: %q", got)
	}
	if got := s.Detail.Details.Text; !strings.Contains(got, "Поле: email") || strings.Contains(got, "{") {
		t.Errorf("details not as labelled fields: %q", got)
	}
	s.Detail.Raw.SetChecked(true)
	if got := s.Detail.Details.Text; !strings.Contains(got, `"field": "email"`) {
		t.Errorf("raw details: %q", got)
	}
	s.Detail.Raw.SetChecked(false)
	show("user:" + destroyed)
	if got := s.Detail.Personal.Text; !strings.HasPrefix(got, "удалено актом уничтожения") {
		t.Errorf("erased payload shown as %q", got)
	}
}

func TestVerifyChain(t *testing.T) {
	s, loop, win, env := setup(t, autolockChanges(20))
	s.Verify("")
	loop.Settle(t)
	c := win.Canvas()
	if !uitest.HasText(c, "Цепочка аудита цела") || !uitest.HasText(c, "Все записи (21) прошли проверку") {
		t.Fatalf("intact chain not reported: %v", uitest.Texts(c))
	}
	c.Overlays().Remove(c.Overlays().Top())

	// A head beyond the end of the log (e.g. from a report of another
	// workspace) says so and offers no entry that does not exist.
	s.Verify("#30 0123456789abcdef0123")
	loop.Settle(t)
	if !uitest.HasText(c, "Ожидаемая голова НЕ НАЙДЕНА") || !uitest.HasText(c, "В журнале 21 записей") {
		t.Fatalf("head beyond the log not reported: %v", uitest.Texts(c))
	}
	if uitest.ButtonIn(c.Overlays().Top(), "Показать запись") != nil {
		t.Fatal("offers to show an entry that does not exist")
	}
	c.Overlays().Remove(c.Overlays().Top())
	// An existing entry whose hash differs: named, with a way to it.
	s.Verify("#5 0123456789abcdef")
	loop.Settle(t)
	if !uitest.HasText(c, "Запись №5 существует") {
		t.Fatalf("differing head not reported: %v", uitest.Texts(c))
	}
	show := uitest.ButtonIn(c.Overlays().Top(), "Показать запись")
	if show == nil {
		t.Fatal("no button to show the entry")
	}
	test.Tap(show)
	loop.Settle(t)
	_ = env
}

func TestVerifyCancel(t *testing.T) {
	s, loop, win, _ := setup(t, nil)
	// Cancel before the work runs: the context is cancelled, and the
	// result is a notice, not an error dialog.
	s.Verify("")
	cancel := uitest.ButtonIn(win.Canvas().Overlays().Top(), "Отмена")
	if cancel == nil {
		t.Fatal("the progress dialog has no Cancel button")
	}
	test.Tap(cancel)
	loop.Settle(t)
	if uitest.HasText(win.Canvas(), "Ошибка") {
		t.Error("cancelling showed an error")
	}
}

func TestParseExpectedHead(t *testing.T) {
	h := strings.Repeat("ab", 32)
	good := []string{"", "#12 " + h, "#12 ABCDEF0123456789…", "12 abcdef0123456789...", "  " + h + "  "}
	for _, in := range good {
		if got, err := ParseExpectedHead(in); err != nil || got != strings.TrimSpace(in) {
			t.Errorf("ParseExpectedHead(%q) = %q, %v", in, got, err)
		}
	}
	bad := []string{"#12 abc", h[:20], "head #7 0123456789abcdef0", "#x 0123456789abcdef", "#3 0123456789abcdeg"}
	for _, in := range bad {
		if _, err := ParseExpectedHead(in); err == nil {
			t.Errorf("ParseExpectedHead(%q) accepted", in)
		}
	}
}

func TestReportTextHeadBeyondTheLog(t *testing.T) {
	test.NewTempApp(t)
	i18n.Load(i18n.English)
	defer i18n.Load(i18n.Russian)
	// "#11 0000000000000000" on a log of 9 entries: no entry #10, #11 or
	// #12 may be named.
	title, text := ReportText(&store.VerifyReport{Entries: 9, Head: store.AuditHead{Seq: 9, Hash: "ff"},
		Expect: &store.HeadMismatch{Seq: 11, Beyond: true, Entries: 9, Reason: "the log has 9 entries"}})
	if title != "Expected head NOT FOUND" || !strings.Contains(text, "The log has 9 entries; entries were removed, or the head belongs to another workspace") ||
		strings.Contains(text, "#12") || strings.Contains(text, "#10") {
		t.Errorf("%s\n%s", title, text)
	}
	title, text = ReportText(&store.VerifyReport{Entries: 9, Head: store.AuditHead{Seq: 9, Hash: "ff"},
		Expect: &store.HeadMismatch{Seq: 4, Reason: "differs"}})
	if title != "Expected head NOT FOUND" || !strings.Contains(text, "Entry #4 exists") || !strings.Contains(text, "mistyped") {
		t.Errorf("%s\n%s", title, text)
	}
}

func TestReportText(t *testing.T) {
	test.NewTempApp(t)
	i18n.Load(i18n.English)
	defer i18n.Load(i18n.Russian)
	title, text := ReportText(&store.VerifyReport{Entries: 9, Head: store.AuditHead{Seq: 9, Hash: "ff"},
		Broken: &store.BrokenEntry{Seq: 4, Reason: "content does not match its hash"}, Erased: 2, Warnings: []string{"trigger missing"}})
	if title != "Audit chain BROKEN" || !strings.Contains(text, "#4") || !strings.Contains(text, "content does not match") ||
		!strings.Contains(text, "destruction acts: 2") || !strings.Contains(text, "Warning: trigger missing") {
		t.Errorf("%s\n%s", title, text)
	}
}

func TestPagerEvictsFarPages(t *testing.T) {
	p := newPager(store.AuditFilter{}, 100000)
	for page := 0; page < maxPages+10; page++ {
		i := page * pageSize
		got, f, ok := p.need(i)
		if !ok || got != page || f.BeforeSeq != int64(100000-page*pageSize+1) || f.Limit != pageSize {
			t.Fatalf("need(%d) = %d %+v %v", i, got, f, ok)
		}
		entries := make([]store.AuditEntry, pageSize)
		for k := range entries {
			entries[k].Seq = f.BeforeSeq - 1 - int64(k)
		}
		p.put(page, entries)
	}
	if len(p.pages) != maxPages {
		t.Fatalf("%d pages kept, want %d", len(p.pages), maxPages)
	}
	if _, ok, _ := p.entry(0); ok {
		t.Error("the oldest-used page should have been dropped")
	}
	if e, ok, _ := p.entry((maxPages+9)*pageSize + 5); !ok || e.Seq != int64(100000-(maxPages+9)*pageSize-5) {
		t.Errorf("recent page: %+v %v", e, ok)
	}
	// A gap shows as missing.
	p2 := newPager(store.AuditFilter{}, 3)
	p2.need(0)
	p2.put(0, []store.AuditEntry{{Seq: 3}, {Seq: 1}})
	if _, ok, missing := p2.entry(1); ok || !missing {
		t.Error("entry #2 should show as missing")
	}
	if got := fmt.Sprint(p2.rowOf(1), p2.rowOf(4)); got != "2 -1" {
		t.Errorf("rowOf: %s", got)
	}
}

func TestReportTextTampering(t *testing.T) {
	test.NewTempApp(t)
	i18n.Load(i18n.English)
	defer i18n.Load(i18n.Russian)
	title, text := ReportText(&store.VerifyReport{Entries: 9, Head: store.AuditHead{Seq: 9, Hash: "ff"},
		Tampered: []store.Tampering{{Object: "user:LC-1", Reason: "the record does not match its seal"}}, TamperedTotal: 1})
	if title != "Tampering or damage found" || !strings.Contains(text, "user:LC-1: the record does not match its seal") || !strings.Contains(text, "restore both from a backup") {
		t.Errorf("%s\n%s", title, text)
	}
}
