package requests

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/reports/requestpack"
	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

// Detail is one request: its particulars, accounts, timeline and
// attachments, and the workflow's next steps.
type Detail struct {
	s   *Screen
	env *shell.Env
	gen int

	Request *store.Request

	Title    *widget.Label
	Deadline *widget.Label
	Info     *widget.Form
	Note     *widget.Label // e.g. awaiting a second staff member
	Actions  *fyne.Container
	bar      *shell.OverflowBar
	Timeline *widget.Label
	Files    *widget.Label

	content fyne.CanvasObject
}

func newDetail(s *Screen) *Detail {
	d := &Detail{s: s, env: s.env}
	d.Title = widget.NewLabel(lang.L("Select a request in the queue."))
	d.Title.TextStyle = fyne.TextStyle{Bold: true}
	d.Deadline = widget.NewLabel("")
	d.Info = widget.NewForm()
	d.Note = widget.NewLabel("")
	d.Note.Wrapping = fyne.TextWrapWord
	d.Note.Importance = widget.WarningImportance
	d.Note.Hide()
	d.Actions = container.NewHBox()
	d.Timeline = widget.NewLabel("")
	d.Timeline.Wrapping = fyne.TextWrapWord
	d.Files = widget.NewLabel("")
	d.Files.Wrapping = fyne.TextWrapWord
	tabs := container.NewAppTabs(
		container.NewTabItem(lang.L("Request"), container.NewVScroll(d.Info)),
		container.NewTabItem(lang.L("Timeline"), container.NewVScroll(d.Timeline)),
		container.NewTabItem(lang.L("Attachments"), container.NewVScroll(d.Files)),
	)
	// d.Actions holds the buttons of the request's state; the bar shows
	// them and moves those that do not fit into a «…» menu.
	d.bar = shell.NewOverflowBar()
	head := container.NewVBox(container.NewBorder(nil, nil, nil, d.Deadline, d.Title), d.bar, d.Note)
	d.content = container.NewBorder(head, nil, nil, nil, tabs)
	return d
}

// Load reads a request and shows it.
func (d *Detail) Load(number string) {
	d.gen++
	gen := d.gen
	var r *store.Request
	var tl []store.RequestEvent
	var files []store.Attachment
	d.env.Run(func(ctx context.Context) error {
		var err error
		if r, err = d.env.WS.GetRequest(ctx, number); err != nil {
			return err
		}
		if tl, err = d.env.WS.RequestTimeline(ctx, number); err != nil {
			return err
		}
		files, err = d.env.WS.RequestAttachments(ctx, number)
		return err
	}, func(err error) {
		if gen != d.gen {
			return
		}
		if err != nil {
			d.Title.SetText(errorText(err))
			return
		}
		d.show(r, tl, files)
	})
}

func (d *Detail) show(r *store.Request, tl []store.RequestEvent, files []store.Attachment) {
	d.Request = r
	d.Title.SetText(r.Number + " · " + KindName(r.Kind) + " · " + StateName(r.State))
	switch {
	case !r.State.Open():
		d.Deadline.SetText(lang.L("Due {{.Due}}", map[string]any{"Due": r.Due.Format(shell.DateLayout())}))
		d.Deadline.Importance = widget.MediumImportance
	case r.Overdue:
		d.Deadline.SetText(lang.L("Due {{.Due}} · overdue by {{.N}} working days", map[string]any{"Due": r.Due.Format(shell.DateLayout()), "N": -r.DaysLeft}))
		d.Deadline.Importance = widget.DangerImportance
	default:
		d.Deadline.SetText(lang.L("Due {{.Due}} · {{.N}} working days left", map[string]any{"Due": r.Due.Format(shell.DateLayout()), "N": r.DaysLeft}))
		d.Deadline.Importance = widget.MediumImportance
	}
	d.Deadline.Refresh()

	d.Info.Items = nil
	add := func(label, value string) {
		if value == "" {
			return
		}
		l := widget.NewLabel(value)
		l.Wrapping = fyne.TextWrapWord
		d.Info.Append(label, l)
	}
	add(lang.L("Received"), r.Received.Format(shell.DateLayout()))
	add(lang.L("Requester type"), RequesterName(r.RequesterType))
	add(lang.L("Requester"), r.Requester)
	add(lang.L("Officer"), r.Officer)
	add(lang.L("Letter"), strings.TrimSpace(r.LetterNo+" "+r.LetterDate))
	if r.Ground != "" {
		add(lang.L("Ground"), GroundName(r.Ground))
	}
	add(lang.L("Consent purpose"), r.Purpose)
	add(lang.L("Fields requested"), fieldList(r.Fields))
	add(lang.L("Fields approved"), fieldList(r.ApprovedFields))
	add(lang.L("Details"), r.Details)
	var accts []string
	for _, a := range r.Accounts {
		s := a.AccountID
		if a.Outcome != "" {
			s += " — " + outcomeName(a.Outcome, a.Act)
		}
		accts = append(accts, s)
	}
	add(lang.L("Accounts"), strings.Join(accts, "\n"))
	add(lang.L("Assignee"), r.Assignee)
	add(lang.L("Prepared by"), r.PreparedBy)
	add(lang.L("Approved by"), r.ApprovedBy)
	add(lang.L("Decision"), r.DecisionReason)
	add(lang.L("Package SHA-256"), r.PackageSHA256)
	d.Info.Refresh()

	var b strings.Builder
	for _, e := range tl {
		step := lang.L("created")
		switch e.Action {
		case "transition":
			step = StateName(e.From) + " → " + StateName(e.To)
		case "assign":
			step = lang.L("assigned")
		case "attach":
			step = lang.L("attachment added")
		}
		b.WriteString(shell.FormatTime(d.env, e.At) + "  " + e.Staff + "  " + step + ": " + e.Reason + "\n")
	}
	d.Timeline.SetText(b.String())
	b.Reset()
	for _, f := range files {
		b.WriteString(f.Name + " (" + f.MIME + ", " + humanSize(f.Size) + ", " + f.AddedBy + ")\n")
	}
	if len(files) == 0 {
		b.WriteString(lang.L("No attachments."))
	}
	d.Files.SetText(b.String())
	d.buildActions(r)
}

func fieldList(fs []string) string {
	var out []string
	for _, f := range fs {
		out = append(out, FieldName(f))
	}
	return strings.Join(out, ", ")
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return lang.L("{{.N}} MiB", map[string]any{"N": n >> 20})
	case n >= 1<<10:
		return lang.L("{{.N}} KiB", map[string]any{"N": n >> 10})
	}
	return lang.L("{{.N}} bytes", map[string]any{"N": n})
}

// buildActions offers the workflow's next steps. The approval of a
// disclosure is shown only to a staff member other than its preparer;
// the store refuses it anyway.
func (d *Detail) buildActions(r *store.Request) {
	d.Actions.RemoveAll()
	d.Note.Hide()
	canWrite := d.env.Can(store.PermRequestsWrite)
	me := d.env.Me().Name
	if canWrite {
		for _, next := range store.NextStates(r.State) {
			next := next
			approval := next == store.RequestApproved || next == store.RequestPartiallyApproved
			if approval && r.Kind == store.KindDisclosure && (r.PreparedBy == me || r.PreparedBy == "") {
				d.Note.SetText(lang.L("Awaiting approval by a second staff member: {{.Staff}} prepared this disclosure and cannot approve it.", map[string]any{"Staff": r.PreparedBy}))
				d.Note.Show()
				continue
			}
			if next == store.RequestFulfilled && r.Kind.Packaged() {
				b := widget.NewButtonWithIcon(lang.L("Generate package…"), theme.DownloadIcon(), func() { d.askPackage(r) })
				b.Importance = widget.HighImportance
				d.Actions.Add(b)
				continue
			}
			b := widget.NewButton(actionName(next), func() { d.askTransition(r, next) })
			switch {
			case next == store.RequestRejected:
				b.Importance = widget.DangerImportance
			case approval || next == store.RequestFulfilled:
				b.Importance = widget.HighImportance
			}
			d.Actions.Add(b)
		}
		d.Actions.Add(widget.NewButtonWithIcon(lang.L("Assign…"), theme.AccountIcon(), func() { d.askAssign(r) }))
		d.Actions.Add(widget.NewButtonWithIcon(lang.L("Attach file…"), theme.FileIcon(), func() { d.askAttach(r) }))
	}
	d.Actions.Add(widget.NewButtonWithIcon(lang.L("Audit history"), theme.HistoryIcon(), func() { d.env.ShowAudit("request:" + r.Number) }))
	d.bar.SetItems(d.Actions.Objects...)
}

func required(label string) *widget.Entry {
	e := widget.NewMultiLineEntry()
	e.SetMinRowsVisible(2)
	e.Wrapping = fyne.TextWrapWord
	e.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(lang.L("required"))
		}
		return nil
	}
	return e
}

// askTransition asks for the reason (and, for an approval, the fields
// that may leave) and moves the request on.
func (d *Detail) askTransition(r *store.Request, to store.RequestState) {
	reason := required("reason")
	items := []*widget.FormItem{widget.NewFormItem(lang.L("Reason for this step"), reason)}
	var fields *widget.CheckGroup
	if (to == store.RequestApproved || to == store.RequestPartiallyApproved) && len(r.Fields) > 0 {
		var opts []string
		for _, f := range r.Fields {
			opts = append(opts, FieldName(f))
		}
		fields = widget.NewCheckGroup(opts, nil)
		if to == store.RequestApproved {
			fields.SetSelected(opts)
			fields.Disable()
		}
		items = append(items, widget.NewFormItem(lang.L("Fields that may leave"), fields))
	}
	intro := lang.L("Move {{.Number}} from “{{.From}}” to “{{.To}}”. The reason is kept in the timeline and the audit log.",
		map[string]any{"Number": r.Number, "From": StateName(r.State), "To": StateName(to)})
	if to == store.RequestFulfilled {
		intro += "\n" + lang.L("This carries out the operation on the subject's data now, under this request's number.")
	}
	d.env.ShowForm(shell.FormDialog{Title: actionName(to), Intro: intro, Confirm: actionName(to), Items: items,
		Danger: to == store.RequestRejected || to == store.RequestFulfilled && r.Kind == store.KindDestruction,
		OnConfirm: func() {
			dec := store.Decision{To: to, Reason: reason.Text}
			if fields != nil && to == store.RequestPartiallyApproved {
				for _, f := range r.Fields {
					if contains(fields.Selected, FieldName(f)) {
						dec.Fields = append(dec.Fields, f)
					}
				}
				if len(dec.Fields) == 0 {
					d.s.showError(shell.UserError(lang.L("Choose at least one field.")))
					return
				}
			}
			d.env.Run(func(ctx context.Context) error {
				return d.env.WS.TransitionRequest(ctx, r.Number, dec)
			}, func(err error) {
				if err != nil {
					d.s.showError(err)
					return
				}
				d.env.Notify(lang.L("{{.Number}}: {{.State}}", map[string]any{"Number": r.Number, "State": StateName(to)}))
				d.env.Changed()
			})
		}})
}

func (d *Detail) askAssign(r *store.Request) {
	sel := widget.NewSelect(d.s.staff, nil)
	sel.SetSelected(r.Assignee)
	d.env.ShowForm(shell.FormDialog{Title: lang.L("Assign"), Confirm: lang.L("Assign"),
		Items: []*widget.FormItem{widget.NewFormItem(lang.L("Staff member"), sel)},
		OnConfirm: func() {
			to := sel.Selected
			d.env.Run(func(ctx context.Context) error { return d.env.WS.AssignRequest(ctx, r.Number, to, "") }, func(err error) {
				if err != nil {
					d.s.showError(err)
					return
				}
				d.env.Changed()
			})
		}})
}

func (d *Detail) askAttach(r *store.Request) {
	fd := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		name := rc.URI().Name()
		d.env.Run(func(ctx context.Context) error {
			defer rc.Close()
			b, err := io.ReadAll(io.LimitReader(rc, store.MaxAttachmentSize+1))
			if err != nil {
				return err
			}
			return d.env.WS.AddRequestAttachment(ctx, r.Number, name, b)
		}, func(err error) {
			if err != nil {
				d.s.showError(err)
				return
			}
			d.env.Changed()
		})
	}, d.env.Window)
	shell.ShowFileDialog(fd, shell.OpenFile, d.env.Window)
}

// PackageDir is where packages go by default: a folder per request under
// the user's home (the package holds personal data: it is the user's to
// send and remove).
func PackageDir(number string) string {
	home, err := os.UserHomeDir()
	if err != nil {
		home = "."
	}
	return filepath.Join(home, "LegCo-packages", number)
}

// askPackage asks where to write the package and generates it with
// progress and cancel.
func (d *Detail) askPackage(r *store.Request) {
	dir := widget.NewEntry()
	dir.SetText(PackageDir(r.Number))
	dir.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(lang.L("required"))
		}
		return nil
	}
	intro := lang.L("The package holds a cover letter (Russian and Kazakh), the data extract (PDF, CSV, JSON) of exactly the fields that may leave, and manifest.json with their SHA-256. It contains personal data: send it, then remove the folder.")
	d.env.ShowForm(shell.FormDialog{Title: lang.L("Generate package"), Intro: intro, Confirm: lang.L("Generate"),
		Items:     []*widget.FormItem{widget.NewFormItem(lang.L("Package folder"), dir)},
		OnConfirm: func() { d.generate(r, strings.TrimSpace(dir.Text)) }})
}

func (d *Detail) generate(r *store.Request, dir string) {
	var res *requestpack.Result
	d.env.RunWithProgress(shell.Task{Title: lang.L("Generate package"), Cancellable: true,
		Message: lang.L("Writing the package of {{.Number}}…", map[string]any{"Number": r.Number}),
		Work: func(ctx context.Context, progress shell.Progress) error {
			var err error
			res, err = requestpack.Fulfil(ctx, d.env.WS, r.Number, dir, requestpack.Progress(progress))
			return err
		},
		Done: func(err error) {
			if err != nil {
				d.s.showError(err)
				return
			}
			d.env.ShowInfo(lang.L("Package ready"), lang.L("{{.Number}} is fulfilled. The package is in {{.Dir}} (manifest SHA-256 {{.Sum}}).",
				map[string]any{"Number": r.Number, "Dir": res.Dir, "Sum": res.ManifestSHA256[:16] + "…"}))
			d.env.Changed()
		}})
}
