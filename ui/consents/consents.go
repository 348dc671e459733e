// Package consents is the Consents screen (Law No. 94-V, Art. 8; policy
// preamble and clauses 1.5, 1.6, 2.2.5, 3.2.1): find a user, see the
// current state per purpose and the timeline of events, the state on any
// past date, record a consent or withdrawal received on paper (document
// reference and reason required, audited); the re-consent backlog per
// policy edition as a virtualised list; the import of consent exports;
// the aggregate report (PDF, CSV) and a user's certificate. It also adds
// a Consents tab to a user's detail in Records.
//
// Store work runs off the UI goroutine (env.Run, RunWithProgress);
// widgets change only on it.
package consents

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/records"
	"legco.kz/compliance/ui/shell"
)

// Register makes this package the Consents section's screen and adds the
// Consents tab to the Records detail. Call it before ui.Start.
func Register() {
	shell.Register(shell.Section{ID: shell.SectionConsents, New: New})
	records.RegisterDetailTab(records.DetailTab{
		Title: func() string { return lang.L("Consents") },
		Icon:  theme.ConfirmIcon(),
		Build: func(env *shell.Env) (fyne.CanvasObject, func(string)) {
			v := newUserView(env, nil)
			return v.content, v.Show
		},
	})
}

// New is the section's ScreenFactory.
func New(env *shell.Env) fyne.CanvasObject { return NewScreen(env).content }

// Screen is the Consents screen.
type Screen struct {
	env *shell.Env

	Search  *widget.Entry
	Results *widget.List
	found   []store.UserSummary
	// purposeCodes are the codes of the purpose filter's titles (after «all»).
	purposeCodes []string
	User         *UserView
	Backlog      *BacklogView
	Tabs         *container.AppTabs

	// Filters of the timeline, the backlog and the exported report.
	Purpose *widget.Select
	Edition *widget.Select
	Channel *widget.Select
	From    *widget.Entry
	To      *widget.Entry

	ImportButton *widget.Button
	ExportButton *widget.Button

	content fyne.CanvasObject
}

// all is the "no filter" choice of the filter selects.
func all() string { return lang.L("Consents filter: all") }

// NewScreen builds the screen.
func NewScreen(env *shell.Env) *Screen {
	s := &Screen{env: env}
	s.Search = widget.NewEntry()
	s.Search.SetPlaceHolder(lang.L("Find a user: name, IIN, phone, e-mail or account id"))
	s.Search.ActionItem = widget.NewIcon(theme.SearchIcon())
	s.Search.OnSubmitted = func(string) { s.find() }
	s.Results = widget.NewList(func() int { return len(s.found) },
		func() fyne.CanvasObject { return shell.CellLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			u := s.found[i]
			o.(*widget.Label).SetText(u.AccountID + "  " + u.FullName)
		})
	s.Results.OnSelected = func(i widget.ListItemID) {
		if i < len(s.found) {
			s.User.Show(s.found[i].AccountID)
		}
	}

	s.Purpose = widget.NewSelect(nil, func(string) { s.filtersChanged() })
	s.Edition = widget.NewSelect(nil, func(string) { s.filtersChanged() })
	channels := []string{all()}
	for _, c := range exportfile.ConsentChannels {
		channels = append(channels, ChannelName(c))
	}
	s.Channel = widget.NewSelect(channels, func(string) { s.filtersChanged() })
	s.Channel.SetSelected(all())
	s.From = widget.NewEntry()
	s.From.SetPlaceHolder(shell.DateHint())
	s.To = widget.NewEntry()
	s.To.SetPlaceHolder(shell.DateHint())
	for _, e := range []*widget.Entry{s.From, s.To} {
		e.Validator = optionalDay
		e.OnSubmitted = func(string) { s.filtersChanged() }
	}

	s.User = newUserView(env, s.Filter)
	s.Backlog = newBacklogView(env, func(acc string) {
		s.Tabs.SelectIndex(0)
		s.User.Show(acc)
	})

	s.ImportButton = widget.NewButtonWithIcon(lang.L("Import consents…"), theme.DownloadIcon(), s.ShowImport)
	if !env.Can(store.PermConsentsWrite) {
		s.ImportButton.Hide()
	}
	s.ExportButton = widget.NewButtonWithIcon(lang.L("Export report…"), theme.DocumentSaveIcon(), s.ShowExport)
	s.ExportButton.Importance = widget.HighImportance

	filters := container.NewHBox(
		widget.NewLabel(lang.L("Consents: purpose")), s.Purpose,
		widget.NewLabel(lang.L("Policy edition")), s.Edition,
		widget.NewLabel(lang.L("Consent channel")), s.Channel,
	)
	// The period on a line of its own: with it the filters are wider than
	// a 1024-pixel window in Kazakh.
	period := container.NewHBox(
		widget.NewLabel(lang.L("Consent period")),
		container.NewGridWrap(fyne.NewSize(150, s.From.MinSize().Height), s.From),
		widget.NewLabel("–"),
		container.NewGridWrap(fyne.NewSize(150, s.To.MinSize().Height), s.To),
	)
	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(s.ImportButton, s.ExportButton), s.Search),
		container.NewHScroll(filters),
		period,
	)
	left := container.NewBorder(widget.NewLabelWithStyle(lang.L("Users found"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, s.Results)
	split := container.NewHSplit(left, s.User.content)
	split.Offset = 0.2
	s.Tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("User's consents"), theme.AccountIcon(), split),
		container.NewTabItemWithIcon(lang.L("Re-consent backlog"), theme.WarningIcon(), s.Backlog.content),
	)
	s.Tabs.OnSelected = func(t *container.TabItem) {
		if t.Content == s.Backlog.content {
			s.Backlog.Reload()
		}
	}
	s.content = container.NewBorder(top, nil, nil, nil, s.Tabs)
	env.OnChanged(func() {
		s.Backlog.Reload()
		s.User.Reload()
	})
	s.loadChoices()
	return s
}

func optionalDay(v string) error {
	_, err := shell.ParseOptionalDate(v)
	return err
}

// loadChoices fills the purpose and edition filters from the catalog.
func (s *Screen) loadChoices() {
	var eds []store.Edition
	var cat []store.ConsentPurpose
	s.env.Run(func(ctx context.Context) error {
		var err error
		if eds, err = s.env.WS.PolicyEditions(ctx); err != nil {
			return err
		}
		cur, err := s.env.WS.PublishedEdition(ctx)
		if err != nil {
			return err
		}
		cat, err = s.env.WS.ConsentCatalog(ctx, max(cur, 1))
		return err
	}, func(err error) {
		if err != nil {
			s.env.ShowError(err)
			return
		}
		ps := []string{all()}
		s.purposeCodes = s.purposeCodes[:0]
		for _, p := range cat {
			t := p.Title(i18n.Current())
			if t == "" {
				t = p.Code
			}
			ps = append(ps, t)
			s.purposeCodes = append(s.purposeCodes, p.Code)
		}
		es := []string{all()}
		for i := len(eds) - 1; i >= 0; i-- {
			if eds[i].Status != store.EditionDraft {
				es = append(es, strconv.Itoa(eds[i].Number))
			}
		}
		s.Purpose.SetOptions(ps)
		s.Edition.SetOptions(es)
		s.Purpose.SetSelected(all())
		s.Edition.SetSelected(all())
	})
}

// Filter is the filter the widgets say (invalid dates are ignored).
func (s *Screen) Filter() store.ConsentFilter {
	var f store.ConsentFilter
	if i := s.Purpose.SelectedIndex(); i > 0 && i <= len(s.purposeCodes) {
		f.Purpose = s.purposeCodes[i-1]
	}
	if i := s.Channel.SelectedIndex(); i > 0 {
		f.Channel = exportfile.ConsentChannels[i-1]
	}
	if n, err := strconv.Atoi(s.Edition.Selected); err == nil {
		f.Edition = n
	}
	f.From, _ = shell.ParseOptionalDate(s.From.Text)
	f.To, _ = shell.ParseOptionalDate(s.To.Text)
	return f
}

func (s *Screen) filtersChanged() {
	if s.User == nil || s.Backlog == nil {
		return
	}
	s.User.applyFilter()
	s.Backlog.SetEdition(s.Filter().Edition)
}

// Find searches users for the text in the search box.
func (s *Screen) find() {
	q := strings.TrimSpace(s.Search.Text)
	if q == "" {
		return
	}
	var found []store.UserSummary
	s.env.Run(func(ctx context.Context) error {
		var err error
		found, err = s.env.WS.SearchUsers(ctx, q, 100)
		return err
	}, func(err error) {
		if err != nil {
			s.env.ShowError(err)
			return
		}
		s.found = found
		s.Results.UnselectAll()
		s.Results.Refresh()
		if len(found) == 1 {
			s.Results.Select(0)
		} else if len(found) == 0 {
			s.env.Notify(lang.L("No users match."))
		}
	})
}

// Find runs a search as if typed in the search box.
func (s *Screen) Find(q string) {
	s.Search.SetText(q)
	s.find()
}

func dayText(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	// The UI language's one date format (shell.DateLayout), in the
	// workspace time zone with its offset, as on every other screen.
	return t.In(loc).Format(shell.DateLayout() + " 15:04 -07:00")
}

// StateName is a consent state in words.
// ChannelName is a consent channel (web, ios, android, paper, egov,
// other: the codes of the export files) in words.
func ChannelName(code string) string {
	switch code {
	case "web":
		return lang.L("channel: website")
	case "ios":
		return lang.L("channel: iOS app")
	case "android":
		return lang.L("channel: Android app")
	case "paper":
		return lang.L("channel: on paper")
	case "egov":
		return lang.L("channel: eGov")
	case "other":
		return lang.L("channel: other")
	}
	return code
}

// LanguageName is the language the user saw (ru, kk) in words.
func LanguageName(code string) string {
	switch code {
	case "ru":
		return lang.L("in Russian")
	case "kk":
		return lang.L("in Kazakh")
	}
	return code
}

func StateName(k store.ConsentEventKind) string {
	switch k {
	case store.ConsentGiven:
		return lang.L("Consent state given")
	case store.ConsentWithdrawn:
		return lang.L("Consent state withdrawn")
	case store.ConsentExpired:
		return lang.L("Consent state expired")
	}
	return lang.L("Consent state never given")
}

func stateImportance(k store.ConsentEventKind) widget.Importance {
	switch k {
	case store.ConsentGiven:
		return widget.SuccessImportance
	case store.ConsentWithdrawn:
		return widget.DangerImportance
	case store.ConsentExpired:
		return widget.WarningImportance
	}
	return widget.LowImportance
}

func editionText(n int) string {
	return fmt.Sprintf("%s %d", lang.L("Consent edition label"), n)
}
