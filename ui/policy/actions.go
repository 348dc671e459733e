package policy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/reports/policypdf"
	"legco.kz/compliance/store"
	"legco.kz/compliance/store/policydoc"
	"legco.kz/compliance/ui/shell"
)

func note(text string) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return container.NewVBox(l, shell.MinWidth(480))
}

func warningNote(text string) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.WarningImportance
	return container.NewVBox(l, shell.MinWidth(480))
}

// afterChange records a change made from this screen: the status bar's
// audit head, every screen listening (the audit log) and this one, which
// then selects edition n (0 = keep the selection).
func (s *Screen) afterChange(n int, msg string) {
	s.pendingSelect = n
	if msg != "" {
		s.env.Notify(msg)
	}
	s.env.Changed()
}

// guard runs f once the editor has no unsaved changes (saved, discarded,
// or there were none).
func (s *Screen) guard(f func()) { s.Editor.ConfirmDiscard(f, nil) }

func (s *Screen) importFile() {
	s.guard(func() {
		fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil {
				s.env.ShowError(err)
				return
			}
			if r == nil {
				return
			}
			s.ImportFrom(r, r.URI().Name())
		}, s.env.Window)
		fd.SetFilter(storage.NewExtensionFileFilter([]string{".txt", ".tsv"}))
		fd.Resize(fyne.NewSize(900, 600))
		shell.ShowFileDialog(fd, shell.OpenFile, s.env.Window)
	})
}

// ImportFrom imports a policy in the seed format as a new draft and
// selects it; r is closed.
func (s *Screen) ImportFrom(r io.ReadCloser, name string) {
	var e *store.Edition
	s.env.Run(func(ctx context.Context) error {
		defer r.Close()
		var err error
		e, err = s.env.WS.ImportPolicy(ctx, r, name)
		return err
	}, func(err error) {
		if err != nil {
			s.env.ShowError(err)
			return
		}
		s.afterChange(e.Number, lang.L("{{.File}} imported as draft № {{.N}}.", map[string]any{"File": name, "N": e.Number}))
	})
}

func (s *Screen) importBuiltin() {
	s.guard(func() {
		var e *store.Edition
		s.env.Run(func(ctx context.Context) error {
			var err error
			e, err = s.env.WS.ImportBuiltinPolicy(ctx)
			return err
		}, func(err error) {
			if err != nil {
				s.env.ShowError(err)
				return
			}
			s.afterChange(e.Number, lang.L("The built-in edition was loaded as draft № {{.N}}.", map[string]any{"N": e.Number}))
		})
	})
}

func (s *Screen) newDraft() {
	if len(s.Editions) == 0 {
		return
	}
	s.guard(func() {
		newest := s.Editions[0]
		reason := widget.NewEntry()
		reason.SetPlaceHolder(lang.L("e.g. review of clause 1.6 in Kazakh"))
		reason.Validator = required(lang.L("Reason"))
		items := []*widget.FormItem{
			widget.NewFormItem("", note(lang.L("Draft № {{.New}} starts as a copy of the newest edition, № {{.N}} ({{.Status}}). The edition in force does not change until the draft is published.",
				map[string]any{"New": newest.Number + 1, "N": newest.Number, "Status": strings.ToLower(StatusText(newest.Status))}))),
			widget.NewFormItem(lang.L("Reason"), reason),
		}
		d := dialog.NewForm(lang.L("New draft edition"), lang.L("Create draft"), lang.L("Cancel"), items, func(ok bool) {
			if !ok {
				return
			}
			why := strings.TrimSpace(reason.Text)
			var e *store.Edition
			s.env.Run(func(ctx context.Context) error {
				var err error
				e, err = s.env.WS.NewPolicyDraft(ctx, why)
				return err
			}, func(err error) {
				if err != nil {
					s.env.ShowError(translateStoreError(err))
					return
				}
				s.afterChange(e.Number, lang.L("Draft № {{.N}} created.", map[string]any{"N": e.Number}))
				s.Tabs.Select(s.TextTab)
			})
		}, s.env.Window)
		d.Show()
	})
}

func (s *Screen) deleteDraft() {
	e, ok := s.Selected()
	if !ok || e.Status != store.EditionDraft {
		return
	}
	reason := widget.NewEntry()
	reason.Validator = required(lang.L("Reason"))
	items := []*widget.FormItem{
		widget.NewFormItem("", note(lang.L("Draft № {{.N}} and its text are deleted for good; the audit log keeps the record of it with your reason.", map[string]any{"N": e.Number}))),
		widget.NewFormItem(lang.L("Reason"), reason),
	}
	dialog.ShowForm(lang.L("Delete draft № {{.N}}", map[string]any{"N": e.Number}), lang.L("Delete draft"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		why := strings.TrimSpace(reason.Text)
		s.env.Run(func(ctx context.Context) error {
			return s.env.WS.DeletePolicyDraft(ctx, e.Number, why)
		}, func(err error) {
			if err != nil {
				s.env.ShowError(translateStoreError(err))
				return
			}
			if s.Editor.Edition != nil && s.Editor.Edition.Number == e.Number {
				s.Editor.SetEdition(nil)
			}
			s.selected = 0
			s.afterChange(0, lang.L("Draft № {{.N}} deleted.", map[string]any{"N": e.Number}))
		})
	}, s.env.Window)
}

func (s *Screen) publish() {
	e, ok := s.Selected()
	if !ok || e.Status != store.EditionDraft {
		return
	}
	if s.Editor.Edition != nil && s.Editor.Edition.Number == e.Number && s.Editor.Dirty() {
		s.guard(s.publish)
		return
	}
	today := shell.FormatDay(s.env.WS.Today())
	updated := widget.NewEntry()
	updated.SetText(today)
	updated.Validator = func(v string) error { _, err := shell.ParseDate(v); return err }
	effective := widget.NewEntry()
	effective.SetText(today)
	effective.Validator = func(v string) error {
		t, err := shell.ParseDate(v)
		if err != nil {
			return err
		}
		if u, err := shell.ParseDate(updated.Text); err == nil && t.Before(u) {
			return shell.UserError(lang.L("The edition cannot take effect before its «last updated» date."))
		}
		return nil
	}
	updated.OnChanged = func(string) { effective.Validate() }
	reason := widget.NewEntry()
	reason.SetPlaceHolder(lang.L("publication"))

	var inForce *store.Edition
	for i := range s.Editions {
		if s.Editions[i].Status == store.EditionPublished {
			inForce = &s.Editions[i]
		}
	}
	what := lang.L("Edition № {{.N}} becomes the policy in force. Its text can never be changed afterwards.", map[string]any{"N": e.Number})
	if inForce != nil {
		what += " " + lang.L("Edition № {{.Old}}, in force now, is retired.", map[string]any{"Old": inForce.Number})
	}
	what += " " + lang.L("Clause 6.1: every edition states its «last updated» date and takes effect when published at www.legco.kz, unless it says otherwise.")
	items := []*widget.FormItem{widget.NewFormItem("", note(what))}
	// The open findings of the parity check, errors and warnings alike,
	// are named before anyone publishes (the draft is saved: see guard).
	var probs []policydoc.Problem
	if s.Editor.Edition != nil && s.Editor.Edition.Number == e.Number {
		probs = s.Editor.Problems()
	} else if e.Doc != nil {
		probs = policydoc.Check(e.Doc)
	}
	errs, warns := countProblems(probs)
	if errs > 0 {
		items = append(items, widget.NewFormItem("", warningNote(lang.N("The parity check reports {{.Count}} error: the Russian and Kazakh texts do not match. Publishing now is recorded in the audit log.", errs, map[string]any{"Count": errs}))))
	}
	if warns > 0 {
		items = append(items, widget.NewFormItem("", warningNote(openWarnings(probs, warns))))
	}
	lastUpdated := widget.NewFormItem(lang.L("Last updated"), updated)
	lastUpdated.HintText = lang.L("printed as «Дата последнего обновления» / «Соңғы өзгеріс енгізілген күн»")
	takesEffect := widget.NewFormItem(lang.L("Takes effect on"), effective)
	takesEffect.HintText = lang.L("{{.Format}}; not before the «last updated» date", map[string]any{"Format": shell.DateHint()})
	items = append(items, lastUpdated, takesEffect, widget.NewFormItem(lang.L("Reason"), reason))
	// The notice of changes goes out with the edition; whether users must
	// consent again is recorded with the publication.
	reconsent := widget.NewCheck(lang.L("The changes need users' renewed consent"), nil)
	reconsent.SetChecked(e.NeedsReconsent)
	if inForce != nil {
		items = append(items, widget.NewFormItem("", reconsent))
	}

	title := lang.L("Publish edition № {{.N}}", map[string]any{"N": e.Number})
	d := dialog.NewForm(title, lang.L("Publish…"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		up, _ := shell.ParseDate(updated.Text)
		eff, _ := shell.ParseDate(effective.Text)
		why := strings.TrimSpace(reason.Text)
		confirm := lang.L("Publish edition № {{.N}} with the «last updated» date {{.Updated}}, in effect from {{.Effective}}? This cannot be undone.",
			map[string]any{"N": e.Number, "Updated": formatDate(up), "Effective": formatDate(eff)})
		dialog.ShowConfirm(title, confirm, func(yes bool) {
			if !yes {
				return
			}
			if reconsent.Checked == e.NeedsReconsent {
				s.doPublish(e.Number, up, eff, why)
				return
			}
			on := reconsent.Checked
			s.env.Run(func(ctx context.Context) error {
				return s.env.WS.SetPolicyReconsent(ctx, e.Number, on, "set on publication")
			}, func(err error) {
				if err != nil {
					s.env.ShowError(translateStoreError(err))
					return
				}
				s.doPublish(e.Number, up, eff, why)
			})
		}, s.env.Window)
	}, s.env.Window)
	d.Resize(fyne.NewSize(620, d.MinSize().Height))
	d.Show()
}

func (s *Screen) doPublish(n int, up, eff time.Time, why string) {
	var pub *store.Edition
	s.env.Run(func(ctx context.Context) error {
		var err error
		pub, err = s.env.WS.PublishPolicy(ctx, n, up, eff, why)
		return err
	}, func(err error) {
		if err != nil {
			s.env.ShowError(translateStoreError(err))
			return
		}
		s.afterChange(pub.Number, lang.L("Edition № {{.N}} published; it takes effect on {{.Date}}.", map[string]any{"N": pub.Number, "Date": formatDate(pub.EffectiveOn)}))
	})
}

// Layouts offered for the PDF, in the order of the choice.
var pdfLayouts = []policypdf.Layout{policypdf.RUKK, policypdf.RU, policypdf.KK}

func layoutText(l policypdf.Layout) string {
	switch l {
	case policypdf.RU:
		return lang.L("Russian only")
	case policypdf.KK:
		return lang.L("Kazakh only")
	}
	return lang.L("Russian and Kazakh side by side")
}

// PDFName is the file name offered for an edition's PDF: privacy.pdf for
// the bilingual PDF of the edition in force (the published file), else a
// name that says which edition and language it holds.
func PDFName(e store.Edition, l policypdf.Layout) string {
	if e.Status == store.EditionPublished && l == policypdf.RUKK {
		return "privacy.pdf"
	}
	return fmt.Sprintf("privacy-edition-%d-%s.pdf", e.Number, l)
}

func (s *Screen) exportPDF() {
	e, ok := s.Selected()
	if !ok {
		return
	}
	names := make([]string, len(pdfLayouts))
	for i, l := range pdfLayouts {
		names[i] = layoutText(l)
	}
	choice := widget.NewRadioGroup(names, nil)
	choice.SetSelected(names[0])
	choice.Required = true
	items := []*widget.FormItem{widget.NewFormItem(lang.L("PDF languages"), choice)}
	if e.Status == store.EditionDraft {
		items = append(items, widget.NewFormItem("", note(lang.L("A draft is printed with the «ПРОЕКТ / ЖОБА» watermark."))))
	}
	if s.Editor.Edition != nil && s.Editor.Edition.Number == e.Number && s.Editor.Dirty() {
		items = append(items, widget.NewFormItem("", warningNote(lang.L("The PDF holds the last saved text: your unsaved changes are not in it."))))
	}
	dialog.ShowForm(lang.L("Export edition № {{.N}} as PDF", map[string]any{"N": e.Number}), lang.L("Choose where to save…"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		layout := policypdf.RUKK
		for i, n := range names {
			if n == choice.Selected {
				layout = pdfLayouts[i]
			}
		}
		fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err != nil {
				s.env.ShowError(err)
				return
			}
			if w == nil {
				return
			}
			s.WritePDF(e.Number, layout, w, w.URI().Name())
		}, s.env.Window)
		fd.SetFileName(PDFName(e, layout))
		fd.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
		fd.Resize(fyne.NewSize(900, 600))
		shell.ShowFileDialog(fd, shell.SaveFile, s.env.Window)
	}, s.env.Window)
}

// WritePDF renders edition n (as stored) in the given layout off the UI
// goroutine, writes it to w and closes w. The footer carries the audit
// head at the time of export.
func (s *Screen) WritePDF(n int, layout policypdf.Layout, w io.WriteCloser, name string) {
	s.env.RunWithProgress(shell.Task{
		Title:   lang.L("Exporting the policy PDF"),
		Message: lang.L("Rendering edition № {{.N}} to {{.File}}…", map[string]any{"N": n, "File": name}),
		Work: func(ctx context.Context, _ shell.Progress) error {
			err := renderPDF(ctx, s.env.WS, n, layout, w)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			return err
		},
		Done: func(err error) {
			if err != nil {
				s.env.ShowError(err)
				return
			}
			s.env.Notify(lang.L("Edition № {{.N}} saved as {{.File}}.", map[string]any{"N": n, "File": name}))
		},
	})
}

func renderPDF(ctx context.Context, ws *store.Workspace, n int, layout policypdf.Layout, w io.Writer) error {
	e, err := ws.PolicyEdition(ctx, n)
	if err != nil {
		return err
	}
	head, err := ws.AuditHead(ctx)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := policypdf.Render(&buf, policypdf.FromStore(e, head), layout); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}
