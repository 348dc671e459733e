package shell

import (
	"time"

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
