package consents

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/demo"
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

func setup(t *testing.T, users int, asAuditor bool) *fixture {
	t.Helper()
	loop := uitest.Install(t)
	test.NewTempApp(t)
	if _, err := i18n.Load(i18n.Kazakh); err != nil {
		t.Fatal(err)
	}
	uws := uitest.NewWorkspace(t, false, func(w *store.Workspace) {
		ctx := context.Background()
		if err := w.PublishDemoEditions(ctx, demo.DemoEditions); err != nil {
			t.Fatal(err)
		}
		if _, err := w.LoadDemo(ctx, users, 1, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := w.LoadDemoConsents(ctx, users, 1, demo.DemoEditions, nil); err != nil {
			t.Fatal(err)
		}
		if err := w.AddStaff(ctx, auditorName, store.RoleAuditor, []byte(auditorPass), keyslot.TestParams); err != nil {
			t.Fatal(err)
		}
	})
	w := uws.Open(t)
	if asAuditor {
		w = uws.OpenAs(t, auditorName, auditorPass)
	}
	win := test.NewWindow(nil)
	t.Cleanup(win.Close)
	env := shell.NewEnv(w, win, shell.Options{KDF: uws.Options.KDF})
	t.Cleanup(func() { env.Stop(); loop.Settle(t); env.Wait() })
	s := NewScreen(env)
	win.SetContent(s.content)
	win.Resize(fyne.NewSize(1024, 700))
	loop.Settle(t)
	return &fixture{s: s, loop: loop, win: win, env: env, ws: w}
}

func TestFindRecordWithdrawalAndBacklog(t *testing.T) {
	f := setup(t, 150, false)
	ctx := context.Background()
	f.s.Backlog.Reload()
	f.loop.Settle(t)
	before := f.s.Backlog.Backlog
	if before == nil || before.Total == 0 || f.s.Backlog.Len() != before.Total {
		t.Fatalf("backlog %+v, list %d", before, f.s.Backlog.Len())
	}
	if f.s.Tabs.Items[1].Text != lang.L("Re-consent backlog") || f.s.Tabs.Items[1].Text == "Re-consent backlog" {
		t.Fatal("no backlog tab")
	}
	// Open a backlog user from the list, as a click would.
	ids, _ := f.ws.ConsentBacklogIDs(ctx, 0)
	us, _ := f.ws.UsersByID(ctx, ids[:1])
	acc := us[0].AccountID
	f.s.Find(acc)
	f.loop.Settle(t)
	if f.s.User.Account() != acc || len(f.s.User.Events()) == 0 {
		t.Fatalf("user %q shown with %d events", f.s.User.Account(), len(f.s.User.Events()))
	}
	if !uitest.HasText(f.win.Canvas(), acc) {
		t.Fatal("the user's account is not on screen")
	}
	// Record the acceptance of the edition in force on paper: the
	// backlog drops by one.
	test.Tap(f.s.User.Record)
	f.loop.Settle(t)
	form := LastForm
	form.SelectPurpose(store.PurposePolicy)
	form.Document.SetText("Өтініш № 15, 01.12.2026")
	form.Reason.SetText("қағаз түрінде келісім")
	form.Language.SetSelectedIndex(1) // Kazakh
	test.Tap(uitest.ButtonIn(f.win.Canvas().Overlays().Top(), lang.L("Record consent")))
	f.loop.Settle(t)
	f.loop.Until(t, 5*time.Second, "backlog reload", func() bool {
		return f.s.Backlog.Backlog != nil && f.s.Backlog.Backlog.Total == before.Total-1
	})
	if s, _ := f.s.User.StateOf(store.PurposePolicy); s.State != store.ConsentGiven || s.Edition != 3 || s.Channel != "paper" {
		t.Fatalf("policy state after the paper record: %+v", s)
	}
	// A paper withdrawal of the SMS consent.
	test.Tap(f.s.User.Withdraw)
	f.loop.Settle(t)
	form = LastForm
	form.SelectPurpose(store.PurposeSMSThirdParty)
	ok := uitest.ButtonIn(f.win.Canvas().Overlays().Top(), lang.L("Record withdrawal"))
	if !ok.Disabled() {
		t.Fatal("a withdrawal without document and reason can be confirmed")
	}
	form.Document.SetText("Заявление № 16")
	form.Reason.SetText("отзыв согласия")
	f.loop.Settle(t)
	test.Tap(ok)
	f.loop.Settle(t)
	f.loop.Until(t, 5*time.Second, "state reload", func() bool {
		s, _ := f.s.User.StateOf(store.PurposeSMSThirdParty)
		return s.State == store.ConsentWithdrawn
	})
	es, _ := f.ws.AuditEntries(ctx, store.AuditFilter{Object: "user:" + acc, Action: "consent."})
	if len(es) != 2 {
		t.Fatalf("%d consent audit entries", len(es))
	}
	// State on a date before the paper records: as it was.
	f.s.User.At.SetText("2020-01-01")
	f.s.User.Reload()
	f.loop.Settle(t)
	if s, _ := f.s.User.StateOf(store.PurposeSMSThirdParty); s.State == store.ConsentWithdrawn {
		t.Fatal("state on 2020-01-01 shows the 2026 withdrawal")
	}
	// Export the report (PDF and CSV) with the screen's filters.
	dir := t.TempDir()
	var done bool
	f.s.ExportReport(filepath.Join(dir, "r.pdf"), filepath.Join(dir, "r.csv"), "kk", ';', func(err error) {
		if err != nil {
			t.Error(err)
		}
		done = true
	})
	f.loop.Until(t, 20*time.Second, "export", func() bool { return done })
	if b, _ := os.ReadFile(filepath.Join(dir, "r.pdf")); !strings.HasPrefix(string(b), "%PDF") {
		t.Fatal("no PDF written")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "r.csv")); !strings.HasPrefix(string(b), "\ufeff#") {
		t.Fatal("no CSV written")
	}
}

func TestImportInTheApp(t *testing.T) {
	f := setup(t, 20, false)
	path := filepath.Join(t.TempDir(), "c.csv")
	os.WriteFile(path, []byte("account_id,purpose,event,edition,language,channel,time\n"+
		demo.AccountID(0)+",targeted_ads,given,3,ru,web,2026-01-10T10:00:00+05:00\n"+
		demo.AccountID(1)+",targeted_ads,maybe,3,ru,web,2026-01-10T10:00:00+05:00\n"), 0o600)
	var res *store.ImportResult
	f.s.ImportFile(path, false, func(r *store.ImportResult, err error) { res = r })
	f.loop.Until(t, 10*time.Second, "import", func() bool { return res != nil })
	if res.New != 1 || res.Rejected != 1 || res.Errors[0].Line != 3 || res.Errors[0].Column != "event" {
		t.Fatalf("import: %+v %v", res, res.Errors)
	}
	if !uitest.HasText(f.win.Canvas(), "c.csv line 3, column event") {
		t.Fatal("the import summary does not list the bad row")
	}
}

func TestAuditorCannotRecord(t *testing.T) {
	f := setup(t, 10, true)
	if f.s.User.Record.Visible() || f.s.User.Withdraw.Visible() || f.s.ImportButton.Visible() {
		t.Fatal("an auditor sees the record or import buttons")
	}
	if !f.s.ExportButton.Visible() {
		t.Fatal("an auditor cannot export the report")
	}
}
