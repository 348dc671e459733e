package exportfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"
	"unicode/utf8"
)

// FuzzCSVReader: any bytes give rows, row errors or one fatal error, never
// a panic or an endless loop; accepted rows hold valid text.
func FuzzCSVReader(f *testing.F) {
	if b, err := os.ReadFile("testdata/users.csv"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("account_id,full_name\nLC-1,\"unterminated\nLC-2,x\n"))
	f.Add([]byte("account_id;full_name;iin\r\nLC-1;Әлия;870315348215\r\n;;\r\n"))
	f.Add([]byte("\ufeffaccount_id,full_name,extra\nLC-1,a\"b,c\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := NewUserReader(bytes.NewReader(b), "fuzz.csv", CSV)
		if err != nil {
			return
		}
		for i := 0; i < 100000; i++ {
			u, err := r.Next()
			if err == io.EOF {
				return
			}
			var re *RowError
			if errors.As(err, &re) {
				if re.Line < 1 {
					t.Fatalf("row error without a line: %v", re)
				}
				continue
			}
			if err != nil {
				return // fatal: the reader stops
			}
			for _, s := range []string{u.AccountID, u.FullName, u.IIN, u.Email, u.Phone, u.Address} {
				if !utf8.ValidString(s) {
					t.Fatalf("accepted invalid UTF-8 %q", s)
				}
			}
		}
		t.Fatal("the reader did not end")
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"1987-03-15", "2024-02-29", "2023-02-29", "0000-01-01", "1987-3-15", "９９９９-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, ok := parseDate(s); ok && d.Format("2006-01-02") != s {
			t.Fatalf("%q parsed as %s", s, d.Format("2006-01-02"))
		}
		if d, ok := parseTime(s); ok && d.IsZero() && s != "0001-01-01T00:00:00Z" {
			t.Fatalf("%q parsed as the zero time", s)
		}
	})
}
