package requests

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/reports/transparency"
	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

// newSizedDialog is a dialog of the given size, never larger than the
// window (the app must work at 1024×700).
func newSizedDialog(title string, body fyne.CanvasObject, win fyne.Window, size fyne.Size) *dialog.CustomDialog {
	d := dialog.NewCustomWithoutButtons(title, body, win)
	if win != nil {
		ws := win.Canvas().Size()
		if ws.Width > 0 {
			size.Width = min(size.Width, ws.Width-40)
			size.Height = min(size.Height, ws.Height-40)
		}
	}
	d.Resize(size)
	return d
}

var registerColumns = &shell.Columns{Widths: []float32{130, 130, 110, 220, 60, 170}}

// showRegister shows the disclosure register (every disclosure: what, to
// whom, when, on which ground, under which request) with CSV export.
func (s *Screen) showRegister() {
	var rows []store.Disclosure
	s.env.Run(func(ctx context.Context) error {
		var err error
		rows, err = s.env.WS.DisclosureRegister(ctx, time.Time{}, time.Time{})
		return err
	}, func(err error) {
		if err != nil {
			s.showError(err)
			return
		}
		list := widget.NewList(func() int { return len(rows) }, func() fyne.CanvasObject {
			cells := make([]fyne.CanvasObject, len(registerColumns.Widths))
			for i := range cells {
				cells[i] = shell.CellLabel("")
			}
			return container.New(registerColumns, cells...)
		}, func(id widget.ListItemID, o fyne.CanvasObject) {
			d := rows[len(rows)-1-id] // newest first
			texts := []string{shell.FormatTime(s.env, d.At), d.Request, d.AccountID, d.Recipient, string(d.Ground), fieldList(d.Fields)}
			for i, c := range o.(*fyne.Container).Objects {
				c.(*widget.Label).SetText(texts[i])
			}
		})
		header := shell.HeaderRow(registerColumns, lang.L("Disclosed"), lang.L("Request"), lang.L("Account"), lang.L("Recipient"), lang.L("Ground"), lang.L("Fields"))
		out := widget.NewEntry()
		out.SetText(filepath.Join(exportDir(), "disclosure-register.csv"))
		var dlg *dialog.CustomDialog
		export := widget.NewButton(lang.L("Export CSV"), func() {
			path := strings.TrimSpace(out.Text)
			s.env.Run(func(ctx context.Context) error {
				return writeFile(path, func(f *os.File) error { return transparency.WriteDisclosuresCSV(f, rows) })
			},
				func(err error) {
					if err != nil {
						s.showError(err)
						return
					}
					s.env.Notify(lang.L("Register written to {{.Path}}", map[string]any{"Path": path}))
				})
		})
		closeB := widget.NewButton(lang.L("Close"), func() { dlg.Hide() })
		count := widget.NewLabel(lang.L("{{.N}} disclosures", map[string]any{"N": len(rows)}))
		bottom := container.NewBorder(nil, nil, count, container.NewHBox(export, closeB), out)
		dlg = newSizedDialog(lang.L("Disclosure register"), container.NewBorder(header, bottom, nil, nil, list), s.env.Window, fyne.NewSize(980, 560))
		dlg.Show()
	})
}

func exportDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return "."
	}
	return filepath.Join(home, "LegCo-reports")
}

// writeFile creates path (and its folder) owner-only and fills it.
func writeFile(path string, fill func(f *os.File) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := fill(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// showTransparency asks for a period and writes the transparency report
// (PDF and CSV), then shows its totals.
func (s *Screen) showTransparency() {
	today := s.env.WS.Today()
	from, to := widget.NewEntry(), widget.NewEntry()
	from.SetText(shell.FormatDay(time.Date(today.Year(), 1, 1, 0, 0, 0, 0, time.UTC)))
	to.SetText(shell.FormatDay(today))
	from.Validator, to.Validator = dateValidator(false), dateValidator(false)
	out := widget.NewEntry()
	out.SetText(filepath.Join(exportDir(), "transparency-"+today.Format("2006-01-02")+".pdf"))
	out.Validator = func(s string) error {
		if !strings.HasSuffix(strings.ToLower(strings.TrimSpace(s)), ".pdf") {
			return errors.New(lang.L("a .pdf file"))
		}
		return nil
	}
	s.env.ShowForm(shell.FormDialog{Title: lang.L("Transparency report"), Confirm: lang.L("Generate"),
		Intro: lang.L("Requests received in the period, by requester type, ground and kind: complied, partially, rejected, accounts affected, median and worst time to answer in working days, how many were late. A CSV with the same figures is written next to the PDF."),
		Items: []*widget.FormItem{widget.NewFormItem(lang.L("From"), from), widget.NewFormItem(lang.L("To"), to), widget.NewFormItem(lang.L("PDF file"), out)},
		OnConfirm: func() {
			a, _ := shell.ParseDate(from.Text)
			b, _ := shell.ParseDate(to.Text)
			path := strings.TrimSpace(out.Text)
			var t *store.Transparency
			s.env.RunWithProgress(shell.Task{Title: lang.L("Transparency report"), Message: lang.L("Counting the requests of the period…"), Cancellable: true,
				Work: func(ctx context.Context, progress shell.Progress) error {
					var err error
					if t, err = s.env.WS.TransparencyReport(ctx, a, b); err != nil {
						return err
					}
					progress(1, 3)
					pdf, err := transparency.PDF(t)
					if err != nil {
						return err
					}
					if err := ctx.Err(); err != nil {
						return err
					}
					if err := writeFile(path, func(f *os.File) error { _, err := f.Write(pdf); return err }); err != nil {
						return err
					}
					progress(2, 3)
					return writeFile(strings.TrimSuffix(path, filepath.Ext(path))+".csv", func(f *os.File) error { return transparency.WriteCSV(f, t) })
				},
				Done: func(err error) {
					if err != nil {
						s.showError(err)
						return
					}
					s.env.ShowInfo(lang.L("Transparency report"), lang.L("{{.N}} requests received: {{.C}} complied, {{.P}} partially, {{.R}} rejected, {{.L}} late; median answer {{.M}} working days, worst {{.W}}. Written to {{.Path}}.",
						map[string]any{"N": t.Total.Received, "C": t.Total.Complied, "P": t.Total.Partial, "R": t.Total.Rejected, "L": t.Total.Late,
							"M": t.Total.MedianDays, "W": t.Total.WorstDays, "Path": path}))
				}})
		}})
}

// showCalendar shows the working-day calendar; admins edit it (the store
// checks the text and audits the change).
func (s *Screen) showCalendar() {
	var text string
	var edited bool
	var dl store.RequestDeadlines
	s.env.Run(func(ctx context.Context) error {
		var err error
		if text, edited, err = s.env.WS.CalendarText(ctx); err != nil {
			return err
		}
		dl, err = s.env.WS.RequestDeadlines(ctx)
		return err
	}, func(err error) {
		if err != nil {
			s.showError(err)
			return
		}
		entry := widget.NewMultiLineEntry()
		entry.SetText(text)
		entry.TextStyle = fyne.TextStyle{Monospace: true}
		var terms []string
		for _, k := range store.RequestKinds {
			terms = append(terms, KindName(k)+": "+strconv.Itoa(dl.Days(k)))
		}
		status := lang.L("Built-in calendar")
		if edited {
			status = lang.L("Edited in this workspace")
		}
		info := widget.NewLabel(status + ". " + lang.L("Answer terms in working days") + ": " + strings.Join(terms, ", ") + ".")
		info.Wrapping = fyne.TextWrapWord
		reason := widget.NewEntry()
		reason.SetPlaceHolder(lang.L("reason, e.g. the government's decree number"))
		var dlg *dialog.CustomDialog
		closeB := widget.NewButton(lang.L("Close"), func() { dlg.Hide() })
		buttons := container.NewHBox(closeB)
		if s.env.Can(store.PermSettings) {
			save := widget.NewButton(lang.L("Save calendar"), func() {
				t, r := entry.Text, reason.Text
				s.env.Run(func(ctx context.Context) error { return s.env.WS.SetCalendar(ctx, t, r) }, func(err error) {
					if err != nil {
						s.showError(err)
						return
					}
					dlg.Hide()
					s.env.Notify(lang.L("Working-day calendar saved"))
					s.env.Changed()
				})
			})
			save.Importance = widget.HighImportance
			buttons = container.NewBorder(nil, nil, nil, container.NewHBox(closeB, save), reason)
		} else {
			entry.Disable()
		}
		dlg = newSizedDialog(lang.L("Working-day calendar"), container.NewBorder(info, buttons, nil, nil, entry), s.env.Window, fyne.NewSize(900, 620))
		dlg.Show()
	})
}
