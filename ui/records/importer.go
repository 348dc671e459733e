package records

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/ui/shell"
)

// ImportKind is what an export file holds.
type ImportKind int

const (
	ImportUsers     ImportKind = iota // users export (clause 1.1.1)
	ImportAccessLog                   // access-log export (clause 1.1.2)
)

// maxReportRows bounds the rejected rows kept for the error report.
const maxReportRows = 100000

// ImportOutcome is what an import did, as the result dialog shows it.
type ImportOutcome struct {
	Kind   ImportKind
	Name   string
	Strict bool
	Result *store.ImportResult // nil when nothing could be read
	Err    error
	// Rejected are the rejected rows in file order (at most
	// maxReportRows; Dropped tells how many more there were).
	Rejected []*exportfile.RowError
	Dropped  int
}

// ShowImport opens the import dialog: what the file holds, the file, and
// strict mode.
func (s *Screen) ShowImport() {
	if !s.env.Can(store.PermRecordsImport) {
		s.env.ShowError(&store.ForbiddenError{Staff: s.env.Me().Name, Role: s.env.Me().Role, Action: store.PermRecordsImport})
		return
	}
	kinds := []string{lang.L("Users export (clause 1.1.1)"), lang.L("Access-log export (clause 1.1.2)")}
	kind := widget.NewRadioGroup(kinds, nil)
	kind.SetSelected(kinds[0])
	kind.Required = true
	fileLabel := widget.NewLabel(lang.L("No file chosen."))
	fileLabel.Importance = widget.LowImportance
	fileLabel.Truncation = fyne.TextTruncateEllipsis
	var chosen fyne.URI
	choose := widget.NewButtonWithIcon(lang.L("Choose file…"), theme.FolderOpenIcon(), func() {
		fd := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
			if err != nil {
				s.env.ShowError(err)
				return
			}
			if rc == nil {
				return
			}
			chosen = rc.URI()
			rc.Close()
			fileLabel.SetText(chosen.Name())
			fileLabel.Importance = widget.MediumImportance
			fileLabel.Refresh()
		}, s.env.Window)
		fd.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".jsonl", ".ndjson", ".json", ".txt"}))
		shell.ShowFileDialog(fd, shell.OpenFile, s.env.Window)
	})
	strict := widget.NewCheck(lang.L("Strict: import nothing if any row is bad"), nil)
	help := widget.NewLabel(lang.L("CSV or JSON Lines exported by LegCo; the format is recognised from the content. Rows are matched by account id, so importing the same file again changes nothing. Bad rows are skipped and listed with their line numbers, unless strict mode is on."))
	help.Wrapping = fyne.TextWrapWord
	help.Importance = widget.LowImportance
	content := container.NewVBox(
		widget.NewForm(
			widget.NewFormItem(lang.L("The file holds"), kind),
			widget.NewFormItem(lang.L("Export file"), container.NewBorder(nil, nil, nil, choose, fileLabel)),
			widget.NewFormItem("", strict),
		),
		help, shell.MinWidth(560))
	dlg := dialog.NewCustomConfirm(lang.L("Import a LegCo export"), lang.L("Import"), lang.L("Cancel"), content, func(ok bool) {
		if !ok {
			return
		}
		if chosen == nil {
			s.env.ShowError(shell.UserError(lang.L("Choose the export file first.")))
			return
		}
		k := ImportUsers
		if kind.Selected == kinds[1] {
			k = ImportAccessLog
		}
		s.importURI(k, chosen, strict.Checked)
	}, s.env.Window)
	dlg.Show()
}

func (s *Screen) importURI(kind ImportKind, u fyne.URI, strict bool) {
	if u.Scheme() == "file" {
		s.ImportFile(kind, u.Path(), strict, nil)
		return
	}
	s.runImport(kind, u.Name(), strict, func() (io.ReadCloser, int64, error) {
		rc, err := storage.Reader(u)
		return rc, -1, err
	}, nil)
}

// ImportFile imports the export file at path behind a progress dialog
// with Cancel, then shows the result (done, if not nil, gets it too). The
// import dialog ends here.
func (s *Screen) ImportFile(kind ImportKind, path string, strict bool, done func(ImportOutcome)) {
	s.runImport(kind, filepath.Base(path), strict, func() (io.ReadCloser, int64, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, 0, err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, 0, err
		}
		return f, st.Size(), nil
	}, done)
}

// countingReader reports the bytes read so far.
type countingReader struct {
	r        io.Reader
	n        atomic.Int64
	size     int64
	progress shell.Progress
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	done := c.n.Add(int64(n))
	if c.progress != nil {
		c.progress(done, c.size)
	}
	return n, err
}

func (s *Screen) runImport(kind ImportKind, name string, strict bool, open func() (io.ReadCloser, int64, error), done func(ImportOutcome)) {
	out := ImportOutcome{Kind: kind, Name: name, Strict: strict}
	ws := s.env.WS
	s.env.RunWithProgress(shell.Task{
		Title:       lang.L("Importing"),
		Message:     lang.L("Importing {{.File}}… Cancel keeps the chunks already committed; importing the file again completes it.", map[string]any{"File": name}),
		Cancellable: true,
		Work: func(ctx context.Context, progress shell.Progress) error {
			rc, size, err := open()
			if err != nil {
				return err
			}
			defer rc.Close()
			cr := &countingReader{r: rc, size: size, progress: progress}
			br := bufio.NewReaderSize(cr, 64<<10)
			head, _ := br.Peek(512)
			format, err := exportfile.DetectFormat(name, head)
			if err != nil {
				return err
			}
			opts := store.ImportOptions{Strict: strict, Size: size, OnError: func(e *exportfile.RowError) {
				if len(out.Rejected) < maxReportRows {
					out.Rejected = append(out.Rejected, e)
				} else {
					out.Dropped++
				}
			}}
			if kind == ImportUsers {
				out.Result, err = ws.ImportUsers(ctx, br, name, format, opts)
			} else {
				out.Result, err = ws.ImportAccessLog(ctx, br, name, format, opts)
			}
			return err
		},
		Done: func(err error) {
			out.Err = err
			if out.Result != nil && out.Result.BatchID > 0 {
				s.env.Changed()
			}
			s.showImportResult(out)
			if done != nil {
				done(out)
			}
		},
	})
}

// importTitle and importSummary word an outcome.
func importTitle(o ImportOutcome) string {
	r := o.Result
	switch {
	case r == nil:
		return lang.L("Import failed")
	case r.Cancelled || errors.Is(o.Err, context.Canceled):
		return lang.L("Import cancelled")
	case o.Err != nil && o.Strict && r.Rejected > 0:
		return lang.L("Nothing imported")
	case o.Err != nil:
		return lang.L("Import stopped")
	case r.Rejected > 0:
		return lang.L("Import finished with rejected rows")
	}
	return lang.L("Import finished")
}

func importSummary(o ImportOutcome) string {
	r := o.Result
	switch {
	case r == nil:
		return errorText(o.Err)
	case r.Cancelled || errors.Is(o.Err, context.Canceled):
		return lang.L("The import was cancelled. The rows committed before the cancel stay; import the same file again to complete it (rows already there are left alone).")
	case o.Err != nil && o.Strict && r.Rejected > 0:
		return lang.L("Strict mode: {{.Rejected}} rows were rejected, so nothing from this file was kept. Correct the rows below, or import without strict mode to keep the good rows.", map[string]any{"Rejected": Group(r.Rejected)})
	case o.Err != nil:
		return lang.L("The import stopped: {{.Error}} The chunks committed before the error stay.", map[string]any{"Error": shell.ErrorText(o.Err)})
	}
	return lang.L("{{.File}} was imported as batch {{.Batch}}.", map[string]any{"File": o.Name, "Batch": r.BatchID})
}

var errorColumns = &shell.Columns{Widths: []float32{70, 120, 400, 200}}

// showImportResult shows what an import did and the first rejected rows.
func (s *Screen) showImportResult(o ImportOutcome) {
	if o.Result == nil {
		showError(s.env, o.Err)
		return
	}
	r := o.Result
	summary := widget.NewLabel(importSummary(o))
	summary.Wrapping = fyne.TextWrapWord
	count := func(n int) *widget.Label {
		l := widget.NewLabel(Group(n))
		l.TextStyle = fyne.TextStyle{Bold: true}
		return l
	}
	counts := widget.NewForm(
		widget.NewFormItem(lang.L("New users"), count(r.New)),
		widget.NewFormItem(lang.L("Updated"), count(r.Updated)),
		widget.NewFormItem(lang.L("Unchanged"), count(r.Same)),
		widget.NewFormItem(lang.L("Rejected"), count(r.Rejected)),
	)
	if o.Kind == ImportAccessLog {
		counts.Items[0].Text = lang.L("New rows")
		counts.Refresh()
	}
	if r.SHA256 != "" {
		sum := widget.NewLabel(r.SHA256)
		sum.TextStyle = fyne.TextStyle{Monospace: true}
		sum.Selectable = true
		sum.Truncation = fyne.TextTruncateEllipsis
		counts.AppendItem(widget.NewFormItem(lang.L("File SHA-256"), sum))
	}
	var dlg *dialog.CustomDialog
	top := container.NewVBox(summary, counts)
	buttons := container.NewHBox()
	var center fyne.CanvasObject
	if len(o.Rejected) > 0 {
		title := lang.L("Rejected rows")
		if o.Dropped > 0 {
			title = lang.L("Rejected rows (the first {{.Count}})", map[string]any{"Count": Group(len(o.Rejected))})
		}
		top.Add(heading(title))
		list := widget.NewList(func() int { return len(o.Rejected) }, func() fyne.CanvasObject {
			objs := make([]fyne.CanvasObject, len(errorColumns.Widths))
			for i := range objs {
				objs[i] = shell.CellLabel("")
			}
			return container.New(errorColumns, objs...)
		}, func(id widget.ListItemID, obj fyne.CanvasObject) {
			e := o.Rejected[id]
			cells := obj.(*fyne.Container).Objects
			for i, t := range []string{strconv.Itoa(e.Line), orDash(e.Column), e.Reason, e.Value} {
				cells[i].(*widget.Label).SetText(t)
			}
		})
		full := widget.NewLabel("")
		full.Wrapping = fyne.TextWrapWord
		full.Selectable = true
		full.Hide()
		list.OnSelected = func(id widget.ListItemID) {
			full.SetText(o.Rejected[id].Error())
			full.Show()
		}
		header := shell.HeaderRow(errorColumns, lang.L("Line"), lang.L("Column"), lang.L("Reason"), lang.L("Value"))
		center = container.NewBorder(header, full, nil, nil, list)
		save := widget.NewButtonWithIcon(lang.L("Save error report…"), theme.DocumentSaveIcon(), func() { s.saveErrorReport(o) })
		buttons.Add(save)
	}
	if o.Kind == ImportUsers && r.BatchID > 0 && o.Err == nil && r.New+r.Updated > 0 {
		show := widget.NewButtonWithIcon(lang.L("Show the imported users"), theme.ListIcon(), func() {
			dlg.Hide()
			s.Back()
			s.ShowBatch(r.BatchID)
		})
		buttons.Add(show)
	}
	closeBtn := widget.NewButton(lang.L("Close"), func() { dlg.Hide() })
	closeBtn.Importance = widget.HighImportance
	buttons.Add(closeBtn)
	content := container.NewBorder(top, container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, nil, buttons)), nil, nil, center)
	dlg = dialog.NewCustomWithoutButtons(importTitle(o), content, s.env.Window)
	if center != nil {
		dlg.Resize(fyne.NewSize(900, 620))
	}
	dlg.Show()
}

// saveErrorReport asks where to save the rejected rows as CSV.
func (s *Screen) saveErrorReport(o ImportOutcome) {
	fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			s.env.ShowError(err)
			return
		}
		if w == nil {
			return
		}
		s.env.Run(func(context.Context) error {
			err := WriteErrorReport(w, o.Rejected)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			return err
		}, func(err error) {
			if err != nil {
				s.env.ShowError(err)
				return
			}
			s.env.Notify(lang.L("Error report saved: {{.File}}", map[string]any{"File": w.URI().Name()}))
		})
	}, s.env.Window)
	fd.SetFileName(o.Name + ".errors.csv")
	fd.SetFilter(storage.NewExtensionFileFilter([]string{".csv"}))
	shell.ShowFileDialog(fd, shell.SaveFile, s.env.Window)
}

// WriteErrorReport writes rejected rows as CSV (UTF-8 with a byte order
// mark, so that spreadsheets read Cyrillic right): file, line, column,
// reason. The rejected values are left out: the report names where to
// look in the export, which holds them.
func WriteErrorReport(w io.Writer, rows []*exportfile.RowError) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"file", "line", "column", "reason"})
	for _, e := range rows {
		cw.Write([]string{e.File, fmt.Sprint(e.Line), e.Column, e.Reason})
	}
	cw.Flush()
	return cw.Error()
}
