package kz

import (
	"testing"
	"unicode/utf8"
)

// Fuzz targets for the field validators (issue #9). `make fuzz` runs each
// for FUZZTIME; `make test` for a few seconds; seeds are below and in
// testdata/fuzz.

func FuzzValidateIIN(f *testing.F) {
	for _, s := range []string{"870315348215", "000000000000", "87031534821", "8703153482150", "87 0315 348215", "991231999999", "٨٧٠٣١٥٣٤٨٢١٥"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidateIIN(s) != nil {
			return
		}
		if len(s) != 12 {
			t.Fatalf("accepted %q (%d bytes)", s, len(s))
		}
		if _, ok := IINBirthDate(s); !ok {
			t.Fatalf("accepted %q without a birth date", s)
		}
		if _, ok := IINMale(s); !ok {
			t.Fatalf("accepted %q without a sex digit", s)
		}
	})
}

func FuzzValidateBIN(f *testing.F) {
	for _, s := range []string{"180340021791", "000000000000", "1803400217", "18034002179X"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidateBIN(s) == nil && len(s) != 12 {
			t.Fatalf("accepted %q", s)
		}
	})
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"8 701 123 45 67", "+7 (701) 123-45-67", "77011234567", "+1 202 555 0100", "", "++", "８７０１１２３４５６７"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := NormalizePhone(s)
		if err != nil {
			return
		}
		if !utf8.ValidString(n) {
			t.Fatalf("%q → invalid UTF-8 %q", s, n)
		}
		again, err := NormalizePhone(n)
		if err != nil || again != n {
			t.Fatalf("not idempotent: %q → %q → %q, %v", s, n, again, err)
		}
	})
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"Nurlan.Alibekov@Mail.RU", "a@b", "айгүл@пример.қаз", "a@@b.kz", " x@y.kz ", "\"q\"@x.kz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := NormalizeEmail(s)
		if err != nil {
			return
		}
		if ValidateEmail(n) != nil {
			t.Fatalf("%q → %q, which does not validate", s, n)
		}
		again, err := NormalizeEmail(n)
		if err != nil || again != n {
			t.Fatalf("not idempotent: %q → %q → %q, %v", s, n, again, err)
		}
	})
}
