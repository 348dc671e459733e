package auditlog

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

// Detail is the panel under the list with everything about one entry.
type Detail struct {
	env   *shell.Env
	entry store.AuditEntry
	gen   int

	Num, At, Staff, Role, Action, Object, Reason *widget.Label
	Details, Personal, Prev, Hash                *widget.Label
	// Raw shows the action's code and the details' JSON instead of words.
	Raw *widget.Check

	empty   *widget.Label
	form    *fyne.Container
	content *fyne.Container
}

func newDetail(env *shell.Env) *Detail {
	d := &Detail{env: env}
	mk := func(mono bool) *widget.Label {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapBreak
		l.Selectable = true
		if mono {
			l.TextStyle = fyne.TextStyle{Monospace: true}
		}
		return l
	}
	d.Num, d.At, d.Staff, d.Role, d.Action, d.Object, d.Reason = mk(false), mk(false), mk(false), mk(false), mk(true), mk(true), mk(false)
	d.Details, d.Personal, d.Prev, d.Hash = mk(false), mk(true), mk(true), mk(true)
	d.Action.TextStyle = fyne.TextStyle{}
	d.Raw = widget.NewCheck(lang.L("Show raw (codes and JSON)"), func(bool) {
		if d.entry.Seq != 0 {
			d.showWords()
		}
	})

	copyHash := widget.NewButtonWithIcon(lang.L("Copy hash"), theme.ContentCopyIcon(), func() {
		if d.entry.Seq == 0 {
			return
		}
		fyne.CurrentApp().Clipboard().SetContent(fmt.Sprintf("#%d %s", d.entry.Seq, d.entry.Hash))
		env.Notify(lang.L("Entry #{{.Seq}} and its hash copied to the clipboard.", map[string]any{"Seq": d.entry.Seq}))
	})
	copyHash.Importance = widget.LowImportance

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Entry"), d.Num),
		widget.NewFormItem(lang.L("Time"), d.At),
		widget.NewFormItem(lang.L("Staff member"), d.Staff),
		widget.NewFormItem(lang.L("Role"), d.Role),
		widget.NewFormItem(lang.L("Action"), d.Action),
		widget.NewFormItem(lang.L("Object"), d.Object),
		widget.NewFormItem(lang.L("Reason"), d.Reason),
		widget.NewFormItem(lang.L("Details"), d.Details),
		widget.NewFormItem(lang.L("Personal data"), d.Personal),
		widget.NewFormItem(lang.L("Previous hash"), d.Prev),
		widget.NewFormItem(lang.L("Entry hash"), container.NewBorder(nil, nil, nil, container.NewVBox(copyHash), d.Hash)),
	)
	d.form = container.NewVBox(form, d.Raw)
	d.form.Hide()
	d.empty = widget.NewLabel(lang.L("Select an entry to see its details, its personal-data payload and its place in the hash chain."))
	d.empty.Wrapping = fyne.TextWrapWord
	d.empty.Importance = widget.LowImportance
	d.content = container.NewVBox(d.empty, d.form)
	return d
}

// Content is the panel's root object.
func (d *Detail) Content() fyne.CanvasObject { return d.content }

// Seq is the entry shown (0: none).
func (d *Detail) Seq() int64 { return d.entry.Seq }

// Clear shows the hint instead of an entry.
func (d *Detail) Clear() {
	d.gen++
	d.entry = store.AuditEntry{}
	d.form.Hide()
	d.empty.Show()
}

// Show fills the panel with e; its personal-data payload, if any, is
// fetched separately (list pages never carry payloads).
func (d *Detail) Show(e store.AuditEntry) {
	d.gen++
	gen := d.gen
	d.entry = e
	d.Num.SetText(fmt.Sprintf("#%d", e.Seq))
	d.At.SetText(entryTimeIn(d.env, e.At))
	d.Staff.SetText(e.Staff)
	d.Role.SetText(shell.RoleName(e.Role))
	d.Object.SetText(e.Object)
	d.showWords()
	d.Prev.SetText(e.PrevHash)
	d.Hash.SetText(e.Hash)
	switch {
	case e.PersonalSHA256 == "":
		d.Personal.SetText(lang.L("none"))
	case e.PersonalErased:
		d.Personal.SetText(lang.L("erased by a destruction act (the digest stays in the chain: {{.Digest}})", map[string]any{"Digest": e.PersonalSHA256}))
	case e.Personal != "":
		d.Personal.SetText(PrettyJSON(e.Personal))
	default:
		d.Personal.SetText(lang.L("Loading…"))
		seq := e.Seq
		var payload string
		var erased bool
		d.env.Run(func(ctx context.Context) error {
			got, err := d.env.WS.AuditEntries(ctx, store.AuditFilter{BeforeSeq: seq + 1, Limit: 1, WithPayload: true})
			if err == nil && len(got) == 1 && got[0].Seq == seq {
				payload, erased = got[0].Personal, got[0].PersonalErased
			}
			return err
		}, func(err error) {
			if gen != d.gen {
				return
			}
			switch {
			case err != nil:
				d.Personal.SetText(shell.ErrorText(err))
			case erased:
				d.Personal.SetText(lang.L("erased by a destruction act (the digest stays in the chain: {{.Digest}})", map[string]any{"Digest": e.PersonalSHA256}))
			default:
				d.Personal.SetText(PrettyJSON(payload))
			}
		})
	}
	d.empty.Hide()
	d.form.Show()
}

// showWords fills the action, reason and details in words, or as the
// stored codes and JSON when the "raw" toggle is on.
func (d *Detail) showWords() {
	e := d.entry
	if d.Raw.Checked {
		d.Action.SetText(e.Action)
		d.Reason.SetText(orDash(e.Reason))
		d.Details.SetText(PrettyJSON(e.Details))
		return
	}
	d.Action.SetText(shell.ActionWord(e.Action))
	d.Reason.SetText(orDash(shell.SystemReason(e.Reason)))
	d.Details.SetText(shell.DetailsText(e.Details))
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// PrettyJSON indents a JSON document; anything else is returned as is.
func PrettyJSON(s string) string {
	if s == "" || s == "{}" {
		return "{}"
	}
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(s), "", "  "); err != nil {
		return s
	}
	return b.String()
}

// ActionText names an audit action in words (shell.ActionWord).
func ActionText(action string) string { return shell.ActionWord(action) }
