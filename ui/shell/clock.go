package shell

import (
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/i18n"
)

// One clock: every time the UI shows is in the workspace's time zone
// (store.Workspace.Location, Asia/Almaty unless changed with `settings
// timezone`), with its UTC offset, in the one date format of the UI
// language. A destruction at 06:08 UTC reads «28.11.2026 11:08 +05:00»
// in every screen, as on its act.

// DateLayout is the date format of the UI language: DD.MM.YYYY in
// Russian and Kazakh, YYYY-MM-DD in English.
func DateLayout() string {
	if i18n.Current() == i18n.English {
		return "2006-01-02"
	}
	return "02.01.2006"
}

// Location is the workspace's time zone (Asia/Almaty when env has no
// workspace, as in some tests).
func Location(env *Env) *time.Location {
	if env != nil && env.WS != nil {
		return env.WS.Location()
	}
	loc, err := time.LoadLocation(store.DefaultTimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// FormatTime shows t to the minute in the workspace's zone with its
// offset: «28.11.2026 11:08 +05:00». The zero time is «—».
func FormatTime(env *Env, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(Location(env)).Format(DateLayout() + " 15:04 -07:00")
}

// FormatTimeSeconds is FormatTime to the second (the audit log).
func FormatTimeSeconds(env *Env, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(Location(env)).Format(DateLayout() + " 15:04:05 -07:00")
}

// FormatDate shows the calendar date of t in the workspace's zone.
func FormatDate(env *Env, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(Location(env)).Format(DateLayout())
}

// DateHint is how a date is typed in the UI language: «ДД.ММ.ГГГГ»,
// «КК.АА.ЖЖЖЖ», "YYYY-MM-DD" — the layout every screen shows.
func DateHint() string { return lang.L("date format: DD.MM.YYYY") }

// FormatDay writes a calendar date (no zone conversion: t is already
// that day, as a parsed date or a Workspace.Today) in the UI language's
// format, for entries prefilled with a date.
func FormatDay(t time.Time) string { return t.Format(DateLayout()) }

// ParseDate reads a date typed in an entry: the UI language's format,
// and also the other one (DD.MM.YYYY or YYYY-MM-DD, as pasted from a
// document or a CSV), a day or month of one digit included. The date is
// at midnight UTC, as time.Parse gives it.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{DateLayout(), "02.01.2006", "2.1.2006", "2006-01-02", "2006-1-2"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, UserError(lang.L("Write the date as {{.Format}}, for example {{.Example}}.",
		map[string]any{"Format": DateHint(), "Example": FormatDay(time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC))}))
}

// ParseOptionalDate is ParseDate that takes an empty entry as the zero
// time (an open end of a period, "today", "now").
func ParseOptionalDate(s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	return ParseDate(s)
}
