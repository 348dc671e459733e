package auditlog

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

// ParseExpectedHead checks what a person pastes: "#123 9f86d08…" (entry
// number and at least 16 hex digits, as reports print it), a full hash,
// or "". It returns the text to verify against.
func ParseExpectedHead(s string) (string, error) {
	if _, err := store.ParseExpectedHead(s); err != nil {
		return "", errors.New(lang.L("Enter the head as a report prints it: the entry number and at least the first 16 hex digits of its hash (\"#123 9f86d081884c7d65…\"), or leave it empty."))
	}
	return strings.TrimSpace(s), nil
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
			// The whole check, as `audit verify` does: chain, pages,
			// b-trees and every sealed record against the log.
			rep, err = s.env.WS.Verify(ctx, store.VerifyOptions{ExpectHead: expectHead, Progress: func(_ string, done, total int64) {
				if total > 0 {
					progress(done, total)
				}
			}})
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
	if rep.Broken == nil && rep.Expect != nil {
		title = lang.L("Expected head NOT FOUND")
		if rep.Expect.Beyond {
			text = lang.L("The log has {{.Entries}} entries; entries were removed, or the head belongs to another workspace.", map[string]any{"Entries": rep.Entries})
		} else {
			text = lang.L("Entry #{{.Seq}} exists but its hash differs from the expected head: either the head was mistyped or belongs to another workspace, or the log was rewritten from that entry on.", map[string]any{"Seq": rep.Expect.Seq})
		}
		text += "\n\n" + lang.L("Technical detail: {{.Reason}}", map[string]any{"Reason": rep.Expect.Reason})
	} else if rep.Broken == nil {
		title = lang.L("Audit chain intact")
		text = lang.L("All {{.Entries}} entries verify. The head of the chain is entry #{{.Seq}}, hash:", map[string]any{"Entries": rep.Entries, "Seq": rep.Head.Seq}) +
			"\n" + rep.Head.Hash
	} else {
		title = lang.L("Audit chain BROKEN")
		text = lang.L("The chain breaks at entry #{{.Seq}}. The entries before it verify; this entry and every later one cannot be trusted. Keep the workspace file as evidence and tell the data protection officer.", map[string]any{"Seq": rep.Broken.Seq}) +
			"\n\n" + lang.L("Technical detail: {{.Reason}}", map[string]any{"Reason": rep.Broken.Reason})
	}
	if len(rep.Integrity) > 0 || rep.TamperedTotal > 0 {
		if rep.Broken == nil && rep.Expect == nil {
			title = lang.L("Tampering or damage found")
			text = ""
		} else {
			text += "\n\n"
		}
		text += lang.L("Records or pages of the workspace file do not agree with the audit log or fail their integrity checks: {{.Count}} findings. Keep the workspace file and its .keys file unchanged as evidence, restore both from a backup, and verify the restored copy.",
			map[string]any{"Count": int64(len(rep.Integrity)) + rep.TamperedTotal})
		n := 0
		for _, f := range rep.Integrity {
			if n < 10 {
				text += "\n• " + f.Check + ": " + f.Detail
			}
			n++
		}
		for _, t := range rep.Tampered {
			if n < 10 {
				text += "\n• " + t.String()
			}
			n++
		}
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
	if rep.OK() {
		msg.Importance = widget.SuccessImportance
		s.env.Notify(lang.L("Audit chain intact: {{.Entries}} entries.", map[string]any{"Entries": rep.Entries}))
		dialog.ShowCustom(title, lang.L("OK"), content, s.env.Window)
		return
	}
	msg.Importance = widget.DangerImportance
	// Offer to show only an entry that exists.
	var seq int64
	switch {
	case rep.Broken != nil && !rep.Broken.Missing:
		seq = rep.Broken.Seq
	case rep.Broken == nil && rep.Expect != nil && !rep.Expect.Beyond:
		seq = rep.Expect.Seq
	}
	if seq == 0 {
		dialog.ShowCustom(title, lang.L("Close"), content, s.env.Window)
		return
	}
	dialog.ShowCustomConfirm(title, lang.L("Show the entry"), lang.L("Close"), content, func(show bool) {
		if show {
			s.Select(seq)
		}
	}, s.env.Window)
}
