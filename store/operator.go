package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // the workspace's time zone must not depend on the machine's tzdata

	"golang.org/x/text/unicode/norm"

	"legco.kz/compliance/store/kz"
)

// Operator is the personal-data operator named on every act, report and
// certificate (Law No. 94-V, Art. 8: the operator's name and BIN).
type Operator struct {
	NameRU, NameKK       string
	BIN                  string
	AddressRU, AddressKK string
	Contact              string // e-mail or phone for data subjects' questions
}

// DefaultOperator applies until an admin enters the real details: the
// names are the company's, the BIN and address are left for the admin.
var DefaultOperator = Operator{
	NameRU: "ТОО «K&T Partners»",
	NameKK: "«K&T Partners» ЖШС",
}

// Complete reports whether the details a legal document needs are set.
func (o Operator) Complete() bool {
	return o.NameRU != "" && o.NameKK != "" && o.BIN != "" && o.AddressRU != "" && o.AddressKK != ""
}

// Name returns the operator's name in lang ("kk" or anything else: ru).
func (o Operator) Name(lang string) string {
	if lang == "kk" && o.NameKK != "" {
		return o.NameKK
	}
	return o.NameRU
}

// Address returns the operator's address in lang.
func (o Operator) Address(lang string) string {
	if lang == "kk" && o.AddressKK != "" {
		return o.AddressKK
	}
	return o.AddressRU
}

var operatorKeys = []struct {
	key string
	get func(*Operator) *string
}{
	{"operator.name_ru", func(o *Operator) *string { return &o.NameRU }},
	{"operator.name_kk", func(o *Operator) *string { return &o.NameKK }},
	{"operator.bin", func(o *Operator) *string { return &o.BIN }},
	{"operator.address_ru", func(o *Operator) *string { return &o.AddressRU }},
	{"operator.address_kk", func(o *Operator) *string { return &o.AddressKK }},
	{"operator.contact", func(o *Operator) *string { return &o.Contact }},
}

// Operator reads the operator's details (defaults where none are set).
func (w *Workspace) Operator(ctx context.Context) (Operator, error) {
	o := DefaultOperator
	rows, err := w.db.QueryContext(ctx, `SELECT key, value FROM settings WHERE key LIKE 'operator.%'`)
	if err != nil {
		return o, fmt.Errorf("operator details: %w", err)
	}
	defer rows.Close()
	vals := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return o, err
		}
		vals[k] = v
	}
	for _, f := range operatorKeys {
		if v, ok := vals[f.key]; ok {
			*f.get(&o) = v
		}
	}
	return o, rows.Err()
}

// Validate checks the operator's details: both names, a BIN with a valid
// check digit when one is given.
func (o Operator) Validate() error {
	if o.NameRU == "" {
		return &ValidationError{Field: "operator name (ru)", Reason: "the operator's name in Russian is required"}
	}
	if o.NameKK == "" {
		return &ValidationError{Field: "operator name (kk)", Reason: "the operator's name in Kazakh is required"}
	}
	if o.BIN != "" {
		if err := kz.ValidateBIN(o.BIN); err != nil {
			return &ValidationError{Field: "BIN", Reason: err.Error()}
		}
	}
	return nil
}

func (o Operator) normalized() Operator {
	for _, f := range operatorKeys {
		p := f.get(&o)
		*p = norm.NFC.String(strings.TrimSpace(*p))
	}
	return o
}

// SetOperator changes the operator's details (admins). The audit entry
// keeps the new values: they are the company's, not personal data.
func (w *Workspace) SetOperator(ctx context.Context, o Operator, reason string) error {
	o = o.normalized()
	if err := o.Validate(); err != nil {
		return err
	}
	details := map[string]any{}
	for _, f := range operatorKeys {
		details[strings.TrimPrefix(f.key, "operator.")] = *f.get(&o)
	}
	if strings.TrimSpace(reason) == "" {
		reason = "operator details changed"
	}
	return w.change(ctx, Change{Perm: PermSettings, Action: "settings.operator", Object: "settings:operator", Reason: reason, Details: details},
		func(tx *sql.Tx, c *Change) error {
			for _, f := range operatorKeys {
				if _, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES (?, ?)
					ON CONFLICT(key) DO UPDATE SET value = excluded.value`, f.key, *f.get(&o)); err != nil {
					return err
				}
			}
			return nil
		})
}

// DefaultTimeZone is Kazakhstan's single zone since 1 March 2024 (UTC+5).
const DefaultTimeZone = "Asia/Almaty"

// TimeZone returns the workspace's time zone name (an IANA name).
func (w *Workspace) TimeZone(ctx context.Context) (string, error) {
	var v string
	err := w.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'timezone'`).Scan(&v)
	if err == sql.ErrNoRows || v == "" {
		return DefaultTimeZone, nil
	}
	return v, err
}

// Location is the workspace's time zone: every time shown to people (the
// UI, the CLI, PDFs, acts) is in it; stored times stay UTC.
func (w *Workspace) Location() *time.Location {
	if l := w.loc.Load(); l != nil {
		return l
	}
	name, err := w.TimeZone(context.Background())
	if err != nil {
		name = DefaultTimeZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc, _ = time.LoadLocation(DefaultTimeZone)
	}
	w.loc.Store(loc)
	return loc
}

// SetTimeZone changes the workspace's time zone (admins).
func (w *Workspace) SetTimeZone(ctx context.Context, name string) error {
	name = strings.TrimSpace(name)
	if name == "" || name == "Local" {
		return &ValidationError{Field: "time zone", Reason: "give an IANA zone name such as Asia/Almaty"}
	}
	if _, err := time.LoadLocation(name); err != nil {
		return &ValidationError{Field: "time zone", Reason: fmt.Sprintf("%q is not a known time zone (e.g. Asia/Almaty)", name)}
	}
	err := w.change(ctx, Change{Perm: PermSettings, Action: "settings.timezone", Object: "settings:timezone", Reason: "time zone changed",
		Details: map[string]any{"timezone": name}},
		func(tx *sql.Tx, c *Change) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES ('timezone', ?)
				ON CONFLICT(key) DO UPDATE SET value = excluded.value`, name)
			return err
		})
	if err == nil {
		w.loc.Store(nil)
	}
	return err
}
