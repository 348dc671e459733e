package main

import (
	"context"
	"strings"

	"legco.kz/compliance/ui"
	uibackup "legco.kz/compliance/ui/backup"
)

func init() {
	uibackup.Register()
	// About shows what `legco-compliance version` prints.
	ui.AboutText = func() string { return strings.Join(readBuildInfo(context.Background()).Lines(), "\n") }
}
