package assets

import "embed"

// CalendarFS holds calendar/: the Kazakhstan working-day calendar that
// request deadlines are counted in (store/workdays reads it; a workspace
// keeps its own edited copy).
//
//go:embed calendar
var CalendarFS embed.FS

// CalendarPath is the built-in calendar inside CalendarFS.
const CalendarPath = "calendar/kz-workdays.txt"
