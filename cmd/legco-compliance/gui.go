package main

import (
	"context"
	"fmt"
	"log"
	"runtime/debug"

	"fyne.io/fyne/v2/app"

	"legco.kz/compliance/ui"
	"legco.kz/compliance/ui/consents"
	"legco.kz/compliance/ui/policy"
	"legco.kz/compliance/ui/records"
	"legco.kz/compliance/ui/requests"
)

// registerScreens plugs the feature screens into the shell's sections;
// the Audit log and Staff screens are built in.
func registerScreens() {
	records.Register()
	consents.Register()
	ui.Register(ui.Section{ID: ui.SectionPolicy, New: policy.New})
	requests.Register()
}

// guiMemoryLimit is the GUI's soft heap limit (runtime/debug).
const guiMemoryLimit = 160 << 20

// guiCacheKiB is the app's SQLite page cache per connection.
const guiCacheKiB = 32 << 10

// defaultDB is where the app looks when no --db is given: $LEGCO_DB, else
// the per-user data folder.
func defaultDB(e *env) string {
	if p := e.getenv("LEGCO_DB"); p != "" {
		return p
	}
	return defaultWorkspacePath()
}

func runGUI(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "gui", "gui [--db FILE] [--as NAME]")
	if err := f.Parse(args); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	path := *f.db
	if path == "" {
		path = defaultDB(e)
	}
	cfg := ui.Config{DBPath: path, Logf: log.New(e.stderr, "legco-compliance: ", log.LstdFlags|log.Lmicroseconds).Printf}
	cfg.Options.HeadMemoryDir = e.headMemoryDir()
	// The app's reads are pages of a list and one user's detail: a page
	// cache of 32 MiB a connection (not the 128 MiB imports use) keeps
	// its resident memory under 300 MB at a million users (make rss).
	cfg.Options.CacheKiB = guiCacheKiB
	// With a name and LEGCO_PASSPHRASE both given, unlock at once: this
	// is how scripts (and the GUI smoke test) open the app. Secrets come
	// from the environment, never argv.
	name := *f.as
	if name == "" {
		name = e.getenv("LEGCO_STAFF")
	}
	if pass := e.getenv("LEGCO_PASSPHRASE"); name != "" && pass != "" {
		cfg.Staff, cfg.Passphrase = name, []byte(pass)
	}
	// The GUI makes much short-lived garbage (rows, text images) and Go's
	// heap doubles between collections: a soft limit keeps the resident
	// memory under 300 MB through unlock and scrolling (make rss, issue
	// #14). GOMEMLIMIT in the environment overrides it.
	if e.getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(guiMemoryLimit)
	}
	a := app.NewWithID("kz.legco.compliance")
	// After the app: the screens' icons come from its theme (before it,
	// Fyne logs "Attempt to access current Fyne app when none is started").
	registerScreens()
	w := ui.Start(a, cfg)
	go func() {
		<-ctx.Done()
		fmt.Fprintln(e.stderr, "legco-compliance: interrupted, closing")
		ui.Quit(a)
	}()
	w.ShowAndRun()
	ui.Stopped()
	return nil
}
