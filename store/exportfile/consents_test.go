package exportfile

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestConsentWriterReaderRoundTrip(t *testing.T) {
	in := []Consent{
		{AccountID: "LC-1", Purpose: "policy", Event: "given", Edition: 3, Language: "kk", Channel: "web",
			Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("", 5*3600)), IP: "10.0.0.1", UserAgent: "Mozilla/5.0"},
		{AccountID: "LC-1", Purpose: "sms_third_party", Event: "withdrawn", Edition: 3, Language: "ru", Channel: "paper",
			Time: time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC), DocumentRef: "Заявление № 5;\nот 01.02.2026"},
	}
	for _, f := range []Format{CSV, JSONL} {
		var buf bytes.Buffer
		w := NewConsentWriter(&buf, f)
		for _, c := range in {
			if err := w.Write(c); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		r, err := NewConsentReader(&buf, "c", f)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; ; i++ {
			c, err := r.Next()
			if errors.Is(err, io.EOF) {
				if i != len(in) {
					t.Fatalf("%v: %d rows back", f, i)
				}
				break
			}
			if err != nil {
				t.Fatalf("%v: %v", f, err)
			}
			want := in[i]
			if c.AccountID != want.AccountID || c.Purpose != want.Purpose || c.Event != want.Event || c.Edition != want.Edition ||
				!c.Time.Equal(want.Time) || c.DocumentRef != want.DocumentRef || c.IP != want.IP || c.Channel != want.Channel {
				t.Errorf("%v row %d: %+v, want %+v", f, i, c, want)
			}
		}
	}
}

func TestConsentReaderRequiresContractColumns(t *testing.T) {
	_, err := NewConsentReader(strings.NewReader("account_id,purpose,event\n"), "c.csv", CSV)
	var he *HeaderError
	if !errors.As(err, &he) || he.Column != "edition" {
		t.Fatalf("err = %v", err)
	}
}
