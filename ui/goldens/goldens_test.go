// Package goldens holds the markup goldens of the screens at 1024×700 in
// Russian and Kazakh (issue #14): each section rendered in the area a
// 1024×700 main window leaves it (navigation, menu and status bar take
// the rest), on Fyne's test renderer with the app's theme.
package goldens

import (
	"context"
	"encoding/json"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"legco.kz/compliance/assets"
	"legco.kz/compliance/ui/auditlog"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/internal/uitest"
	"legco.kz/compliance/ui/policy"
	"legco.kz/compliance/ui/records"
	"legco.kz/compliance/ui/shell"
	"legco.kz/compliance/ui/staff"
	apptheme "legco.kz/compliance/ui/theme"
)

// sectionArea is what a 1024×700 main window leaves a section.
var sectionArea = fyne.NewSize(790, 610)

func TestScreensAt1024(t *testing.T) {
	at := time.Date(2026, 11, 28, 6, 8, 0, 0, time.UTC)
	ws := uitest.NewWorkspaceAt(t, at)
	{
		w := ws.Open(t)
		ctx := context.Background()
		if _, err := w.LoadDemo(ctx, 40, 1, nil); err != nil {
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
	for _, l := range []string{i18n.Russian, i18n.Kazakh} {
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
			show := func(o fyne.CanvasObject) {
				win.SetContent(o)
				win.Resize(sectionArea)
				loop.Settle(t)
			}
			golden := func(name string) {
				t.Helper()
				loop.Settle(t)
				test.AssertRendersToMarkup(t, l+"/"+name+".xml", win.Canvas())
				savePNG(t, win.Canvas(), l+"_"+name)
				if bad := untranslated(t, win.Canvas(), l); len(bad) > 0 {
					t.Errorf("%s: shown untranslated: %q", name, bad)
				}
			}

			r := records.NewScreen(env)
			show(r)
			loop.Until(t, 30*time.Second, "records list", func() bool { return r.List.Length() == 40 })
			golden("records_list")
			r.List.Select(0)
			loop.Until(t, 30*time.Second, "records detail", func() bool { return r.Detail.Visible() })
			golden("records_detail")
			// Every tab of the detail is on screen, none behind "…".
			drawn := drawnTexts(win.Canvas().Content())
			for _, ti := range r.Detail.Tabs.Items {
				if !slices.Contains(drawn, ti.Text) {
					t.Errorf("records detail: tab %q not shown", ti.Text)
				}
			}

			p := policy.NewScreen(env)
			show(p)
			p.Tabs.Select(p.EditionsTab)
			golden("policy_editions")
			p.List.Select(0)
			loop.Settle(t)
			p.Tabs.Select(p.TextTab)
			golden("policy_editor")
			p.Tabs.Select(p.CompareTab)
			golden("policy_diff")
			// The edition in force is never offered a comparison with itself.
			p.Tabs.Select(p.EditionsTab)
			p.List.Select(1)
			loop.Settle(t)
			if b := p.Details.CompareButton; b.Text == lang.L("Compare with the edition in force") || !b.Disabled() {
				t.Errorf("edition in force: compare button %q (disabled %v)", b.Text, b.Disabled())
			}

			show(auditlog.NewScreen(env))
			golden("auditlog")
			show(staff.NewScreen(env))
			golden("staff")
		})
	}
}

// untranslated returns the texts on c that are an English catalogue key
// whose translation in language l differs: a string the screen shows
// without passing it through lang.L (or before the language was loaded).
func untranslated(t *testing.T, c fyne.Canvas, l string) []string {
	t.Helper()
	en, tr := catalogue(t, i18n.English), catalogue(t, l)
	var out []string
	for _, s := range uitest.Texts(c) {
		if s == "" {
			continue
		}
		if _, ok := en[s]; ok {
			if v, ok := tr[s]; ok && v != s {
				out = append(out, s)
			}
		}
	}
	return out
}

func catalogue(t *testing.T, l string) map[string]string {
	t.Helper()
	files, err := i18n.Files()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range files {
		if f.Lang != l {
			continue
		}
		b, err := fs.ReadFile(assets.FS, f.Path)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		for k, v := range m {
			if s, ok := v.(string); ok {
				out[k] = s
			}
		}
	}
	return out
}

// savePNG writes what the test renderer drew to $LEGCO_GOLDEN_PNG/name.png
// when that variable names a folder: the markup goldens are what the
// tests compare, the images are for a person to look at (clipping, raw
// codes) and are not kept in the repository.
func savePNG(t *testing.T, c fyne.Canvas, name string) {
	t.Helper()
	dir := os.Getenv("LEGCO_GOLDEN_PNG")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, c.Capture()); err != nil {
		t.Fatal(err)
	}
}
