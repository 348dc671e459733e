package records

import (
	"io"

	"fyne.io/fyne/v2/lang"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

// renderAct writes a destruction act as PDF.
//
// TODO: set it to destructionact.Render (package
// legco.kz/compliance/reports/destructionact) once that package is in the
// tree; until then saving an act says it is not available.
var renderAct func(w io.Writer, act *store.DestructionAct) error

// ActPDFAvailable reports whether this build can write destruction acts
// as PDF.
func ActPDFAvailable() bool { return renderAct != nil }

// WriteAct writes act as PDF to w and closes w.
func WriteAct(w io.WriteCloser, act *store.DestructionAct) error {
	if renderAct == nil {
		w.Close()
		return errNoActPDF(act)
	}
	err := renderAct(w, act)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

func errNoActPDF(act *store.DestructionAct) error {
	return shell.UserError(lang.L("This build cannot write destruction acts as PDF yet. Act {{.Act}} is recorded in the workspace and in the audit log; print it later from there.",
		map[string]any{"Act": act.Number}))
}
