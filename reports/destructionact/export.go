package destructionact

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"legco.kz/compliance/store"
)

// Export renders act to out, the same bytes every time: the first
// export's SHA-256 is kept with the act (when the signed-in member may
// destroy data; otherwise it stays to be recorded), and a later export is
// checked against it, so "the same document" is a checked claim. again
// reports that the act had been exported before and this export is
// identical.
func Export(ctx context.Context, ws *store.Workspace, act *store.DestructionAct, out io.Writer) (sum string, again bool, err error) {
	var buf bytes.Buffer
	if err := Render(&buf, act); err != nil {
		return "", false, err
	}
	h := sha256.Sum256(buf.Bytes())
	sum = hex.EncodeToString(h[:])
	if act.PDFSHA256 != "" && act.PDFSHA256 != sum {
		return "", false, fmt.Errorf("act %s: this build renders it differently from its first export (SHA-256 %s, now %s); export it with the program version that made it",
			act.Number, act.PDFSHA256, sum)
	}
	if _, err := out.Write(buf.Bytes()); err != nil {
		return "", false, err
	}
	if act.PDFSHA256 == "" && ws.Can(store.PermRecordsDestroy) {
		if err := ws.RecordActExport(ctx, act.Number, sum); err != nil {
			var ve *store.ValidationError
			if !errors.As(err, &ve) { // an act older than kept acts: nothing to record
				return "", false, err
			}
		} else {
			act.PDFSHA256 = sum
		}
		return sum, false, nil
	}
	return sum, act.PDFSHA256 != "", nil
}
