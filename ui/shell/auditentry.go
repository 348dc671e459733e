package shell

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
)

// DetailsText writes an audit entry's details as labelled lines in the
// UI language («Поле: Телефон»), or "—" when there are none. Details that
// are not a JSON object are returned as they are.
func DetailsText(details string) string {
	fields := DetailFields(details)
	if fields == nil {
		if d := strings.TrimSpace(details); d != "" && d != "{}" {
			return d
		}
		return "—"
	}
	lines := make([]string, len(fields))
	for i, f := range fields {
		lines[i] = f.Label + ": " + f.Value
	}
	return strings.Join(lines, "\n")
}

// RawJSON indents a JSON document; anything else is returned as is.
func RawJSON(s string) string {
	if s == "" || s == "{}" {
		return "{}"
	}
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(s), "", "  "); err != nil {
		return s
	}
	return b.String()
}

// ShowAuditEntry opens one audit entry in a dialog: words and labelled
// fields, with the codes and the raw JSON behind a "Show raw" toggle.
// Screens use it where a row shows an entry cut to a line (a user's
// History tab).
func ShowAuditEntry(env *Env, e store.AuditEntry) {
	wrap := func(s string) *widget.Label {
		l := widget.NewLabel(s)
		l.Wrapping = fyne.TextWrapWord
		l.Selectable = true
		return l
	}
	action := wrap(ActionWord(e.Action))
	details := wrap(DetailsText(e.Details))
	raw := widget.NewLabel(fmt.Sprintf("action: %s\nobject: %s\nreason: %s\ndetails: %s\nhash: %s", e.Action, e.Object, e.Reason, RawJSON(e.Details), e.Hash))
	raw.TextStyle = fyne.TextStyle{Monospace: true}
	raw.Wrapping = fyne.TextWrapBreak
	raw.Selectable = true
	raw.Hide()
	toggle := widget.NewCheck(lang.L("Show raw (codes and JSON)"), func(on bool) {
		if on {
			raw.Show()
		} else {
			raw.Hide()
		}
	})
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Entry"), wrap(fmt.Sprintf("#%d", e.Seq))),
		widget.NewFormItem(lang.L("Time"), wrap(FormatTimeSeconds(env, e.At))),
		widget.NewFormItem(lang.L("Staff member"), wrap(e.Staff+" · "+RoleName(e.Role))),
		widget.NewFormItem(lang.L("Action"), action),
		widget.NewFormItem(lang.L("Object"), wrap(e.Object)),
		widget.NewFormItem(lang.L("Reason"), wrap(SystemReason(e.Reason))),
		widget.NewFormItem(lang.L("Details"), details),
	)
	body := container.NewVBox(form, toggle, raw, MinWidth(560))
	d := dialog.NewCustom(lang.L("Audit entry #{{.Seq}}", map[string]any{"Seq": e.Seq}), lang.L("Close"),
		container.NewVScroll(body), env.Window)
	if c := env.Window.Canvas(); c != nil {
		s := c.Size()
		d.Resize(fyne.NewSize(min(s.Width-40, 720), min(s.Height-40, 560)))
	}
	d.Show()
}
