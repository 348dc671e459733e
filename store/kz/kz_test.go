package kz

import (
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func mustIIN(t *testing.T, birth time.Time, male bool) string {
	t.Helper()
	for s := 0; s < 10000; s++ {
		if iin, ok := MakeIIN(birth, male, s); ok {
			return iin
		}
	}
	t.Fatalf("no IIN for %v", birth)
	return ""
}

func TestMakeIINValid(t *testing.T) {
	tests := []struct {
		birth   time.Time
		male    bool
		century byte
	}{
		{date(1899, 12, 31), true, '1'},
		{date(1850, 1, 1), false, '2'},
		{date(1987, 3, 15), true, '3'},
		{date(1990, 2, 28), false, '4'},
		{date(2000, 2, 29), true, '5'},
		{date(2005, 11, 30), false, '6'},
	}
	for _, tt := range tests {
		iin := mustIIN(t, tt.birth, tt.male)
		if err := ValidateIIN(iin); err != nil {
			t.Errorf("MakeIIN(%v) = %s: %v", tt.birth, iin, err)
		}
		if iin[6] != tt.century {
			t.Errorf("%s: century digit %c, want %c", iin, iin[6], tt.century)
		}
		if got, ok := IINBirthDate(iin); !ok || !got.Equal(tt.birth) {
			t.Errorf("IINBirthDate(%s) = %v, %v; want %v", iin, got, ok, tt.birth)
		}
		if male, ok := IINMale(iin); !ok || male != tt.male {
			t.Errorf("IINMale(%s) = %v, %v", iin, male, ok)
		}
	}
}

// TestMakeIINAllSerials checks every serial for a date: each result is
// valid, and rejected serials are exactly those without a check digit.
func TestMakeIINAllSerials(t *testing.T) {
	birth := date(1975, 6, 1)
	valid := 0
	for s := 0; s < 10000; s++ {
		iin, ok := MakeIIN(birth, false, s)
		if !ok {
			continue
		}
		valid++
		if err := ValidateIIN(iin); err != nil {
			t.Fatalf("serial %d: %s: %v", s, iin, err)
		}
		// Every other check digit must be rejected.
		for c := byte('0'); c <= '9'; c++ {
			if c == iin[11] {
				continue
			}
			bad := iin[:11] + string(c)
			if err := ValidateIIN(bad); !errors.Is(err, ErrCheckDigit) {
				t.Fatalf("%s: got %v, want ErrCheckDigit", bad, err)
			}
		}
	}
	if valid < 9800 || valid == 10000 {
		t.Errorf("valid serials = %d, want about 9917", valid)
	}
}

func TestKnownIINs(t *testing.T) {
	// Hand-checked examples: 870315 3 0001 → weights 1..11:
	// 8+14+0+12+5+30+21+0+0+0+11 = 101, 101 mod 11 = 2.
	if err := ValidateIIN("870315300012"); err != nil {
		t.Errorf("870315300012: %v", err)
	}
	// Second pass example: prefix whose first pass yields 10.
	for s := 0; s < 10000; s++ {
		var d [12]int
		iin, ok := MakeIIN(date(1964, 8, 9), true, s)
		if !ok {
			continue
		}
		for i := range 11 {
			d[i] = int(iin[i] - '0')
		}
		sum := 0
		for i := range 11 {
			sum += d[i] * (i + 1)
		}
		if sum%11 == 10 {
			sum2 := 0
			for i, w := range []int{3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2} {
				sum2 += d[i] * w
			}
			if want := byte('0' + sum2%11); iin[11] != want {
				t.Fatalf("%s: second-pass check digit %c, want %c", iin, iin[11], want)
			}
			return
		}
	}
	t.Fatal("no second-pass example found")
}

func TestValidateIINErrors(t *testing.T) {
	good := mustIIN(t, date(1987, 3, 15), true)
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrLength},
		{good[:11], ErrLength},
		{good + "0", ErrLength},
		{"87031530001Х", ErrLength}, // Cyrillic Х is two bytes
		{"8703153000a2", ErrNonDigit},
		{" 87031530001", ErrNonDigit},
		{"870315000012", ErrCentury},
		{"870315700012", ErrCentury},
		{"871315300012", ErrDate},
		{"870230300012", ErrDate},
		{"870431300012", ErrDate},
		{"870229300012", ErrDate}, // 1987 is not a leap year
		{"870315300013", ErrCheckDigit},
		// Position 10 has weight 10 in the first pass. (Position 11 has
		// weight 11 ≡ 0, so changing it alone is not always detected.)
		{good[:9] + string('0'+(good[9]-'0'+1)%10) + good[10:], ErrCheckDigit},
	}
	for _, tt := range tests {
		err := ValidateIIN(tt.in)
		if !errors.Is(err, tt.want) {
			t.Errorf("ValidateIIN(%q) = %v, want %v", tt.in, err, tt.want)
		}
		if _, ok := IINBirthDate(tt.in); ok {
			t.Errorf("IINBirthDate(%q) ok for invalid IIN", tt.in)
		}
	}
	if err := ValidateIIN("870315300013"); err == nil || err.Error() != "check digit does not match" {
		t.Errorf("message = %v", err)
	}
}

func TestMakeIINRange(t *testing.T) {
	tests := []struct {
		birth  time.Time
		serial int
	}{
		{date(1799, 12, 31), 1},
		{date(2100, 1, 1), 1},
		{date(1990, 1, 1), -1},
		{date(1990, 1, 1), 10000},
	}
	for _, tt := range tests {
		if iin, ok := MakeIIN(tt.birth, true, tt.serial); ok {
			t.Errorf("MakeIIN(%v, %d) = %s, want failure", tt.birth, tt.serial, iin)
		}
	}
}

func TestBIN(t *testing.T) {
	reg := time.Date(2015, 7, 20, 0, 0, 0, 0, time.UTC)
	n := 0
	for _, typ := range []int{4, 5, 6} {
		for _, attr := range []int{0, 1, 2} {
			for s := 0; s < 500; s++ {
				bin, ok := MakeBIN(reg, typ, attr, s)
				if !ok {
					continue
				}
				n++
				if err := ValidateBIN(bin); err != nil {
					t.Fatalf("MakeBIN = %s: %v", bin, err)
				}
				if !strings.HasPrefix(bin, "1507") || bin[4] != byte('0'+typ) || bin[5] != byte('0'+attr) {
					t.Fatalf("MakeBIN = %s: wrong prefix", bin)
				}
				bad := bin[:11] + string('0'+(bin[11]-'0'+1)%10)
				if err := ValidateBIN(bad); !errors.Is(err, ErrCheckDigit) {
					t.Fatalf("ValidateBIN(%s) = %v", bad, err)
				}
			}
		}
	}
	if n < 4400 {
		t.Errorf("only %d BINs", n)
	}
	good, _ := MakeBIN(reg, 4, 0, 1234)
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrLength},
		{good[:11], ErrLength},
		{"15074O012345", ErrNonDigit},
		{"151340012345", ErrDate},
		{"150040012345", ErrDate},
		{"150730012345", ErrEntityType},
		{"150770012345", ErrEntityType},
	}
	for _, tt := range tests {
		if err := ValidateBIN(tt.in); !errors.Is(err, tt.want) {
			t.Errorf("ValidateBIN(%q) = %v, want %v", tt.in, err, tt.want)
		}
	}
	for _, args := range [][3]int{{3, 0, 1}, {7, 0, 1}, {4, -1, 1}, {4, 10, 1}, {4, 0, -1}, {4, 0, 100000}} {
		if b, ok := MakeBIN(reg, args[0], args[1], args[2]); ok {
			t.Errorf("MakeBIN(%v) = %s, want failure", args, b)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  error
	}{
		{"8 701 123 45 67", "+77011234567", nil},
		{"+7 (701) 123-45-67", "+77011234567", nil},
		{"87011234567", "+77011234567", nil},
		{"7011234567", "+77011234567", nil},
		{"+7 701 1234567", "+77011234567", nil},
		{"77011234567", "+77011234567", nil},
		{"+77011234567", "+77011234567", nil},
		{"8.701.123.45.67", "+77011234567", nil},
		{"8(701)1234567", "+77011234567", nil},
		{"  8 (7172) 55-44-33 ", "+77172554433", nil},
		{"007 747 123 45 67", "+77471234567", nil},
		{"8\u00a0777\u00a0000\u00a000\u00a000", "+77770000000", nil},
		{"+7 701 123–45–67", "+77011234567", nil}, // en dashes
		{"+7 916 123 45 67", "+79161234567", nil}, // shared +7 zone
		{"", "", ErrPhoneEmpty},
		{"   ", "", ErrPhoneEmpty},
		{"+", "", ErrPhoneLength},
		{"+998 90 123 45 67", "", ErrPhoneCountry},
		{"+996 555 123 456", "", ErrPhoneCountry},
		{"+1 202 555 0100", "", ErrPhoneCountry},
		{"00998901234567", "", ErrPhoneCountry},
		{"+7 701 123 45 6", "", ErrPhoneLength},
		{"+7 701 123 45 678", "", ErrPhoneLength},
		{"8 701 123 45", "", ErrPhoneLength},
		{"870112345", "", ErrPhoneLength},
		{"8701123456", "", ErrPhoneLength},
		{"97011234567", "", ErrPhoneNumber},
		{"+7 001 123 45 67", "", ErrPhoneNumber},
		{"8 701 123 45 67 доб. 5", "", ErrPhoneChar},
		{"+7 701 123 45 67 ext 5", "", ErrPhoneChar},
		{"7+7011234567", "", ErrPhoneChar},
		{"tel:+77011234567", "", ErrPhoneChar},
	}
	for _, tt := range tests {
		got, err := NormalizePhone(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestPhoneSearchKey(t *testing.T) {
	const stored = "+77011234567"
	tests := []struct {
		in    string
		want  string
		match bool
	}{
		{"8 701 12", "770112", true},
		{"+7 701", "7701", true},
		{"+7 (701) 123-45-67", "77011234567", true},
		{"87011234567", "77011234567", true},
		{"8701", "7701", true},
		{"8(701", "7701", true},
		{"007 701", "7701", true},
		{"701 12", "70112", true},
		{"123-45", "12345", true},
		{"45 67", "4567", true},
		{"4567", "4567", true},
		{"7011234567", "7011234567", true},
		{"8", "8", false},
		{"87", "87", false},
		{"+7 702", "7702", false},
		{"", "", false},
		{"Нұрлан", "", false},
		{"701a", "", false},
	}
	for _, tt := range tests {
		got := PhoneSearchKey(tt.in)
		if got != tt.want {
			t.Errorf("PhoneSearchKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if m := got != "" && strings.Contains(stored, got); m != tt.match {
			t.Errorf("PhoneSearchKey(%q) = %q matches %s: %v, want %v", tt.in, got, stored, m, tt.match)
		}
	}
}

func TestEmail(t *testing.T) {
	long := strings.Repeat("a", 64)
	tests := []struct {
		in   string
		norm string // "" = invalid
	}{
		{"nurlan.alibekov@mail.ru", "nurlan.alibekov@mail.ru"},
		{"Aigul_K+legco@Gmail.COM", "Aigul_K+legco@gmail.com"},
		{"  a.fedorov@yandex.kz ", "a.fedorov@yandex.kz"},
		{"x@inbox.kz", "x@inbox.kz"},
		{"user@sub.domain-1.kz", "user@sub.domain-1.kz"},
		{"info@ПОЧТА.ҚАЗ", "info@почта.қаз"},
		{long + "@mail.ru", long + "@mail.ru"},
		{long + "a@mail.ru", ""},
		{"a@" + strings.Repeat("b", 250) + ".kz", ""},
		{"", ""},
		{"plainaddress", ""},
		{"@mail.ru", ""},
		{"user@", ""},
		{"user@localhost", ""},
		{"user@@mail.ru", ""},
		{"a@b@mail.ru", ""},
		{"user name@mail.ru", ""},
		{"user@mail .ru", ""},
		{"user@mail..ru", ""},
		{"user@.mail.ru", ""},
		{"user@mail.ru.", ""},
		{"user@-mail.ru", ""},
		{"user@mail_ru.kz", ""},
		{"user@1.2.3.4", ""},
		{"user@[1.2.3.4]", ""},
		{"Нұрлан <n@mail.ru>", ""},
		{"<n@mail.ru>", ""},
		{"user.@mail.ru", ""},
		{".user@mail.ru", ""},
		{"us..er@mail.ru", ""},
		{"user@mail.ru\n", "user@mail.ru"},
		{"us\ter@mail.ru", ""},
	}
	for _, tt := range tests {
		got, err := NormalizeEmail(tt.in)
		if got != tt.norm || (err == nil) != (tt.norm != "") {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.norm)
		}
		if err != nil && !errors.Is(err, ErrEmail) {
			t.Errorf("NormalizeEmail(%q): error %v does not wrap ErrEmail", tt.in, err)
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"  Иванов   Иван  ", "иванов иван"},
		{"ФЁДОРОВ Алёна", "федоров алена"},
		{"Ёлкин", "елкин"},
		{"Фе\u0308доров", "федоров"}, // decomposed ё
		{"И\u0306ошкар", "йошкар"},   // decomposed Й stays й
		{"Йогурт", "йогурт"},
		{"ӘЛІБЕКОВ Нұрлан Құрманғазыұлы", "әлібеков нұрлан құрманғазыұлы"},
		{"ӘҒҚҢӨҰҮҺІ", "әғқңөұүһі"},
		{"әғқңөұүһі", "әғқңөұүһі"},
		{"Өмірзақ\tҰЛЖАН\nҮмітқызы", "өмірзақ ұлжан үмітқызы"},
		{"Іңкәр Шәһизада", "іңкәр шәһизада"},
		{"ТОО «Алтын\u00a0Сапа»", "тоо «алтын сапа»"},
		{"LegCo USER", "legco user"},
		{"Straße", "straße"},
	}
	for _, tt := range tests {
		got := Fold(tt.in)
		if got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again := Fold(got); again != got {
			t.Errorf("Fold not idempotent on %q: %q", got, again)
		}
	}
	// Kazakh letters must not collapse into their Russian look-alikes.
	distinct := [][2]string{{"ә", "а"}, {"ғ", "г"}, {"қ", "к"}, {"ң", "н"}, {"ө", "о"}, {"ұ", "у"}, {"ү", "у"}, {"ұ", "ү"}, {"һ", "х"}, {"і", "и"}, {"й", "и"}, {"ё", "ә"}}
	for _, p := range distinct {
		if Fold(p[0]) == Fold(p[1]) {
			t.Errorf("Fold(%q) == Fold(%q)", p[0], p[1])
		}
	}
}

func TestNFC(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Фе\u0308доров", "Фёдоров"},
		{"Фёдоров", "Фёдоров"},
		{"И\u0306", "Й"},
		{"abc", "abc"},
	}
	for _, tt := range tests {
		if got := NFC(tt.in); got != tt.want {
			t.Errorf("NFC(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkValidateIIN(b *testing.B) {
	iin, _ := MakeIIN(date(1987, 3, 15), true, 1)
	for b.Loop() {
		_ = ValidateIIN(iin)
	}
}

func BenchmarkFold(b *testing.B) {
	s := "  ӘЛІБЕКОВ Нұрлан   Фёдорович "
	for b.Loop() {
		_ = Fold(s)
	}
}

// TestSimpleNFCRanges verifies the claim behind the simpleNFC fast path
// against the Unicode tables of golang.org/x/text.
func TestSimpleNFCRanges(t *testing.T) {
	var set []rune
	for r := rune(1); r < 0x300; r++ {
		set = append(set, r)
	}
	for r := rune(0x400); r < 0x530; r++ {
		set = append(set, r)
	}
	ccc := map[uint8]bool{}
	for _, r := range set {
		s := string(r)
		if !simpleNFC(s) {
			t.Fatalf("simpleNFC(%U) = false", r)
		}
		if !norm.NFC.IsNormalString(s) {
			t.Fatalf("%U is not NFC", r)
		}
		if c := norm.NFC.PropertiesString(s).CCC(); c != 0 {
			ccc[c] = true
		}
		if f := Fold(s); f != norm.NFC.String(f) || Fold(f) != f {
			t.Fatalf("Fold(%U) = %q is not NFC or not idempotent", r, f)
		}
	}
	if len(ccc) > 1 {
		t.Fatalf("non-starters with different combining classes: %v", ccc)
	}
	for _, a := range set {
		for _, b := range set {
			s := string([]rune{a, b})
			if !norm.NFC.IsNormalString(s) {
				t.Fatalf("%U %U is not NFC", a, b)
			}
		}
	}
	for _, r := range []rune{0x300, 0x308, 0x3FF, 0x530, 0x1E00, 0x2000, 0x212B, 0xAC00} {
		if simpleNFC(string(r)) {
			t.Errorf("simpleNFC(%U) = true", r)
		}
	}
	for _, s := range []string{"\xd0", "\xd0a", "a\xcb"} {
		if simpleNFC(s) {
			t.Errorf("simpleNFC(%q) = true", s)
		}
	}
}
