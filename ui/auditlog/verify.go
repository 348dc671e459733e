package auditlog

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

var hexRun = regexp.MustCompile(`[0-9a-fA-F]{16,64}`)

// ParseExpectedHead extracts the hash (or its first 16+ hex digits) from
// what a person pastes: "#123 9f86d08…", a bare hash, or "".
func ParseExpectedHead(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	m := hexRun.FindAllString(s, -1)
	if len(m) == 0 {
		return "", errors.New(lang.L("Enter at least the first 16 hex digits of the head's hash, or leave it empty."))
	}
	best := m[0]
	for _, x := range m {
		if len(x) > len(best) {
			best = x
		}
	}
	return strings.ToLower(best), nil
}

func (s *Screen) askVerify() {
	expect := widget.NewEntry()
	expect.SetPlaceHolder(lang.L("#123 9f86d081884c7d65… (optional)"))
	expect.Validator = func(v string) error { _, err := ParseExpectedHead(v); return err }
	// Say at once why Verify is disabled (a head too short to check).
	expect.AlwaysShowValidationError = true
	item := widget.NewFormItem(lang.L("Expected head"), expect)
	item.HintText = lang.L("At least the first 16 hex digits of the hash, or empty.")
	s.ExpectHead = expect
	s.env.ShowForm(shell.FormDialog{
		Title:   lang.L("Verify the audit chain"),
		Intro:   lang.L("Verification recomputes the hash of every entry from the first one on and reports the first entry that does not match. If you have an audit head printed on an earlier report, enter it: verification then also proves that no entry after it was removed."),
		Confirm: lang.L("Verify"),
		Items:   []*widget.FormItem{item},
		OnConfirm: func() {
			head, _ := ParseExpectedHead(expect.Text)
			s.Verify(head)
		},
	})
}

// Verify runs VerifyAudit behind a cancellable progress dialog and shows
// the result.
func (s *Screen) Verify(expectHead string) {
	var rep *store.VerifyReport
	s.env.RunWithProgress(shell.Task{
		Title:       lang.L("Verifying the audit chain"),
		Message:     lang.L("Recomputing the hash of every entry…"),
		Cancellable: true,
		Work: func(ctx context.Context, progress shell.Progress) error {
			var err error
			rep, err = s.env.WS.VerifyAudit(ctx, expectHead, progress)
			return err
		},
		Done: func(err error) {
			switch {
			case errors.Is(err, context.Canceled):
				s.env.Notify(lang.L("Verification cancelled."))
			case err != nil:
				s.env.ShowError(err)
			default:
				s.showReport(rep)
			}
		},
	})
}

// ReportText says what a verification found.
func ReportText(rep *store.VerifyReport) (title, text string) {
	if rep.Broken == nil {
		title = lang.L("Audit chain intact")
		text = lang.L("All {{.Entries}} entries verify. The head of the chain is entry #{{.Seq}}, hash:", map[string]any{"Entries": rep.Entries, "Seq": rep.Head.Seq}) +
			"\n" + rep.Head.Hash
	} else {
		title = lang.L("Audit chain BROKEN")
		text = lang.L("The chain breaks at entry #{{.Seq}}. The entries before it verify; this entry and every later one cannot be trusted. Keep the workspace file as evidence and tell the data protection officer.", map[string]any{"Seq": rep.Broken.Seq}) +
			"\n\n" + lang.L("Technical detail: {{.Reason}}", map[string]any{"Reason": rep.Broken.Reason})
	}
	if rep.Erased > 0 {
		text += "\n\n" + lang.L("Personal-data payloads erased by destruction acts: {{.Count}} (their digests still verify).", map[string]any{"Count": rep.Erased})
	}
	for _, w := range rep.Warnings {
		text += "\n\n" + lang.L("Warning: {{.Warning}}", map[string]any{"Warning": w})
	}
	return title, text
}

func (s *Screen) showReport(rep *store.VerifyReport) {
	title, text := ReportText(rep)
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	msg.Selectable = true
	content := container.NewVBox(msg, shell.MinWidth(520))
	if rep.Broken == nil {
		msg.Importance = widget.SuccessImportance
		s.env.Notify(lang.L("Audit chain intact: {{.Entries}} entries.", map[string]any{"Entries": rep.Entries}))
		dialog.ShowCustom(title, lang.L("OK"), content, s.env.Window)
		return
	}
	msg.Importance = widget.DangerImportance
	seq := rep.Broken.Seq
	dialog.ShowCustomConfirm(title, lang.L("Show the entry"), lang.L("Close"), content, func(show bool) {
		if show {
			s.Select(seq)
		}
	}, s.env.Window)
}
