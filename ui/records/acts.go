package records

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

// matchNote marks a search hit that matched another spelling.
func matchNote(k store.MatchKind) string {
	switch k {
	case store.MatchFolded:
		return "  · " + lang.L("similar spelling")
	case store.MatchTransliterated:
		return "  · " + lang.L("other alphabet")
	}
	return ""
}

// showDestroyed answers a search for a destroyed account id with its act.
func (s *Screen) showDestroyed(a *store.DestructionAct) {
	by := a.StaffDisplayName()
	if a.StaffPosition != "" {
		by += ", " + a.StaffPosition
	}
	s.Empty.SetText(lang.L("The personal data of account {{.Account}} were destroyed on {{.Date}} under act {{.Act}}, by {{.Staff}}. Only the act and the audit entries remain.",
		map[string]any{"Account": a.AccountID, "Date": a.At.In(s.env.WS.Location()).Format("02.01.2006 15:04"), "Act": a.Number, "Staff": by}))
	s.Empty.Show()
	s.ActAgain.Show()
}

// exportShownAct exports the act of the destroyed account searched for.
func (s *Screen) exportShownAct() {
	if a := s.win.destroyed; a != nil {
		saveActAs(s.env, a)
	}
}

// saveActAs asks where to save an act's PDF and writes it (the same
// bytes as its first export).
func saveActAs(env *shell.Env, act *store.DestructionAct) {
	fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			env.ShowError(err)
			return
		}
		if w == nil {
			return // cancelled
		}
		var again bool
		env.Run(func(ctx context.Context) error {
			var err error
			again, err = ExportAct(ctx, env.WS, w, act)
			return err
		}, func(err error) {
			if err != nil {
				env.ShowError(err)
				return
			}
			msg := lang.L("Destruction act {{.Act}} saved.", map[string]any{"Act": act.Number})
			if again {
				msg = lang.L("Destruction act {{.Act}} saved, identical to its first export.", map[string]any{"Act": act.Number})
			}
			env.Notify(msg)
		})
	}, env.Window)
	fd.SetFileName(ActFileName(act))
	fd.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
	shell.ShowFileDialog(fd, shell.SaveFile, env.Window)
}

// ShowActs shows the register of destruction acts, each exportable.
func (s *Screen) ShowActs() {
	var acts []store.DestructionAct
	s.env.Run(func(ctx context.Context) error {
		var err error
		acts, err = s.env.WS.DestructionActs(ctx)
		return err
	}, func(err error) {
		if err != nil {
			s.env.ShowError(err)
			return
		}
		s.showActs(acts)
	})
}

func (s *Screen) showActs(acts []store.DestructionAct) {
	loc := s.env.WS.Location()
	var dlg dialog.Dialog
	list := widget.NewList(func() int { return len(acts) },
		func() fyne.CanvasObject { return widget.NewLabel("DA-0000-000000 · 00.00.0000 00:00 · name") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			a := acts[len(acts)-1-i] // newest first
			text := fmt.Sprintf("%s · %s · %s · %s", a.Number, a.At.In(loc).Format("02.01.2006 15:04"), a.StaffDisplayName(), a.Reason)
			if a.RequestID != "" {
				text += " · " + a.RequestID
			}
			o.(*widget.Label).SetText(text)
		})
	list.OnSelected = func(i widget.ListItemID) {
		list.UnselectAll()
		number := acts[len(acts)-1-i].Number
		var act *store.DestructionAct
		s.env.Run(func(ctx context.Context) error {
			var err error
			act, err = s.env.WS.DestructionActFor(ctx, number)
			return err
		}, func(err error) {
			if err != nil {
				s.env.ShowError(err)
				return
			}
			saveActAs(s.env, act)
		})
	}
	var body fyne.CanvasObject = list
	if len(acts) == 0 {
		body = widget.NewLabel(lang.L("No data have been destroyed in this workspace."))
	}
	hint := widget.NewLabel(lang.L("Choose an act to export it again (PDF, the same bytes as its first export). The register as CSV: `register destructions`."))
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	content := container.NewBorder(hint, nil, nil, nil, body)
	dlg = dialog.NewCustom(lang.L("Destruction acts ({{.Count}})", map[string]any{"Count": len(acts)}), lang.L("Close"), content, s.env.Window)
	dlg.Resize(fyne.NewSize(820, 520))
	dlg.Show()
}
