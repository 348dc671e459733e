package policy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/reports/policynotice"
	"legco.kz/compliance/reports/policypdf"
	"legco.kz/compliance/store"
	"legco.kz/compliance/store/policydoc"
	"legco.kz/compliance/ui/shell"
)

// noticeFrom is the edition a notice for e compares with: for a draft the
// edition in force, for a published edition the one it superseded.
func (s *Screen) noticeFrom(e store.Edition) (int, bool) {
	if e.Status != store.EditionDraft {
		return e.Supersedes, e.Supersedes > 0
	}
	for _, o := range s.Editions {
		if o.Status == store.EditionPublished {
			return o.Number, true
		}
	}
	return 0, false
}

// NoticeDialog is the notice of changes of one edition: its texts (editable
// for a draft), the «needs renewed consent» flag, a preview and export.
type NoticeDialog struct {
	Notice  *policydoc.Notice
	Texts   map[string]*widget.Entry // "title_ru", "intro_kk", …
	Preview *widget.Label
	Consent *widget.Check
	Save    *widget.Button
	Dialog  dialog.Dialog
}

func (s *Screen) showNotice() {
	e, ok := s.Selected()
	if !ok {
		return
	}
	from, ok := s.noticeFrom(e)
	if !ok {
		return
	}
	var n *policydoc.Notice
	s.env.Run(func(ctx context.Context) error {
		var err error
		n, err = s.env.WS.PolicyNotice(ctx, from, e.Number)
		return err
	}, func(err error) {
		if err != nil {
			s.env.ShowError(err)
			return
		}
		s.NoticeDialog = s.openNotice(e, n)
	})
}

func (s *Screen) openNotice(e store.Edition, n *policydoc.Notice) *NoticeDialog {
	nd := &NoticeDialog{Notice: n, Texts: map[string]*widget.Entry{}}
	editable := e.Status == store.EditionDraft && s.env.Can(store.PermPolicyEdit)
	field := func(key, val string, lines int) *widget.Entry {
		en := widget.NewMultiLineEntry()
		en.Wrapping = fyne.TextWrapWord
		en.SetMinRowsVisible(lines)
		en.SetText(val)
		if !editable {
			en.Disable()
		}
		en.OnChanged = func(string) { nd.sync(); setButton(nd.Save, editable) }
		nd.Texts[key] = en
		return en
	}
	bold := func(t string) *widget.Label {
		l := widget.NewLabel(t)
		l.TextStyle = fyne.TextStyle{Bold: true}
		return l
	}
	grid := container.NewGridWithColumns(2,
		bold(lang.L("Russian text")+" · RU"), bold(lang.L("Kazakh text")+" · KK"),
		field("title_ru", n.TitleRU, 1), field("title_kk", n.TitleKK, 1),
		field("intro_ru", n.IntroRU, 3), field("intro_kk", n.IntroKK, 3),
		field("closing_ru", n.ClosingRU, 2), field("closing_kk", n.ClosingKK, 2),
	)
	nd.Preview = widget.NewLabel("")
	nd.Preview.Wrapping = fyne.TextWrapWord
	head := widget.NewLabel(lang.L("Edition № {{.To}} replaces № {{.From}}: {{.Count}} changed clauses, with the old and the new wording in both languages.",
		map[string]any{"To": n.To, "From": n.From, "Count": len(n.Items)}))
	head.Wrapping = fyne.TextWrapWord
	nd.Consent = widget.NewCheck(lang.L("The changes need users' renewed consent"), nil)
	nd.Consent.SetChecked(n.NeedsReconsent)
	if e.Status != store.EditionDraft || !s.env.Can(store.PermPolicyPublish) {
		nd.Consent.Disable()
	}
	nd.Consent.OnChanged = func(on bool) {
		num := e.Number
		s.env.Run(func(ctx context.Context) error {
			return s.env.WS.SetPolicyReconsent(ctx, num, on, "notice of changes")
		}, func(err error) {
			if err != nil {
				s.env.ShowError(translateStoreError(err))
				return
			}
			n.NeedsReconsent = on
			s.env.Changed()
		})
	}
	nd.Save = widget.NewButtonWithIcon(lang.L("Save notice text"), theme.DocumentSaveIcon(), func() {
		nd.sync()
		s.env.Run(func(ctx context.Context) error {
			return s.env.WS.SavePolicyNotice(ctx, n, "notice of changes edited")
		}, func(err error) {
			if err != nil {
				s.env.ShowError(translateStoreError(err))
				return
			}
			setButton(nd.Save, false)
			s.env.Notify(lang.L("Notice of changes saved."))
		})
	})
	nd.Save.Importance = widget.HighImportance
	setButton(nd.Save, false)
	if !editable {
		nd.Save.Hide()
	}
	pdfBtn := widget.NewButtonWithIcon(lang.L("Export PDF…"), theme.DocumentPrintIcon(), func() { s.exportNotice(nd, e, true) })
	txtBtn := widget.NewButtonWithIcon(lang.L("Export text…"), theme.MailComposeIcon(), func() { s.exportNotice(nd, e, false) })
	bar := container.NewHBox(nd.Save, pdfBtn, txtBtn)
	top := container.NewVBox(head, nd.Consent, grid, bold(lang.L("Preview")))
	body := container.NewBorder(top, bar, nil, nil, container.NewVScroll(nd.Preview))
	nd.sync()
	nd.Dialog = dialog.NewCustom(lang.L("Notice of changes: edition № {{.N}}", map[string]any{"N": e.Number}), lang.L("Close"), body, s.env.Window)
	sz := s.env.Window.Canvas().Size()
	nd.Dialog.Resize(fyne.NewSize(min(sz.Width-30, 1000), min(sz.Height-30, 760)))
	nd.Dialog.Show()
	return nd
}

// sync copies the entries into the notice and refreshes the preview.
func (nd *NoticeDialog) sync() {
	n := nd.Notice
	get := func(k string) string { return strings.TrimSpace(nd.Texts[k].Text) }
	n.TitleRU, n.TitleKK = get("title_ru"), get("title_kk")
	n.IntroRU, n.IntroKK = get("intro_ru"), get("intro_kk")
	n.ClosingRU, n.ClosingKK = get("closing_ru"), get("closing_kk")
	nd.Preview.SetText(n.PlainText(policydoc.RU, policydoc.KK))
}

func (s *Screen) exportNotice(nd *NoticeDialog, e store.Edition, pdf bool) {
	names := make([]string, len(pdfLayouts))
	for i, l := range pdfLayouts {
		names[i] = layoutText(l)
	}
	choice := widget.NewRadioGroup(names, nil)
	choice.SetSelected(names[0])
	choice.Required = true
	items := []*widget.FormItem{widget.NewFormItem(lang.L("Languages"), choice)}
	dialog.ShowForm(lang.L("Export the notice of changes"), lang.L("Choose where to save…"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		layout := policypdf.RUKK
		for i, nm := range names {
			if nm == choice.Selected {
				layout = pdfLayouts[i]
			}
		}
		ext := ".txt"
		if pdf {
			ext = ".pdf"
		}
		fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err != nil {
				s.env.ShowError(err)
				return
			}
			if w == nil {
				return
			}
			s.WriteNotice(nd.Notice, e, layout, pdf, w, w.URI().Name())
		}, s.env.Window)
		fd.SetFileName(fmt.Sprintf("notice-edition-%d-%s%s", e.Number, layout, ext))
		fd.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
		fd.Resize(fyne.NewSize(900, 600))
		shell.ShowFileDialog(fd, shell.SaveFile, s.env.Window)
	}, s.env.Window)
}

// WriteNotice renders the notice (PDF or plain text) off the UI goroutine
// to w and closes it.
func (s *Screen) WriteNotice(n *policydoc.Notice, e store.Edition, layout policypdf.Layout, pdf bool, w io.WriteCloser, name string) {
	cp := *n
	s.env.RunWithProgress(shell.Task{
		Title:   lang.L("Exporting the notice of changes"),
		Message: lang.L("Writing {{.File}}…", map[string]any{"File": name}),
		Work: func(ctx context.Context, _ shell.Progress) error {
			var buf bytes.Buffer
			var err error
			if pdf {
				err = policynotice.Render(&buf, &cp, layout, policynotice.Options{Draft: e.Status == store.EditionDraft, Date: e.UpdatedOn})
			} else {
				langs := []policydoc.Lang{policydoc.RU, policydoc.KK}
				switch layout {
				case policypdf.RU:
					langs = langs[:1]
				case policypdf.KK:
					langs = langs[1:]
				}
				buf.WriteString(cp.PlainText(langs...))
			}
			if err == nil {
				_, err = w.Write(buf.Bytes())
			}
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
			s.env.Notify(lang.L("Notice of changes saved as {{.File}}.", map[string]any{"File": name}))
		},
	})
}
