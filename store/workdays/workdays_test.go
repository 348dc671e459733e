package workdays

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func d(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// The Done-when case: an access request (3 working days) received on
// Thursday 19 March 2026: Friday 20 is the first day, then Nauryz (21–25
// March off: 21 and 22 fall on the weekend and move to 24 and 25), so
// Thursday 26 and Friday 27 are the second and third: due 27 March.
func TestAccessRequestBeforeNauryz2026(t *testing.T) {
	c := Builtin()
	if got := c.Add(d("2026-03-19"), 3); !got.Equal(d("2026-03-27")) {
		t.Fatalf("due = %s, want 2026-03-27", got.Format("2006-01-02"))
	}
	for _, s := range []string{"2026-03-21", "2026-03-22", "2026-03-23", "2026-03-24", "2026-03-25"} {
		if c.IsWorkday(d(s)) {
			t.Errorf("%s is a working day; Nauryz 2026 runs 21–25 March", s)
		}
	}
	if n := c.Between(d("2026-03-19"), d("2026-03-27")); n != 3 {
		t.Errorf("Between = %d, want 3", n)
	}
	if n := c.Between(d("2026-03-27"), d("2026-03-19")); n != -3 {
		t.Errorf("Between backwards = %d, want -3", n)
	}
}

func TestDaysAroundHolidays(t *testing.T) {
	c := Builtin()
	const work = ""
	tests := []struct {
		date string
		want Kind // "" = working day
	}{
		// 2025
		{"2025-01-01", National}, {"2025-01-02", National}, {"2025-01-03", DayOff}, {"2025-01-04", Weekend},
		{"2025-01-05", Workday}, {"2025-01-06", work}, {"2025-01-07", Religious}, {"2025-01-08", work},
		{"2025-03-07", work}, {"2025-03-08", National}, {"2025-03-10", Moved}, {"2025-03-11", work},
		{"2025-03-21", National}, {"2025-03-24", Moved}, {"2025-03-25", Moved}, {"2025-03-26", work},
		{"2025-05-01", National}, {"2025-05-02", work}, {"2025-05-07", National}, {"2025-05-08", work}, {"2025-05-09", National},
		{"2025-06-06", Religious},
		{"2025-07-06", National}, {"2025-07-07", Moved}, {"2025-07-08", work},
		{"2025-08-30", National}, {"2025-09-01", Moved}, {"2025-09-02", work},
		{"2025-10-25", National}, {"2025-10-27", Moved}, {"2025-10-28", work},
		{"2025-12-15", work}, {"2025-12-16", National}, {"2025-12-17", work},
		// 2026
		{"2026-01-01", National}, {"2026-01-02", National}, {"2026-01-05", work}, {"2026-01-07", Religious},
		{"2026-03-08", National}, {"2026-03-09", Moved}, {"2026-03-10", work},
		{"2026-03-23", National}, {"2026-03-24", Moved}, {"2026-03-25", Moved}, {"2026-03-26", work},
		{"2026-05-01", National}, {"2026-05-07", National}, {"2026-05-08", work}, {"2026-05-09", National}, {"2026-05-11", Moved},
		{"2026-05-27", Religious},
		{"2026-07-06", National}, {"2026-07-07", work},
		{"2026-08-30", National}, {"2026-08-31", Moved}, {"2026-09-01", work},
		{"2026-10-25", National}, {"2026-10-26", Moved}, {"2026-10-27", work},
		{"2026-12-16", National}, {"2026-12-17", work},
		// 2027
		{"2027-01-01", National}, {"2027-01-02", National}, {"2027-01-04", Moved}, {"2027-01-05", work}, {"2027-01-07", Religious},
		{"2027-03-08", National}, {"2027-03-09", work},
		{"2027-03-21", National}, {"2027-03-22", National}, {"2027-03-23", National}, {"2027-03-24", Moved}, {"2027-03-25", work},
		{"2027-05-01", National}, {"2027-05-03", Moved}, {"2027-05-04", work}, {"2027-05-07", National},
		{"2027-05-09", National}, {"2027-05-10", Moved}, {"2027-05-16", Religious}, {"2027-05-17", work},
		{"2027-07-06", National}, {"2027-08-30", National}, {"2027-08-31", work},
		{"2027-10-25", National}, {"2027-12-16", National}, {"2027-12-17", work},
	}
	for _, tt := range tests {
		day := d(tt.date)
		why, special := c.Why(day)
		got := Kind("")
		switch {
		case special:
			got = why.Kind
		case !c.IsWorkday(day):
			got = Weekend
		}
		if got != tt.want {
			t.Errorf("%s (%s): %q, want %q", tt.date, day.Weekday(), got, tt.want)
		}
		if wantWork := tt.want == work || tt.want == Workday; c.IsWorkday(day) != wantWork {
			t.Errorf("%s: IsWorkday = %v, want %v", tt.date, !wantWork, wantWork)
		}
	}
}

func TestAdd(t *testing.T) {
	c := Builtin()
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-03-19", 1, "2026-03-20"},
		{"2026-03-20", 1, "2026-03-26"},
		{"2026-03-21", 1, "2026-03-26"}, // received on a day off: the term still starts the next day
		{"2025-12-31", 1, "2026-01-05"},
		{"2025-12-31", 3, "2026-01-08"}, // 7 January is off
		{"2024-12-31", 1, "2025-01-05"}, // 3 Jan off by decree, Sunday 5 Jan working
		{"2025-01-03", 1, "2025-01-05"},
		{"2025-03-07", 1, "2025-03-11"},
		{"2026-05-06", 3, "2026-05-13"},
		{"2026-08-28", 1, "2026-09-01"},
		{"2027-04-30", 1, "2027-05-04"},
		{"2027-05-06", 2, "2027-05-12"},
		{"2027-12-31", 1, "2028-01-05"}, // beyond the checked years: 1–2 Jan 2028 fall on the weekend and move
		{"2026-03-19", 0, "2026-03-19"},
	}
	for _, tt := range tests {
		if got := c.Add(d(tt.from), tt.n).Format("2006-01-02"); got != tt.want {
			t.Errorf("Add(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
	if !c.Covers(2026) || c.Covers(2028) {
		t.Error("Covers: want 2025–2027")
	}
}

func TestParseErrorsNameLineAndField(t *testing.T) {
	tests := []struct {
		text, field string
		line        int
	}{
		{"years 2025 2027\nnational 13-40 X", "date", 2},
		{"years 2025 2027\n\nholiday 01-01 X", "kind", 3},
		{"years 2025 2027\ndayoff 01-03 X", "date", 2},
		{"years 2025 2027\nworkday 2026-03-18 X", "date", 2},
		{"years 2025 2027\nnational 01-01", "name", 2},
		{"years 2027 2025", "years", 1},
		{"national 01-01 X", "years", 1},
	}
	for _, tt := range tests {
		_, err := Parse("cal.txt", strings.NewReader(tt.text))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Field != tt.field || pe.Line != tt.line || pe.File != "cal.txt" {
			t.Errorf("%q: %v, want field %s line %d", tt.text, err, tt.field, tt.line)
		}
	}
}

func TestDecreeEditsChangeTheCount(t *testing.T) {
	c := MustParse("x", "years 2026 2026\nnational 03-21 Наурыз\nnational 03-22 Наурыз\nnational 03-23 Наурыз\ndayoff 2026-03-20 decree\n")
	if got := c.Add(d("2026-03-19"), 3).Format("2006-01-02"); got != "2026-03-30" {
		t.Errorf("with 20 March off by decree: %s, want 2026-03-30", got)
	}
	if len(c.DaysOff(2026)) != 6 { // 20, 21, 22, 23 + moved 24, 25
		t.Errorf("DaysOff = %v", c.DaysOff(2026))
	}
}
