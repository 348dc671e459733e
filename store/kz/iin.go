// Package kz validates and normalises Kazakhstan-specific identifiers and
// text: individual identification numbers (ИИН), business identification
// numbers (БИН), phone numbers, e-mail addresses and search folding of
// Russian and Kazakh text.
//
// The package is pure Go (standard library and golang.org/x/text) and safe
// for concurrent use.
package kz

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel reasons, comparable with errors.Is.
var (
	ErrLength     = errors.New("must be exactly 12 digits")
	ErrNonDigit   = errors.New("must contain only digits 0-9")
	ErrDate       = errors.New("date part is not a valid date")
	ErrCentury    = errors.New("7th digit (century and sex) must be 1-6")
	ErrEntityType = errors.New("5th digit (entity type) must be 4, 5 or 6")
	ErrCheckDigit = errors.New("check digit does not match")
)

// idErr wraps a sentinel so that errors.Is works and the message reads well.
type idErr struct {
	err  error
	info string
}

func (e *idErr) Error() string {
	if e.info != "" {
		return e.err.Error() + " (" + e.info + ")"
	}
	return e.err.Error()
}
func (e *idErr) Unwrap() error { return e.err }

var (
	weights1 = [11]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	weights2 = [11]int{3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2}
)

// checkDigit computes the control digit of the first 11 digits d[0..10]
// (values 0-9). ok is false when both passes give 10, in which case no
// number with this prefix is valid.
func checkDigit(d *[12]int) (c int, ok bool) {
	s := 0
	for i, w := range weights1 {
		s += d[i] * w
	}
	if c = s % 11; c != 10 {
		return c, true
	}
	s = 0
	for i, w := range weights2 {
		s += d[i] * w
	}
	if c = s % 11; c != 10 {
		return c, true
	}
	return 0, false
}

// digits converts a 12-character string into digit values.
func digits(s string) (d [12]int, err error) {
	if len(s) != 12 {
		n := 0
		for range s {
			n++
		}
		return d, &idErr{ErrLength, fmt.Sprintf("got %d characters", n)}
	}
	for i := 0; i < 12; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return d, &idErr{ErrNonDigit, fmt.Sprintf("position %d", i+1)}
		}
		d[i] = int(c - '0')
	}
	return d, nil
}

func verifyCheck(d *[12]int) error {
	c, ok := checkDigit(d)
	if !ok {
		return &idErr{ErrCheckDigit, "no valid check digit exists for this number"}
	}
	if c != d[11] {
		return &idErr{ErrCheckDigit, ""}
	}
	return nil
}

// ValidateIIN reports whether s is a syntactically valid individual
// identification number (ИИН): YYMMDD birth date, century/sex digit 1-6,
// four serial digits and a check digit. The returned error wraps one of
// ErrLength, ErrNonDigit, ErrDate, ErrCentury or ErrCheckDigit.
func ValidateIIN(s string) error {
	d, err := digits(s)
	if err != nil {
		return err
	}
	if d[6] < 1 || d[6] > 6 {
		return &idErr{ErrCentury, fmt.Sprintf("got %d", d[6])}
	}
	if _, ok := iinDate(&d); !ok {
		return &idErr{ErrDate, "YYMMDD " + s[:6]}
	}
	return verifyCheck(&d)
}

func iinDate(d *[12]int) (time.Time, bool) {
	year := 1800 + 100*((d[6]-1)/2) + d[0]*10 + d[1]
	month := d[2]*10 + d[3]
	day := d[4]*10 + d[5]
	return makeDate(year, month, day)
}

func makeDate(year, month, day int) (time.Time, bool) {
	if month < 1 || month > 12 || day < 1 || day > 31 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day { // e.g. 31 April or 29 February in a common year
		return time.Time{}, false
	}
	return t, true
}

// IINBirthDate returns the birth date (UTC midnight) encoded in a valid IIN.
// ok is false if iin is not valid.
func IINBirthDate(iin string) (time.Time, bool) {
	if ValidateIIN(iin) != nil {
		return time.Time{}, false
	}
	d, _ := digits(iin)
	return iinDate(&d)
}

// IINMale reports the sex encoded in a valid IIN (odd century digit = male).
// ok is false if iin is not valid.
func IINMale(iin string) (male, ok bool) {
	if ValidateIIN(iin) != nil {
		return false, false
	}
	return (iin[6]-'0')%2 == 1, true
}

// MakeIIN builds a valid IIN for the given birth date, sex and serial
// number (0-9999). ok is false if the birth year is outside 1800-2099, the
// serial is out of range, or no check digit exists for this combination
// (about 1 serial in 121); callers then try another serial.
func MakeIIN(birth time.Time, male bool, serial int) (string, bool) {
	y := birth.Year()
	if y < 1800 || y > 2099 || serial < 0 || serial > 9999 {
		return "", false
	}
	c := 1 + 2*((y-1800)/100)
	if !male {
		c++
	}
	var d [12]int
	yy, mm, dd := y%100, int(birth.Month()), birth.Day()
	d[0], d[1] = yy/10, yy%10
	d[2], d[3] = mm/10, mm%10
	d[4], d[5] = dd/10, dd%10
	d[6] = c
	d[7], d[8], d[9], d[10] = serial/1000, serial/100%10, serial/10%10, serial%10
	return finish(&d)
}

func finish(d *[12]int) (string, bool) {
	c, ok := checkDigit(d)
	if !ok {
		return "", false
	}
	d[11] = c
	var b [12]byte
	for i, v := range d {
		b[i] = byte('0' + v)
	}
	return string(b[:]), true
}

// ValidateBIN reports whether s is a syntactically valid business
// identification number (БИН): YYMM of registration, entity type digit 4-6
// (4 resident legal entity, 5 non-resident legal entity, 6 individual
// entrepreneur in the form of joint entrepreneurship), an attribute digit,
// five serial digits and a check digit computed like the IIN's.
func ValidateBIN(s string) error {
	d, err := digits(s)
	if err != nil {
		return err
	}
	if m := d[2]*10 + d[3]; m < 1 || m > 12 {
		return &idErr{ErrDate, "month " + s[2:4]}
	}
	if d[4] < 4 || d[4] > 6 {
		return &idErr{ErrEntityType, fmt.Sprintf("got %d", d[4])}
	}
	return verifyCheck(&d)
}

// MakeBIN builds a valid BIN for an entity registered in the given month.
// entityType must be 4-6, attribute 0-9 (0 head office, 1 branch,
// 2 representative office, ...) and serial 0-99999. Only the last two
// digits of the year are encoded. ok is false for out-of-range arguments
// or when no check digit exists (callers then try another serial).
func MakeBIN(registered time.Time, entityType, attribute, serial int) (string, bool) {
	if entityType < 4 || entityType > 6 || attribute < 0 || attribute > 9 || serial < 0 || serial > 99999 {
		return "", false
	}
	var d [12]int
	yy, mm := registered.Year()%100, int(registered.Month())
	if yy < 0 {
		return "", false
	}
	d[0], d[1] = yy/10, yy%10
	d[2], d[3] = mm/10, mm%10
	d[4], d[5] = entityType, attribute
	for i, s := 10, serial; i >= 6; i-- {
		d[i] = s % 10
		s /= 10
	}
	return finish(&d)
}
