package goldens

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"legco.kz/compliance/ui/auditlog"
	"legco.kz/compliance/ui/backup"
	"legco.kz/compliance/ui/consents"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/internal/uitest"
	"legco.kz/compliance/ui/policy"
	"legco.kz/compliance/ui/records"
	"legco.kz/compliance/ui/requests"
	"legco.kz/compliance/ui/shell"
	"legco.kz/compliance/ui/staff"
	apptheme "legco.kz/compliance/ui/theme"
)

// windowSize is the laptop screen the workstation must fit (issue #14).
var windowSize = fyne.NewSize(1024, 700)

// TestEveryScreenFits1024 builds every top-level screen (with data) in
// Russian, Kazakh and English and checks that it asks for no more than
// the area a 1024×700 main window leaves it: a screen whose minimum is
// wider (a toolbar or form that does not give way) pushes the window
// past the laptop's screen. The Requests screen is checked with a
// request open, and the dialogs the screens open for a whole form (a
// new request, backup) against the window itself.
func TestEveryScreenFits1024(t *testing.T) {
	at := time.Date(2026, 11, 28, 6, 8, 0, 0, time.UTC)
	ws := uitest.NewWorkspaceAt(t, at)
	{
		w := ws.Open(t)
		ctx := context.Background()
		if _, err := w.LoadDemo(ctx, 40, 1, nil); err != nil {
			t.Fatal(err)
		}
		if err := w.LoadDemoRequests(ctx, 12, 40, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := w.ImportBuiltinPolicy(ctx); err != nil {
			t.Fatal(err)
		}
		day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		if _, err := w.PublishPolicy(ctx, 1, day, day, "first edition"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.NewPolicyDraft(ctx, "review"); err != nil {
			t.Fatal(err)
		}
		w.Close()
	}
	screens := []struct {
		name string
		New  func(*shell.Env) fyne.CanvasObject
	}{
		{"records", records.New},
		{"requests", requests.New},
		{"consents", consents.New},
		{"policy", policy.New},
		{"auditlog", auditlog.New},
		{"staff", staff.New},
	}
	for _, l := range i18n.Languages {
		t.Run(l, func(t *testing.T) {
			loop := uitest.Install(t)
			a := test.NewTempApp(t)
			a.Settings().SetTheme(apptheme.NewVariant(0))
			if _, err := i18n.Load(l); err != nil {
				t.Fatal(err)
			}
			defer i18n.Load(i18n.Russian)
			w := ws.Open(t)
			win := test.NewTempWindow(t, nil)
			env := shell.NewEnv(w, win, shell.Options{})
			t.Cleanup(func() { env.Stop(); env.Wait() })
			fits := func(what string, o fyne.CanvasObject, room fyne.Size) {
				t.Helper()
				if m := o.MinSize(); m.Width > room.Width || m.Height > room.Height {
					t.Errorf("%s: %s needs %.0f×%.0f, more than the %.0f×%.0f it has at 1024×700", l, what, m.Width, m.Height, room.Width, room.Height)
					var out []string
					widest(o, room.Width, 0, &out)
					t.Log(strings.Join(out, "\n"))
				}
			}
			for _, sc := range screens {
				o := sc.New(env)
				win.SetContent(o)
				win.Resize(sectionArea)
				loop.Settle(t)
				fits(sc.name, o, sectionArea)
				if p, ok := o.(*policy.Screen); ok {
					for _, ti := range p.Tabs.Items {
						p.Tabs.Select(ti)
						loop.Settle(t)
						fits("policy, tab "+ti.Text, o, sectionArea)
					}
				}
				if r, ok := o.(*records.Screen); ok {
					loop.Until(t, 30*time.Second, "records", func() bool { return r.List.Length() > 0 })
					r.List.Select(0)
					loop.Until(t, 30*time.Second, "records detail", func() bool { return r.Detail.Visible() })
					fits("records with a user open", o, sectionArea)
				}
				if s, ok := o.(*requests.Screen); ok {
					loop.Until(t, 30*time.Second, "requests", func() bool { return s.List.Length() > 0 })
					s.List.Select(0)
					loop.Settle(t)
					fits("requests with a request open", o, sectionArea)
					win.Resize(windowSize)
					test.Tap(s.NewButton)
					loop.Settle(t)
					if top := win.Canvas().Overlays().Top(); top == nil {
						t.Errorf("%s: no intake form", l)
					} else {
						fits("the new-request form", top, windowSize)
						win.Canvas().Overlays().Remove(top)
					}
				}
			}
			win.SetContent(staff.NewScreen(env))
			win.Resize(windowSize)
			backup.EditReminder(env)
			loop.Settle(t)
			if top := win.Canvas().Overlays().Top(); top == nil {
				t.Errorf("%s: no backup reminder dialog", l)
			} else {
				fits("the backup reminder dialog", top, windowSize)
				win.Canvas().Overlays().Remove(top)
			}
			backup.Choose(env)
			loop.Settle(t)
			if top := win.Canvas().Overlays().Top(); top == nil {
				t.Errorf("%s: no backup folder dialog", l)
			} else {
				fits("the backup folder dialog", top, windowSize)
				win.Canvas().Overlays().Remove(top)
			}
		})
	}
}
