package auditlog

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/reports/auditpack"
	"legco.kz/compliance/ui/shell"
)

// PackForm is the "Make audit pack" dialog's fields, kept for tests.
type PackForm struct {
	From, To, Folder *widget.Entry
	Zip, Personal    *widget.Check
}

// PackOptions reads the form.
func (f *PackForm) PackOptions() (auditpack.Options, error) {
	from, err := shell.ParseOptionalDate(f.From.Text)
	if err != nil {
		return auditpack.Options{}, err
	}
	to, err := shell.ParseOptionalDate(f.To.Text)
	if err != nil {
		return auditpack.Options{}, err
	}
	out := strings.TrimSpace(f.Folder.Text)
	if out == "" {
		return auditpack.Options{}, errors.New(lang.L("Choose where to save the pack."))
	}
	if f.Zip.Checked && !strings.HasSuffix(strings.ToLower(out), ".zip") {
		out += ".zip"
	}
	return auditpack.Options{Out: out, Zip: f.Zip.Checked, From: from, To: to, WithPersonalData: f.Personal.Checked}, nil
}

// defaultPackPath suggests a new folder next to the workspace.
func (s *Screen) defaultPackPath() string {
	dir := filepath.Dir(s.env.WS.Path())
	base := "audit-pack-" + time.Now().In(s.env.WS.Location()).Format("2006-01-02")
	p := filepath.Join(dir, base)
	for i := 2; ; i++ {
		if _, err := os.Stat(p); err != nil {
			if _, err := os.Stat(p + ".zip"); err != nil {
				return p
			}
		}
		p = filepath.Join(dir, fmt.Sprintf("%s-%d", base, i))
	}
}

// askPack shows the dialog of the "Make audit pack…" action.
func (s *Screen) askPack() *PackForm {
	f := &PackForm{From: widget.NewEntry(), To: widget.NewEntry(), Folder: widget.NewEntry(),
		Zip:      widget.NewCheck(lang.L("One zip file instead of a folder"), nil),
		Personal: widget.NewCheck(lang.L("Include users' names (personal data)"), nil)}
	f.From.SetPlaceHolder(lang.L("{{.Format}} (empty: from the first entry)", map[string]any{"Format": shell.DateHint()}))
	f.To.SetPlaceHolder(lang.L("{{.Format}} (empty: up to now)", map[string]any{"Format": shell.DateHint()}))
	f.From.Validator = func(v string) error { _, err := shell.ParseOptionalDate(v); return err }
	f.To.Validator = f.From.Validator
	f.Folder.SetText(s.defaultPackPath())
	f.Folder.Validator = func(v string) error {
		if strings.TrimSpace(v) == "" {
			return errors.New(lang.L("Choose where to save the pack."))
		}
		return nil
	}
	browse := widget.NewButtonWithIcon(lang.L("Choose folder…"), theme.FolderOpenIcon(), func() {
		fd := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err != nil || u == nil {
				return
			}
			f.Folder.SetText(filepath.Join(u.Path(), filepath.Base(s.defaultPackPath())))
		}, s.env.Window)
		fd.Resize(fyne.NewSize(900, 600))
		shell.ShowFileDialog(fd, shell.ChooseFolder, s.env.Window)
	})
	s.env.ShowForm(shell.FormDialog{
		Title:   lang.L("Make an audit pack"),
		Intro:   lang.L("The pack is a new folder (or zip file) with the audit log of the period (CSV and PDF, with every entry's hash), the record of processing activities, the policy editions in force, an index in Russian and Kazakh and a manifest of every file's SHA-256. Auditors check it with «legco-compliance audit verify-pack», without the workspace or a passphrase. Users are named by account id only unless you include names."),
		Confirm: lang.L("Make pack"),
		Items: []*widget.FormItem{
			widget.NewFormItem(lang.L("From"), f.From),
			widget.NewFormItem(lang.L("To (inclusive)"), f.To),
			// Wide enough to show a whole path.
			widget.NewFormItem(lang.L("Save as"), container.NewStack(shell.MinWidth(560), container.NewBorder(nil, nil, nil, browse, f.Folder))),
			widget.NewFormItem("", f.Zip),
			widget.NewFormItem("", f.Personal),
		},
		OnConfirm: func() {
			opts, err := f.PackOptions()
			if err != nil {
				s.env.ShowError(err)
				return
			}
			s.MakePack(opts, nil)
		},
	})
	return f
}

// MakePack builds the pack behind a cancellable progress dialog; done (if
// not nil) gets the result on the UI goroutine after the dialog.
func (s *Screen) MakePack(opts auditpack.Options, done func(*auditpack.Result, error)) {
	var res *auditpack.Result
	opts.PackedBy = s.env.Me().Name
	opts.Program = "legco-compliance (app)"
	s.env.RunWithProgress(shell.Task{
		Title:       lang.L("Making the audit pack"),
		Message:     lang.L("Writing the audit log, the record of processing activities and the index to {{.Path}}…", map[string]any{"Path": opts.Out}),
		Cancellable: true,
		Work: func(ctx context.Context, progress shell.Progress) error {
			snap, err := s.env.WS.PackSnapshot(ctx)
			if err != nil {
				return err
			}
			defer snap.Close()
			opts.Progress = progress
			res, err = auditpack.Build(ctx, snap, opts)
			return err
		},
		Done: func(err error) {
			if done != nil {
				defer done(res, err)
			}
			switch {
			case errors.Is(err, context.Canceled):
				s.env.Notify(lang.L("Audit pack cancelled; nothing was left behind."))
			case err != nil:
				s.env.ShowError(err)
			default:
				s.showPack(res)
			}
		},
	})
}

func (s *Screen) showPack(res *auditpack.Result) {
	m := res.Manifest
	text := lang.L("The audit pack is ready: {{.Path}}", map[string]any{"Path": res.Path}) + "\n\n" +
		lang.L("Audit entries #{{.First}}–#{{.Last}} ({{.Count}}); chain head at packing #{{.Seq}}:", map[string]any{"First": m.Audit.First, "Last": m.Audit.Last, "Count": m.Audit.Count, "Seq": m.ChainHead.Seq}) +
		"\n" + m.ChainHead.Hash
	if m.WithPersonalData {
		text += "\n\n" + lang.L("The pack holds personal data (users' names): keep it encrypted and destroy it after the audit.")
	}
	var absent []string
	for _, p := range m.Parts {
		if p.Status == "absent" {
			absent = append(absent, p.ID)
		}
	}
	if len(absent) > 0 {
		text += "\n\n" + lang.L("Not available in this build (the index says so): {{.Parts}}.", map[string]any{"Parts": strings.Join(absent, ", ")})
	}
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	msg.Selectable = true
	s.env.Notify(lang.L("Audit pack saved: {{.Path}}", map[string]any{"Path": res.Path}))
	dialog.ShowCustom(lang.L("Audit pack ready"), lang.L("OK"), container.NewVBox(msg, shell.MinWidth(560)), s.env.Window)
}
