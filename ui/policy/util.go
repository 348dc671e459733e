package policy

import (
	"errors"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

// canvasRect is a rectangle in a theme colour ("" = transparent).
func canvasRect(c fyne.ThemeColorName) *canvas.Rectangle {
	if c == "" {
		return canvas.NewRectangle(color.Transparent)
	}
	return canvas.NewRectangle(theme.Color(c))
}

func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }

// required is a validator for a field that must not be blank.
func required(what string) func(string) error {
	return func(v string) error {
		if strings.TrimSpace(v) == "" {
			return shell.UserError(lang.L("{{.Field}} is required.", map[string]any{"Field": what}))
		}
		return nil
	}
}

// translateStoreError explains the store's policy errors in the UI
// language; other errors go to shell.ErrorText as they are.
func translateStoreError(err error) error {
	var ve *store.ValidationError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrEditionPublished):
		return shell.UserError(lang.L("This edition is published (or retired) and can no longer be changed. Start a new draft to prepare changes."))
	case errors.As(err, &ve):
		field := ve.Field
		switch ve.Field {
		case "updated":
			field = lang.L("Last updated")
		case "effective":
			field = lang.L("Takes effect on")
		case "content":
			field = lang.L("Edition text")
		default:
			return err
		}
		reason := ve.Reason
		switch {
		case strings.Contains(reason, "is required"):
			reason = lang.L("the «last updated» date is required (clause 6.1)")
		case strings.Contains(reason, "cannot be before"):
			reason = lang.L("cannot be before the «last updated» date")
		case strings.Contains(reason, "empty edition"):
			reason = lang.L("an empty edition cannot be published")
		}
		return shell.UserError(field + ": " + reason + ".")
	}
	return err
}
