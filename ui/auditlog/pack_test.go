package auditlog

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"legco.kz/compliance/reports/auditpack"
	"legco.kz/compliance/reports/auditpack/verify"
	"legco.kz/compliance/ui/internal/uitest"
)

func TestMakeAuditPackFromTheScreen(t *testing.T) {
	s, loop, win, _ := setup(t, autolockChanges(30))
	test.Tap(s.PackButton)
	loop.Settle(t)
	if !uitest.HasText(win.Canvas(), "Создание пакета аудита") || uitest.Button(win.Canvas(), "Создать пакет") == nil {
		t.Fatalf("pack dialog not shown: %v", uitest.Texts(win.Canvas()))
	}
	f := s.askPack()
	loop.Settle(t)
	f.From.SetText("2026-13-01")
	if _, err := f.PackOptions(); err == nil {
		t.Error("a bad date was accepted")
	}
	f.From.SetText("")
	out := filepath.Join(t.TempDir(), "pack")
	f.Folder.SetText(out)
	f.Zip.SetChecked(true)
	opts, err := f.PackOptions()
	if err != nil || opts.Out != out+".zip" || !opts.Zip {
		t.Fatalf("options %+v, %v", opts, err)
	}
	var res *auditpack.Result
	var done bool
	s.MakePack(opts, func(r *auditpack.Result, err error) {
		if err != nil {
			t.Error(err)
		}
		res, done = r, true
	})
	loop.Until(t, 60*time.Second, "the pack", func() bool { return done })
	if res == nil || res.Manifest.Audit.Count != 31 {
		t.Fatalf("result %+v", res)
	}
	if !uitest.HasText(win.Canvas(), "Пакет аудита готов") {
		t.Errorf("no result dialog: %v", uitest.Texts(win.Canvas()))
	}
	rep, err := verify.Verify(context.Background(), out+".zip", "", nil)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", rep, err)
	}
	if _, err := os.Stat(out + ".zip.partial"); err == nil {
		t.Error("partial file left behind")
	}
	if res.Manifest.PackedBy == "" || !strings.HasPrefix(res.Manifest.Program, "legco-compliance") {
		t.Errorf("packed by %q", res.Manifest.PackedBy)
	}
}
