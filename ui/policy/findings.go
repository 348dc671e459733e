package policy

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
	"legco.kz/compliance/store/policydoc"
	"legco.kz/compliance/ui/shell"
)

// check is the editor's full check: structure and parity, the glossary
// terms and the language lints, without findings accepted as wording.
func (ed *Editor) check(doc *policydoc.Document) []policydoc.Problem {
	ps := policydoc.CheckAll(doc, ed.lex)
	return policydoc.FilterAccepted(doc, ps, ed.accepted)
}

// loadLexicon reads the glossary in force and the accepted-wording marks
// off the UI goroutine, then checks again.
func (ed *Editor) loadLexicon() {
	if ed.env.WS == nil {
		return
	}
	var lx *policydoc.Lexicon
	var marks map[string]store.AcceptedFinding
	ed.env.Run(func(ctx context.Context) error {
		var err error
		if lx, err = ed.env.WS.PolicyLexicon(ctx); err != nil {
			return err
		}
		marks, err = ed.env.WS.AcceptedFindings(ctx)
		return err
	}, func(err error) {
		if err != nil {
			ed.env.ShowError(err)
			return
		}
		ed.lex = lx
		ed.accepted = map[string]bool{}
		for k := range marks {
			ed.accepted[k] = true
		}
		ed.problems = nil // force a fresh panel
		if ed.Edition != nil {
			ed.applyProblems(ed.check(ed.model.checkDoc()))
		}
		ed.Parity.setActions()
	})
}

// ApplySuggestion applies a finding's suggested correction. With no
// unsaved edits it is stored at once as a change of the draft (audited as
// «policy.fix»); with unsaved edits it joins them and is stored, with
// them, on save.
func (ed *Editor) ApplySuggestion(p policydoc.Problem) {
	if ed.Edition == nil || ed.ReadOnly || p.Fix == nil {
		return
	}
	if ed.Dirty() {
		doc := ed.model.checkDoc()
		if err := policydoc.ApplyFix(doc, p); err != nil {
			ed.env.ShowError(shell.UserError(lang.L("The text changed since the check; look at the clause again.")))
			return
		}
		li := 0
		if p.Lang == policydoc.KK {
			li = 1
		}
		ed.textChanged(p.Index, li, doc.Clauses[p.Index].Text(p.Lang).Markup())
		ed.List.RefreshItem(p.Index)
		ed.changed(true)
		ed.env.Notify(lang.L("Suggestion applied; it is saved with your other changes."))
		return
	}
	n := ed.Edition.Number
	var saved *store.Edition
	ed.env.Run(func(ctx context.Context) error {
		var err error
		saved, err = ed.env.WS.ApplyPolicyFix(ctx, n, p)
		return err
	}, func(err error) {
		if errors.Is(err, policydoc.ErrStaleFinding) {
			ed.env.ShowError(shell.UserError(lang.L("The text changed since the check; look at the clause again.")))
			return
		}
		if err != nil {
			ed.env.ShowError(translateStoreError(err))
			return
		}
		if ed.Edition != nil && ed.Edition.Number == n {
			ed.SetEdition(saved)
			ed.Reveal(p.Index)
		}
		ed.env.Notify(lang.L("Suggestion applied to edition № {{.N}} and recorded in the audit log.", map[string]any{"N": n}))
		ed.env.Changed()
	})
}

// AcceptFinding asks for a reason and marks the finding as accepted
// wording; the mark holds in later drafts while the clause's text stays
// the same.
func (ed *Editor) AcceptFinding(p policydoc.Problem) {
	if ed.Edition == nil || ed.ReadOnly {
		return
	}
	if ed.Dirty() {
		ed.env.ShowError(shell.UserError(lang.L("Save your changes first: a wording is accepted for the saved text of the clause.")))
		return
	}
	reason := widget.NewMultiLineEntry()
	reason.SetMinRowsVisible(2)
	reason.SetPlaceHolder(lang.L("e.g. the term is quoted from the user agreement"))
	reason.Validator = required(lang.L("Reason"))
	msg := widget.NewLabel(clauseName(p.Clause) + ": " + problemMessage(p))
	msg.Wrapping = fyne.TextWrapWord
	info := note(lang.L("The finding is no longer reported for this text of the clause, in this and later drafts. Any edit of the clause brings it back."))
	items := []*widget.FormItem{
		widget.NewFormItem("", container.NewVBox(msg, info, shell.MinWidth(480))),
		widget.NewFormItem(lang.L("Reason"), reason),
	}
	n := ed.Edition.Number
	dialog.ShowForm(lang.L("Accept as intended wording"), lang.L("Accept"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		why := strings.TrimSpace(reason.Text)
		doc := ed.model.checkDoc()
		key := policydoc.AcceptKey(doc, p)
		ed.env.Run(func(ctx context.Context) error {
			return ed.env.WS.AcceptPolicyFinding(ctx, n, p, why)
		}, func(err error) {
			if err != nil {
				ed.env.ShowError(translateStoreError(err))
				return
			}
			if ed.accepted == nil {
				ed.accepted = map[string]bool{}
			}
			ed.accepted[key] = true
			ed.applyProblems(ed.check(ed.model.checkDoc()))
			ed.env.Notify(lang.L("Marked as accepted wording."))
			ed.env.Changed()
		})
	}, ed.env.Window)
}
