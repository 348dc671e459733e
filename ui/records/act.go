package records

import (
	"io"

	"legco.kz/compliance/reports/destructionact"
	"legco.kz/compliance/store"
)

// renderAct writes a destruction act as PDF (a variable so that tests can
// make it fail).
var renderAct = destructionact.Render

// WriteAct writes act as PDF to w and closes w.
func WriteAct(w io.WriteCloser, act *store.DestructionAct) error {
	err := renderAct(w, act)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

// ActFileName is the suggested file name of an act's PDF.
func ActFileName(act *store.DestructionAct) string { return destructionact.FileName(act) }
