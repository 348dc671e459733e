package consents

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/reports/consentcert"
	"legco.kz/compliance/reports/consentreport"
	"legco.kz/compliance/store"
	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/shell"
)

// ShowImport asks for a consent export file and imports it.
func (s *Screen) ShowImport() {
	strict := widget.NewCheck(lang.L("Strict: import nothing if any row is bad"), nil)
	help := widget.NewLabel(lang.L("CSV or JSON Lines consent export from LegCo (account_id, purpose, event, edition, language, channel, time, …). Events already in the ledger are skipped, so importing a file again changes nothing; bad rows are listed with their line and column."))
	help.Wrapping = fyne.TextWrapWord
	dialog.NewCustomConfirm(lang.L("Import consents"), lang.L("Choose file…"), lang.L("Cancel"),
		container.NewVBox(help, strict, shell.MinWidth(520)), func(ok bool) {
			if !ok {
				return
			}
			fd := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
				if err != nil {
					s.env.ShowError(err)
					return
				}
				if rc == nil {
					return
				}
				u := rc.URI()
				rc.Close()
				s.ImportFile(u.Path(), strict.Checked, nil)
			}, s.env.Window)
			fd.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".jsonl", ".ndjson", ".json", ".txt"}))
			shell.ShowFileDialog(fd, shell.OpenFile, s.env.Window)
		}, s.env.Window).Show()
}

// ImportFile imports a consent export with progress and Cancel; done (if
// not nil) gets the result after the summary is shown.
func (s *Screen) ImportFile(path string, strict bool, done func(*store.ImportResult, error)) {
	var res *store.ImportResult
	s.env.RunWithProgress(shell.Task{
		Title:       lang.L("Import consents"),
		Message:     filepath.Base(path),
		Cancellable: true,
		Work: func(ctx context.Context, progress shell.Progress) error {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			st, err := f.Stat()
			if err != nil {
				return err
			}
			head := make([]byte, 4096)
			n, _ := io.ReadFull(f, head)
			format, err := exportfile.DetectFormat(path, head[:n])
			if err != nil {
				return err
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return err
			}
			res, err = s.env.WS.ImportConsents(ctx, bufio.NewReader(f), filepath.Base(path), format, store.ImportOptions{Strict: strict, Size: st.Size(),
				Progress: func(p store.ImportProgress) { progress(p.Bytes, p.Size) }})
			return err
		},
		Done: func(err error) {
			if res != nil && res.New > 0 {
				s.env.Changed()
			}
			s.showImportResult(res, err)
			if done != nil {
				done(res, err)
			}
		},
	})
}

func (s *Screen) showImportResult(res *store.ImportResult, err error) {
	if res == nil {
		s.env.ShowError(err)
		return
	}
	var b strings.Builder
	b.WriteString(lang.L("{{.New}} new events, {{.Same}} already in the ledger, {{.Rejected}} rows rejected.", map[string]any{
		"New": res.New, "Same": res.Same, "Rejected": res.Rejected}))
	if errors.Is(err, context.Canceled) {
		b.WriteString("\n" + lang.L("Cancelled: the events committed before stay; import the same file again to finish (it is idempotent)."))
	} else if err != nil {
		b.WriteString("\n" + shell.ErrorText(err))
	}
	for i, e := range res.Errors {
		if i == 20 {
			b.WriteString(fmt.Sprintf("\n… %d", res.Rejected-20))
			break
		}
		b.WriteString("\n" + e.Error())
	}
	l := widget.NewLabel(b.String())
	l.Wrapping = fyne.TextWrapWord
	dialog.NewCustom(lang.L("Import consents"), lang.L("Close"), container.NewVBox(container.NewVScroll(l), shell.MinWidth(620)), s.env.Window).Show()
}

// ShowExport asks for the report's language and files, then writes them.
func (s *Screen) ShowExport() {
	langs := []string{"ru", "kk", "en"}
	lsel := widget.NewSelect(langs, nil)
	lsel.SetSelected(i18n.Current())
	if lsel.Selected == "" {
		lsel.SetSelected("ru")
	}
	withCSV := widget.NewCheck(lang.L("Also export the current states as CSV (Excel)"), nil)
	sep := widget.NewSelect([]string{";", ","}, nil)
	sep.SetSelected(";")
	f := s.Filter()
	s.env.ShowForm(shell.FormDialog{
		Title:   lang.L("Export the consent report"),
		Intro:   lang.L("The report counts events per edition and purpose, by channel and language, with the re-consent backlog. Filters: {{.Filters}}", map[string]any{"Filters": f.Describe()}),
		Confirm: lang.L("Choose file…"),
		Items: []*widget.FormItem{
			widget.NewFormItem(lang.L("Headings in"), lsel),
			widget.NewFormItem("", withCSV),
			widget.NewFormItem(lang.L("CSV separator"), sep),
		},
		OnConfirm: func() {
			fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
				if err != nil {
					s.env.ShowError(err)
					return
				}
				if w == nil {
					return
				}
				path := w.URI().Path()
				w.Close()
				csvPath := ""
				if withCSV.Checked {
					csvPath = strings.TrimSuffix(path, filepath.Ext(path)) + ".csv"
				}
				s.ExportReport(path, csvPath, lsel.Selected, rune(sep.Selected[0]), nil)
			}, s.env.Window)
			fd.SetFileName("consents-report.pdf")
			fd.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
			shell.ShowFileDialog(fd, shell.SaveFile, s.env.Window)
		},
	})
}

// ExportReport writes the aggregate report PDF to pdfPath and, when
// csvPath is set, the current states as CSV, with progress and Cancel.
func (s *Screen) ExportReport(pdfPath, csvPath, language string, sep rune, done func(error)) {
	f := s.Filter()
	s.env.RunWithProgress(shell.Task{
		Title:       lang.L("Export the consent report"),
		Message:     filepath.Base(pdfPath),
		Cancellable: true,
		Work: func(ctx context.Context, progress shell.Progress) error {
			at := time.Now().Truncate(time.Second)
			d, err := s.env.WS.ConsentReport(ctx, f, at)
			if err != nil {
				return err
			}
			loc := s.env.WS.Location()
			if err := writeFile(pdfPath, func(w io.Writer) error {
				return consentreport.Render(w, d, consentreport.Options{Lang: language, Location: loc})
			}); err != nil {
				return err
			}
			if csvPath == "" {
				return nil
			}
			return writeFile(csvPath, func(w io.Writer) error {
				_, err := consentreport.WriteCSV(ctx, w, s.env.WS, f, consentreport.CSVOptions{Sep: sep, GeneratedAt: at, Location: loc,
					Progress: func(n int) { progress(int64(n), -1) }})
				return err
			})
		},
		Done: func(err error) {
			if err != nil {
				s.env.ShowError(err)
			} else {
				s.env.Notify(lang.L("Consent report saved: {{.File}}", map[string]any{"File": filepath.Base(pdfPath)}))
			}
			if done != nil {
				done(err)
			}
		},
	})
}

// writeFile writes through a temporary file in the target folder, so a
// failed or cancelled export never leaves half a file.
func writeFile(path string, fill func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".legco-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriterSize(tmp, 256<<10)
	if err := fill(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ShowCertificate asks for the language and file of the user's
// certificate and writes it.
func (v *UserView) ShowCertificate() {
	if v.user == nil {
		return
	}
	lsel := widget.NewSelect([]string{"ru", "kk"}, nil)
	lsel.SetSelected("ru")
	if i18n.Current() == "kk" {
		lsel.SetSelected("kk")
	}
	acc := v.user.AccountID
	v.env.ShowForm(shell.FormDialog{
		Title:   lang.L("Consent certificate"),
		Intro:   lang.L("A PDF for the user or an auditor: operator, subject, each purpose with its Art. 8 terms, the event history with evidence, the policy editions with their SHA-256."),
		Confirm: lang.L("Choose file…"),
		Items:   []*widget.FormItem{widget.NewFormItem(lang.L("Certificate language"), lsel)},
		OnConfirm: func() {
			fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
				if err != nil {
					v.env.ShowError(err)
					return
				}
				if w == nil {
					return
				}
				path := w.URI().Path()
				w.Close()
				v.SaveCertificate(path, lsel.Selected, nil)
			}, v.env.Window)
			fd.SetFileName("consents-" + acc + ".pdf")
			fd.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
			shell.ShowFileDialog(fd, shell.SaveFile, v.env.Window)
		},
	})
}

// SaveCertificate writes the shown user's certificate to path.
func (v *UserView) SaveCertificate(path, language string, done func(error)) {
	acc := v.account
	v.env.Run(func(ctx context.Context) error {
		d, err := v.env.WS.ConsentCertificate(ctx, acc, time.Now().Truncate(time.Second))
		if err != nil {
			return err
		}
		return writeFile(path, func(w io.Writer) error {
			return consentcert.Render(w, d, consentcert.Options{Lang: language, Location: v.env.WS.Location()})
		})
	}, func(err error) {
		if err != nil {
			v.env.ShowError(err)
		} else {
			v.env.Notify(lang.L("Certificate saved: {{.File}}", map[string]any{"File": filepath.Base(path)}))
		}
		if done != nil {
			done(err)
		}
	})
}
