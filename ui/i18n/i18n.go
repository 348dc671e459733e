// Package i18n loads the workstation's translations into Fyne's lang
// package and picks the UI language: Russian, Kazakh or English, Russian
// unless the environment asks for English or Kazakh.
//
// Translations live in assets/i18n: every folder below it (core/,
// records/, policy/, …) holds en.json, ru.json and kk.json (or
// <prefix>.<lang>.json) with English source strings as keys. Load reads
// them all, so a new screen adds its own folder without touching others.
package i18n

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"legco.kz/compliance/assets"
)

// The supported UI languages.
const (
	Russian = "ru"
	Kazakh  = "kk"
	English = "en"
)

// Dir is the folder of assets.FS that holds the translations.
const Dir = "i18n"

// Languages lists the supported languages, default first.
var Languages = []string{Russian, Kazakh, English}

var (
	mu      sync.Mutex
	current string
)

// Detect picks the UI language from the environment, in gettext's order:
// the first supported entry of LANGUAGE, else LC_ALL, LC_MESSAGES or LANG.
// English and Kazakh are used when asked for; anything else is Russian.
func Detect() string {
	locale := localeVar()
	if locale != "C" && locale != "POSIX" {
		for _, l := range strings.Split(os.Getenv("LANGUAGE"), ":") {
			if s := supported(l); s != "" {
				return s
			}
		}
	}
	if s := supported(locale); s != "" {
		return s
	}
	return Russian
}

func localeVar() string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return ""
}

// supported maps a locale name such as kk_KZ.UTF-8 to ru, kk or en ("" if
// it is none of them).
func supported(locale string) string {
	l := strings.ToLower(locale)
	if i := strings.IndexAny(l, "_.@-"); i >= 0 {
		l = l[:i]
	}
	switch l {
	case Russian, Kazakh, English:
		return l
	}
	return ""
}

// Load registers every translation file under assets/i18n with Fyne and
// makes language (ru, kk or en; "" = Detect()) the UI language, Fyne's own
// strings included. It may be called again to switch language. It returns
// the language in use.
func Load(language string) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	if language == "" {
		language = Detect()
	}
	if supported(language) == "" {
		return "", fmt.Errorf("ui language %q: use ru, kk or en", language)
	}
	language = supported(language)
	selectLanguage(language)
	files, err := Files()
	if err != nil {
		return "", err
	}
	var firstErr error
	for _, f := range files {
		b, err := fs.ReadFile(assets.FS, f.Path)
		if err == nil {
			// Each call merges the file's messages into the bundle for its
			// language and re-selects the language from the environment.
			err = lang.AddTranslationsForLocale(b, fyne.Locale(f.Lang))
		}
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("translations %s: %w", f.Path, err)
		}
	}
	current = language
	return language, firstErr
}

// Current is the language chosen by the last Load ("" before).
func Current() string {
	mu.Lock()
	defer mu.Unlock()
	return current
}

// selectLanguage makes Fyne's locale lookup (LANGUAGE, unless the locale
// is C or POSIX) return language. Fyne offers no other way to choose the
// language, and it looks again every time translations are added. Only
// LANGUAGE (which affects messages only) is set; a plain C or POSIX locale
// becomes C.UTF-8, which changes nothing else.
func selectLanguage(language string) {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		if v == "" {
			continue
		}
		if v == "C" || v == "POSIX" {
			os.Setenv(k, "C.UTF-8")
		}
		break
	}
	os.Setenv("LANGUAGE", language)
}

// File is one translation file.
type File struct {
	Path string // inside assets.FS, e.g. i18n/core/ru.json
	Lang string // ru, kk or en
}

// Files lists the translation files under assets/i18n.
func Files() ([]File, error) {
	var out []File
	err := fs.WalkDir(assets.FS, Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		name := strings.TrimSuffix(path.Base(p), ".json")
		if i := strings.LastIndex(name, "."); i >= 0 {
			name = name[i+1:]
		}
		l := supported(name)
		if l == "" || l != strings.ToLower(name) {
			return fmt.Errorf("translations %s: name the file en.json, ru.json or kk.json (optionally prefix.ru.json)", p)
		}
		out = append(out, File{Path: p, Lang: l})
		return nil
	})
	return out, err
}
