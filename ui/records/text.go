package records

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/shell"
)

// TimeFormat was the list's time layout; times now go through
// shell.FormatTime (kept for code written against it).
//
// Deprecated: use showTimeIn / shell.FormatTime.
const TimeFormat = "2006-01-02 15:04:05"

// showTimeIn shows t in the workspace's time zone (shell.FormatTime).
func showTimeIn(env *shell.Env, t time.Time) string { return shell.FormatTime(env, t) }

// showTime shows t in the default zone (Asia/Almaty) with its offset, for
// code without an Env at hand; prefer showTimeIn.
func showTime(t time.Time) string { return shell.FormatTime(nil, t) }

// showStamp is showTime, or the date alone when only the date is kept
// (depersonalized records keep dates only).
func showStamp(t time.Time, dateOnly bool) string { return showStampIn(nil, t, dateOnly) }

// showStampIn is showTimeIn, or the date alone when only the date is kept.
func showStampIn(env *shell.Env, t time.Time, dateOnly bool) string {
	if dateOnly && !t.IsZero() {
		return t.Format(shell.DateLayout())
	}
	return shell.FormatTime(env, t)
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// FieldLabel is a 1.1.1 field's name in the UI language; extra fields
// (columns outside the export contract) keep their column name.
func FieldLabel(key string) string {
	def, ok := store.FieldByKey(key)
	if !ok {
		switch key {
		case "stat_birth_year":
			return lang.L("Year of birth (statistics)")
		case "stat_sex":
			return lang.L("Sex (statistics)")
		case "stat_city":
			return lang.L("City (statistics)")
		}
		return key
	}
	switch i18n.Current() {
	case i18n.Kazakh:
		return def.KK
	case i18n.English:
		return def.EN
	}
	return def.RU
}

// editable lists the fields a reason-backed edit may change: the 1.1.1
// catalog without what LegCo sets, then the record's extra fields.
func editable(u *store.User) []string {
	var out []string
	for _, f := range store.FieldCatalog {
		if f.Key == "account_id" || f.Key == "registered_at" {
			continue
		}
		if u.State == store.StateDepersonalized && f.Identifying {
			continue
		}
		out = append(out, f.Key)
	}
	for _, f := range u.Extra {
		out = append(out, f.Name)
	}
	return out
}

// StateText says where a record stands.
func StateText(u store.UserSummary) string {
	var parts []string
	if u.State == store.StateDepersonalized {
		parts = append(parts, lang.L("depersonalized"))
	} else {
		parts = append(parts, lang.L("active"))
	}
	if u.Blocked {
		parts = append(parts, lang.L("blocked"))
	}
	return strings.Join(parts, ", ")
}

// ActionText names an audit action in words (shell.ActionWord).
func ActionText(action string) string { return shell.ActionWord(action) }

// detailText summarises an audit entry's details (which fields changed,
// the act number).
func detailText(e store.AuditEntry) string {
	var d struct {
		Field  string   `json:"field"`
		Fields []string `json:"fields"`
		Source string   `json:"source"`
		Act    string   `json:"act"`
	}
	if json.Unmarshal([]byte(e.Details), &d) != nil {
		return ""
	}
	var parts []string
	if d.Field != "" {
		d.Fields = append(d.Fields, d.Field)
	}
	if len(d.Fields) > 0 {
		names := make([]string, len(d.Fields))
		for i, f := range d.Fields {
			names[i] = FieldLabel(f)
		}
		parts = append(parts, strings.Join(names, ", "))
	}
	if d.Source == "import" {
		parts = append(parts, lang.L("by an import"))
	}
	if d.Act != "" {
		parts = append(parts, lang.L("act {{.Act}}", map[string]any{"Act": d.Act}))
	}
	return strings.Join(parts, "; ")
}

// reasons are the store's validation messages about records, in the UI
// language. Others are shown as the store words them.
func reasonText(r string) string {
	switch {
	case strings.HasPrefix(r, "a reason is required"):
		return lang.L("a reason is required for every processing operation (it is kept in the audit log)")
	case r == "is set by LegCo and cannot be changed here":
		return lang.L("is set by LegCo and cannot be changed here")
	case r == "is mandatory (clause 1.1.1) and cannot be empty":
		return lang.L("is mandatory (clause 1.1.1) and cannot be empty")
	case r == "the record is depersonalized; identifying data cannot be added back":
		return lang.L("the record is depersonalized; identifying data cannot be added back")
	case r == "the new value is the same as the current one":
		return lang.L("the new value is the same as the current one")
	case r == "the user is already blocked":
		return lang.L("the user is already blocked")
	case r == "the user is not blocked":
		return lang.L("the user is not blocked")
	case r == "the user is already depersonalized":
		return lang.L("the user is already depersonalized")
	case r == "must be a date written YYYY-MM-DD":
		return lang.L("must be a date written {{.Format}}", map[string]any{"Format": shell.DateHint()})
	}
	return r
}

// errorText explains err in the UI language, naming record fields as the
// screen does.
func errorText(err error) string {
	var ve *store.ValidationError
	if errors.As(err, &ve) {
		field := FieldLabel(ve.Field)
		switch ve.Field {
		case "reason":
			field = lang.L("Reason")
		case "blocked", "state":
			field = lang.L("State")
		}
		return lang.L("{{.Field}}: {{.Reason}}.", map[string]any{"Field": field, "Reason": reasonText(ve.Reason)})
	}
	if errors.Is(err, store.ErrNotFound) {
		return lang.L("This user is no longer in the workspace (destroyed or never imported).")
	}
	return shell.ErrorText(err)
}

// showError shows err: role refusals as the shell does, validation
// problems in the screen's words.
func showError(env *shell.Env, err error) {
	if err == nil {
		return
	}
	if errors.Is(err, store.ErrForbidden) {
		env.ShowError(err)
		return
	}
	env.ShowError(shell.UserError(errorText(err)))
}
