package records

import (
	"context"
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

// ExportAct writes act as PDF to w (destructionact.Export: the first
// export's digest is kept, later ones checked against it) and closes w.
func ExportAct(ctx context.Context, ws *store.Workspace, w io.WriteCloser, act *store.DestructionAct) (again bool, err error) {
	_, again, err = exportAct(ctx, ws, act, w)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return again, err
}

// exportAct is destructionact.Export (a variable so tests can make it fail).
var exportAct = destructionact.Export

// ActFileName is the suggested file name of an act's PDF.
func ActFileName(act *store.DestructionAct) string { return destructionact.FileName(act) }
