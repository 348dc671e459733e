package auditlog

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"legco.kz/compliance/ui/internal/uitest"
)

// TestVerifySaysWhyItIsDisabled: a head too short to check disables
// Verify, and the dialog says why at once (not only after leaving the
// field).
func TestVerifySaysWhyItIsDisabled(t *testing.T) {
	s, loop, win, _ := setup(t, nil)
	s.askVerify()
	loop.Settle(t)
	test.Type(s.ExpectHead, "#3 9f86d0")
	loop.Settle(t)
	if !s.ExpectHead.AlwaysShowValidationError || s.ExpectHead.Validate() == nil {
		t.Fatal("a 6-digit head is accepted or its error is hidden")
	}
	if b := uitest.ButtonIn(win.Canvas().Overlays().Top(), "Проверить"); b == nil || !b.Disabled() {
		t.Errorf("Verify is not disabled for a short head: %v", b)
	}
	// The form shows the validation error under the field.
	var shown []string
	uitest.Walk(win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if txt, ok := o.(*canvas.Text); ok && txt.Visible() {
			shown = append(shown, txt.Text)
		}
	})
	found := false
	for _, x := range shown {
		if strings.Contains(x, "16") {
			found = true
		}
	}
	if !found {
		t.Errorf("the dialog does not say why: %q", shown)
	}
}
