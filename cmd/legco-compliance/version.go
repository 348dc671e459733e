package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"legco.kz/compliance/store"
)

// version and commit are set at link time by the Makefile:
// -ldflags "-X main.version=$(VERSION) -X main.commit=$(COMMIT)".
var (
	version = "dev"
	commit  = ""
)

func init() {
	register(command{"version", "print the program version and commit, Go, SQLCipher, SQLite and Fyne versions", cmdVersion})
	store.ProgramVersion = version
}

// buildInfo is what `version` prints and the About dialog shows.
type buildInfo struct {
	Version, Commit, Go, SQLCipher, SQLite, Fyne string
}

func readBuildInfo(ctx context.Context) buildInfo {
	b := buildInfo{Version: version, Commit: commit, Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH, Fyne: "unknown"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "fyne.io/fyne/v2" {
				b.Fyne = d.Version
			}
		}
		if b.Commit == "" {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" {
					b.Commit = s.Value
				}
			}
		}
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	var err error
	b.SQLCipher, b.SQLite, err = store.EngineVersions(ctx)
	if err != nil {
		b.SQLCipher = "unavailable (" + err.Error() + ")"
	}
	return b
}

// Lines are the version text, one fact a line; the first line is
// "legco-compliance VERSION" (the package check compares it).
func (b buildInfo) Lines() []string {
	return []string{
		"legco-compliance " + b.Version,
		"commit " + b.Commit,
		"Go " + b.Go,
		"SQLCipher " + b.SQLCipher,
		"SQLite " + b.SQLite,
		"Fyne " + b.Fyne,
	}
}

func cmdVersion(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] != "-h" && args[0] != "--help" {
		return usageErr("version takes no arguments")
	}
	fmt.Fprintln(e.stdout, strings.Join(readBuildInfo(ctx).Lines(), "\n"))
	return nil
}
