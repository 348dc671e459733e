package shell

import (
	"testing"
	"time"

	"legco.kz/compliance/ui/i18n"
)

// Dates are typed and shown in one format per UI language; an entry also
// takes the other common writing (pasted from a letter or a CSV).
func TestParseDateEveryLanguage(t *testing.T) {
	defer i18n.Load(i18n.Russian)
	day := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		lang, hint, shown, wantErr string
	}{
		{i18n.Russian, "ДД.ММ.ГГГГ", "05.03.2026", "Укажите дату в виде ДД.ММ.ГГГГ, например 15.03.2026."},
		{i18n.Kazakh, "КК.АА.ЖЖЖЖ", "05.03.2026", "Күнді КК.АА.ЖЖЖЖ түрінде жазыңыз, мысалы 15.03.2026."},
		{i18n.English, "YYYY-MM-DD", "2026-03-05", "Write the date as YYYY-MM-DD, for example 2026-03-15."},
	}
	for _, c := range cases {
		t.Run(c.lang, func(t *testing.T) {
			if _, err := i18n.Load(c.lang); err != nil {
				t.Fatal(err)
			}
			if got := DateHint(); got != c.hint {
				t.Errorf("DateHint = %q, want %q", got, c.hint)
			}
			if got := FormatDay(day); got != c.shown {
				t.Errorf("FormatDay = %q, want %q", got, c.shown)
			}
			for _, in := range []string{c.shown, " 05.03.2026 ", "5.3.2026", "2026-03-05", "2026-3-5"} {
				got, err := ParseDate(in)
				if err != nil || !got.Equal(day) {
					t.Errorf("ParseDate(%q) = %v, %v", in, got, err)
				}
			}
			for _, in := range []string{"5 марта", "31.02.2026", "2026/03/05", "", "03-05-2026"} {
				_, err := ParseDate(in)
				if err == nil || err.Error() != c.wantErr {
					t.Errorf("ParseDate(%q) error = %v, want %q", in, err, c.wantErr)
				}
			}
			if got, err := ParseOptionalDate("  "); err != nil || !got.IsZero() {
				t.Errorf("ParseOptionalDate(empty) = %v, %v", got, err)
			}
		})
	}
}
