// Package workdays counts Kazakhstan working days (five-day week) for the
// deadlines of data-subject and disclosure requests. It is pure: a
// Calendar is parsed from text (the built-in assets/calendar file or a
// workspace's edited copy) and answers date questions; no SQL, no clock.
//
// Rules (Labour Code art. 85, Law «О праздниках в Республике
// Казахстан»): Saturdays and Sundays are days off; national and state
// holidays are days off, and one falling on a Saturday, Sunday or another
// day off moves its day off to the next working day; religious holidays
// (7 January, the first day of Kurban Ait) are days off that never move;
// the government's decrees add days off and make weekend days working —
// those are data in the calendar, not rules here.
package workdays

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"legco.kz/compliance/assets"
)

// Kind says why a day is off (or working against the weekday rule).
type Kind string

const (
	Weekend   Kind = "weekend"
	National  Kind = "national"  // national or state holiday
	Moved     Kind = "moved"     // day off moved from a holiday on a day off
	Religious Kind = "religious" // never moved
	DayOff    Kind = "dayoff"    // by government decree
	Workday   Kind = "workday"   // a weekend day made working by decree
)

// Entry is one line of the calendar.
type Entry struct {
	Kind Kind
	// Month and Day always; Year is 0 for an entry that recurs every year.
	Year  int
	Month time.Month
	Day   int
	Name  string
	Line  int
}

// Day is one day off (or decreed working day) worked out for a year.
type Day struct {
	Date time.Time // midnight UTC
	Kind Kind
	Name string
}

// Calendar answers working-day questions. It is immutable once parsed and
// safe for concurrent use.
type Calendar struct {
	First, Last int // years the calendar was checked for
	Entries     []Entry
	off         map[time.Time]Day // days off that are not plain weekends
	work        map[time.Time]Day // decreed working days
}

// ParseError names the file, line and field of a bad calendar line.
type ParseError struct {
	File   string
	Line   int
	Field  string
	Reason string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s line %d, %s: %s", e.File, e.Line, e.Field, e.Reason)
}

// computed years: wide enough for any request a workspace will hold.
const minYear, maxYear = 2000, 2100

// Parse reads a calendar in the format described in the built-in file's
// header. name is used in error messages.
func Parse(name string, r io.Reader) (*Calendar, error) {
	c := &Calendar{}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(norm.NFC.String(sc.Text()))
		if i := strings.Index(line, "#"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" {
			continue
		}
		fields := strings.Fields(line)
		bad := func(field, reason string) error {
			return &ParseError{File: name, Line: n, Field: field, Reason: reason}
		}
		kind := fields[0]
		if kind == "years" {
			if len(fields) != 3 {
				return nil, bad("years", "write «years FIRST LAST», e.g. «years 2025 2027»")
			}
			a, err1 := strconv.Atoi(fields[1])
			b, err2 := strconv.Atoi(fields[2])
			if err1 != nil || err2 != nil || a > b || a < minYear || b > maxYear {
				return nil, bad("years", fmt.Sprintf("%q %q are not two years in order between %d and %d", fields[1], fields[2], minYear, maxYear))
			}
			c.First, c.Last = a, b
			continue
		}
		if len(fields) < 2 {
			return nil, bad("date", "missing")
		}
		e := Entry{Kind: Kind(kind), Line: n, Name: strings.TrimSpace(strings.Join(fields[2:], " "))}
		switch e.Kind {
		case National, Religious, DayOff, Workday:
		default:
			return nil, bad("kind", fmt.Sprintf("%q is not years, national, religious, dayoff or workday", kind))
		}
		if t, err := time.Parse("2006-01-02", fields[1]); err == nil {
			e.Year, e.Month, e.Day = t.Year(), t.Month(), t.Day()
			if e.Year < minYear || e.Year > maxYear {
				return nil, bad("date", fmt.Sprintf("%s is outside %d–%d", fields[1], minYear, maxYear))
			}
		} else if t, err := time.Parse("01-02", fields[1]); err == nil && e.Kind != DayOff && e.Kind != Workday {
			e.Month, e.Day = t.Month(), t.Day()
		} else if e.Kind == DayOff || e.Kind == Workday {
			return nil, bad("date", fmt.Sprintf("%q: a decreed %s needs a full date YYYY-MM-DD", fields[1], kind))
		} else {
			return nil, bad("date", fmt.Sprintf("%q is not a date MM-DD or YYYY-MM-DD", fields[1]))
		}
		if e.Kind == Workday {
			if wd := time.Date(e.Year, e.Month, e.Day, 0, 0, 0, 0, time.UTC).Weekday(); wd != time.Saturday && wd != time.Sunday {
				return nil, bad("date", fmt.Sprintf("%s is a %s; only a Saturday or Sunday can be made a working day", fields[1], wd))
			}
		}
		if e.Name == "" {
			return nil, bad("name", "missing (say which holiday or decree)")
		}
		c.Entries = append(c.Entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if c.First == 0 {
		return nil, &ParseError{File: name, Line: n, Field: "years", Reason: "the calendar has no «years FIRST LAST» line"}
	}
	c.build()
	return c, nil
}

// MustParse is Parse for the built-in calendar and tests.
func MustParse(name, text string) *Calendar {
	c, err := Parse(name, strings.NewReader(text))
	if err != nil {
		panic(err)
	}
	return c
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func weekend(t time.Time) bool { return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday }

func (c *Calendar) build() {
	c.off = map[time.Time]Day{}
	c.work = map[time.Time]Day{}
	for y := minYear; y <= maxYear; y++ {
		var national []Day
		for _, e := range c.Entries {
			if e.Year != 0 && e.Year != y {
				continue
			}
			d := Day{Date: date(y, e.Month, e.Day), Kind: e.Kind, Name: e.Name}
			switch e.Kind {
			case National:
				national = append(national, d)
				c.off[d.Date] = d
			case Religious, DayOff:
				if _, ok := c.off[d.Date]; !ok {
					c.off[d.Date] = d
				}
			case Workday:
				c.work[d.Date] = d
			}
		}
		// A national holiday on a day off moves that day off to the next
		// working day, in date order, so two weekend holidays in a row
		// (Nauryz on Saturday and Sunday) take two following days.
		sort.Slice(national, func(i, j int) bool { return national[i].Date.Before(national[j].Date) })
		for _, h := range national {
			if !weekend(h.Date) {
				continue
			}
			for d := h.Date.AddDate(0, 0, 1); ; d = d.AddDate(0, 0, 1) {
				if !c.isOff(d) {
					c.off[d] = Day{Date: d, Kind: Moved, Name: h.Name}
					break
				}
			}
		}
	}
}

func (c *Calendar) isOff(d time.Time) bool {
	if _, ok := c.work[d]; ok {
		return false
	}
	if _, ok := c.off[d]; ok {
		return true
	}
	return weekend(d)
}

// DateOf is t's calendar date in loc, as midnight UTC (the form every
// function here takes and returns).
func DateOf(t time.Time, loc *time.Location) time.Time {
	if loc != nil {
		t = t.In(loc)
	}
	return date(t.Year(), t.Month(), t.Day())
}

func norm0(t time.Time) time.Time { return date(t.Year(), t.Month(), t.Day()) }

// IsWorkday reports whether d (a date; the time of day is ignored) is a
// working day.
func (c *Calendar) IsWorkday(d time.Time) bool { return !c.isOff(norm0(d)) }

// Why says why d is off or is a decreed working day; ok is false for an
// ordinary working day or an ordinary weekend.
func (c *Calendar) Why(d time.Time) (Day, bool) {
	d = norm0(d)
	if w, ok := c.work[d]; ok {
		return w, true
	}
	o, ok := c.off[d]
	return o, ok
}

// Covers reports whether year was checked (decrees and religious dates
// known); other years get the weekday and recurring-holiday rules only.
func (c *Calendar) Covers(year int) bool { return year >= c.First && year <= c.Last }

// Add returns the n-th working day after from (n ≥ 1): a term of n
// working days starts on the day after the event, whatever that day is,
// so a request received on a Thursday with n = 1 is due on the next
// working day. n ≤ 0 returns from's date.
func (c *Calendar) Add(from time.Time, n int) time.Time {
	d := norm0(from)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if !c.isOff(d) {
			n--
		}
	}
	return d
}

// Between counts the working days after from up to and including to; it
// is negative (minus the working days after to up to and including from)
// when to is before from. Between(today, due) is a request's "days left":
// 0 means due today or, when today is a day off, due on a day already
// passed into the weekend.
func (c *Calendar) Between(from, to time.Time) int {
	a, b := norm0(from), norm0(to)
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	n := 0
	for d := a.AddDate(0, 0, 1); !d.After(b); d = d.AddDate(0, 0, 1) {
		if !c.isOff(d) {
			n++
		}
	}
	return sign * n
}

// DaysOff lists the days off other than plain weekends, and the decreed
// working days, of year, in date order.
func (c *Calendar) DaysOff(year int) []Day {
	var out []Day
	for _, m := range []map[time.Time]Day{c.off, c.work} {
		for d, v := range m {
			if d.Year() == year {
				out = append(out, v)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

// Builtin is the calendar shipped in assets/calendar (the default until a
// workspace's admin edits its copy).
func Builtin() *Calendar {
	b, err := fs.ReadFile(assets.CalendarFS, assets.CalendarPath)
	if err != nil {
		panic(err)
	}
	return MustParse(assets.CalendarPath, string(b))
}

// BuiltinText is the built-in calendar's text.
func BuiltinText() string {
	b, _ := fs.ReadFile(assets.CalendarFS, assets.CalendarPath)
	return string(b)
}
