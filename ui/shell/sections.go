package shell

import (
	"slices"
	"sync"

	"fyne.io/fyne/v2"
)

// IDs of the built-in sections, in navigation order.
const (
	SectionRecords  = "records"
	SectionRequests = "requests"
	SectionConsents = "consents"
	SectionPolicy   = "policy"
	SectionAudit    = "audit"
	SectionStaff    = "staff"
)

// ScreenFactory builds a section's screen. It runs on the UI goroutine
// the first time the section is opened after an unlock, and must return
// quickly: load data with env.Run. The screen lives until the workspace
// locks (env.Context() is then cancelled).
//
// If the returned object implements Shower, Shown is called every time
// the section is opened again.
type ScreenFactory func(env *Env) fyne.CanvasObject

// Shower is implemented by screens that want to know when their section
// is opened again (e.g. to reload).
type Shower interface{ Shown() }

// Section is one entry of the main window's navigation.
type Section struct {
	ID string
	// Title returns the section's name in the UI language (it is called
	// at display time, after translations are loaded), e.g.
	// func() string { return lang.L("Records") }.
	Title func() string
	Icon  fyne.Resource
	// Order places the section in the navigation (built-ins: 10, 20, … 60).
	Order int
	New   ScreenFactory
}

var (
	regMu    sync.Mutex
	registry = map[string]Section{}
)

// Register adds a section, or replaces the screen of one already
// registered with the same ID; empty Title, Icon and zero Order keep the
// registered ones. Call it before ui.Start (e.g. in cmd, or in an init
// function of the screen's package):
//
//	shell.Register(shell.Section{ID: shell.SectionRecords, New: records.New})
func Register(s Section) {
	regMu.Lock()
	defer regMu.Unlock()
	if old, ok := registry[s.ID]; ok {
		if s.Title == nil {
			s.Title = old.Title
		}
		if s.Icon == nil {
			s.Icon = old.Icon
		}
		if s.Order == 0 {
			s.Order = old.Order
		}
		if s.New == nil {
			s.New = old.New
		}
	}
	registry[s.ID] = s
}

// RegisterDefault registers s unless a section with its ID is already
// registered, in which case it only fills that one's empty fields. The
// built-in sections use it, so that a screen registered by another
// package wins whatever the order of package initialisation.
func RegisterDefault(s Section) {
	regMu.Lock()
	defer regMu.Unlock()
	old, ok := registry[s.ID]
	if !ok {
		registry[s.ID] = s
		return
	}
	if old.Title == nil {
		old.Title = s.Title
	}
	if old.Icon == nil {
		old.Icon = s.Icon
	}
	if old.Order == 0 {
		old.Order = s.Order
	}
	if old.New == nil {
		old.New = s.New
	}
	registry[s.ID] = old
}

// Sections lists the registered sections in navigation order.
func Sections() []Section {
	regMu.Lock()
	defer regMu.Unlock()
	out := make([]Section, 0, len(registry))
	for _, s := range registry {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Section) int {
		if a.Order != b.Order {
			return a.Order - b.Order
		}
		if a.ID < b.ID {
			return -1
		}
		if a.ID > b.ID {
			return 1
		}
		return 0
	})
	return out
}

// Lookup returns the registered section with the given ID.
func Lookup(id string) (Section, bool) {
	regMu.Lock()
	defer regMu.Unlock()
	s, ok := registry[id]
	return s, ok
}

// Unregister removes a section (tests).
func Unregister(id string) {
	regMu.Lock()
	defer regMu.Unlock()
	delete(registry, id)
}
