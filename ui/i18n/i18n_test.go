package i18n

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2/lang"

	"legco.kz/compliance/assets"
)

// fyneKeys are the strings Fyne's own widgets and dialogs translate; Fyne
// ships no Kazakh, so kk.json must have them.
var fyneKeys = []string{"Advanced", "Cancel", "Confirm", "Copy", "Create Folder", "Cut", "Enter filename", "Error",
	"Favourites", "File", "Folder", "New Folder", "No", "OK", "Open", "Paste", "Quit", "Redo", "Save", "Select all",
	"Show Hidden Files", "Undo", "Yes", "file.name", "file.parent",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"monday.short", "tuesday.short", "wednesday.short", "thursday.short", "friday.short", "saturday.short", "sunday.short"}

// use is one lang call found in the source.
type use struct {
	key    string
	plural bool
	pos    string
}

// keysUsed parses every Go file under ui/ (tests excluded) and returns
// the literal keys of lang.L, lang.N, lang.X and lang.XN calls. A call
// whose key is not a string literal is an error: it cannot be checked.
func keysUsed(t *testing.T) []use {
	t.Helper()
	var out []use
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "lang" {
				return true
			}
			switch sel.Sel.Name {
			case "L", "N", "X", "XN", "Localize", "LocalizePlural", "LocalizeKey", "LocalizePluralKey":
			default:
				return true
			}
			pos := fset.Position(call.Pos()).String()
			if len(call.Args) == 0 {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: lang.%s with a key that is not a string literal cannot be checked", pos, sel.Sel.Name)
				return true
			}
			key, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Errorf("%s: %v", pos, err)
				return true
			}
			plural := sel.Sel.Name == "N" || sel.Sel.Name == "XN" || strings.Contains(sel.Sel.Name, "Plural")
			out = append(out, use{key: key, plural: plural, pos: pos})
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("found only %d lang calls under ui/: is the scan broken?", len(out))
	}
	return out
}

// messages reads every translation file of a language (all folders).
func messages(t *testing.T) map[string]map[string]any {
	t.Helper()
	files, err := Files()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, f := range files {
		b, err := fs.ReadFile(assets.FS, f.Path)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		if out[f.Lang] == nil {
			out[f.Lang] = map[string]any{}
		}
		for k, v := range m {
			if _, dup := out[f.Lang][k]; dup {
				t.Errorf("%s: key %q is already defined in another %s file", f.Path, k, f.Lang)
			}
			out[f.Lang][k] = v
		}
	}
	return out
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// texts returns a message's text(s): a string, or the plural forms.
func texts(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case map[string]any:
		var out []string
		for _, f := range x {
			if s, ok := f.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func TestEveryKeyTranslated(t *testing.T) {
	used := keysUsed(t)
	msgs := messages(t)
	for _, l := range Languages {
		if msgs[l] == nil {
			t.Fatalf("no %s translations", l)
		}
	}
	// go-i18n reads an object with these keys (any case) as one message:
	// a file with such a key fails to load as a whole.
	reserved := []string{"id", "description", "hash", "leftdelim", "rightdelim", "zero", "one", "two", "few", "many", "other"}
	for _, u := range used {
		if slices.Contains(reserved, strings.ToLower(u.key)) {
			t.Errorf("%s: %q is reserved by go-i18n and cannot be a key", u.pos, u.key)
		}
	}
	for _, u := range used {
		want := placeholders(u.key)
		for _, l := range Languages {
			v, ok := msgs[l][u.key]
			if !ok {
				t.Errorf("%s: %q has no %s translation: add it to assets/i18n/<screen>/%s.json", u.pos, u.key, l, l)
				continue
			}
			ts := texts(v)
			if len(ts) == 0 {
				t.Errorf("%s: %q: %s translation is neither a string nor plural forms", u.pos, u.key, l)
			}
			if u.plural {
				forms, _ := v.(map[string]any)
				if forms == nil || forms["other"] == nil {
					t.Errorf("%s: %q is plural: the %s translation needs plural forms with at least \"other\"", u.pos, u.key, l)
				}
				if l == Russian && forms != nil && (forms["one"] == nil || forms["few"] == nil || forms["many"] == nil) {
					t.Errorf("%s: %q: Russian plural needs one, few and many", u.pos, u.key)
				}
			}
			for _, s := range ts {
				if got := placeholders(s); !slices.Equal(got, want) {
					t.Errorf("%s: %q: %s translation %q uses placeholders %v, want %v", u.pos, u.key, l, s, got, want)
				}
			}
		}
	}
	// Keys no source uses are dead weight (other folders belong to other
	// screens, whose code may live outside ui/: only core is checked).
	usedSet := map[string]bool{}
	for _, u := range used {
		usedSet[u.key] = true
	}
	for _, k := range fyneKeys {
		usedSet[k] = true
	}
	files, _ := Files()
	for _, f := range files {
		if !strings.Contains(f.Path, "/core/") {
			continue
		}
		b, _ := fs.ReadFile(assets.FS, f.Path)
		var m map[string]any
		json.Unmarshal(b, &m)
		for k := range m {
			if !usedSet[k] {
				t.Errorf("%s: key %q is not used by any lang call under ui/", f.Path, k)
			}
		}
	}
}

func TestKazakhHasFyneStrings(t *testing.T) {
	kk := messages(t)[Kazakh]
	for _, k := range fyneKeys {
		if _, ok := kk[k]; !ok {
			t.Errorf("kk has no translation of Fyne's %q", k)
		}
	}
}

// kazakhLetters are the Cyrillic letters Kazakh has and Russian has not.
const kazakhLetters = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"

func TestTranslationsAreInTheirLanguage(t *testing.T) {
	msgs := messages(t)
	cyrillic := func(s string) bool {
		for _, r := range placeholder.ReplaceAllString(s, "") {
			if unicode.Is(unicode.Cyrillic, r) {
				return true
			}
		}
		return false
	}
	var kkTotal, kkSpecific int
	for _, l := range []string{Russian, Kazakh} {
		for k, v := range msgs[l] {
			for _, s := range texts(v) {
				latinOnly := !cyrillic(s)
				// Product names, codes and abbreviations stay as they are.
				if latinOnly && cyrillic(k) == false && len(placeholder.ReplaceAllString(k, "")) > 12 && !strings.Contains(k, "LegCo") && !strings.Contains(k, "K&T") {
					t.Errorf("%s: %q is translated as %q, which has no Cyrillic letter", l, k, s)
				}
				if l == Kazakh && len([]rune(s)) > 12 {
					kkTotal++
					if strings.ContainsAny(s, kazakhLetters) {
						kkSpecific++
					}
				}
			}
		}
	}
	// Nearly every Kazakh sentence has at least one of ә ғ қ ң ө ұ ү һ і;
	// a Russian text pasted into kk.json has none.
	if kkTotal == 0 || float64(kkSpecific) < 0.8*float64(kkTotal) {
		t.Errorf("only %d of %d longer Kazakh texts use Kazakh letters: is kk.json really Kazakh?", kkSpecific, kkTotal)
	}
}

func TestDetect(t *testing.T) {
	cases := []struct {
		language, lcAll, lcMessages, lang, want string
	}{
		{"", "", "", "ru_RU.UTF-8", Russian},
		{"", "", "", "en_US.UTF-8", English},
		{"", "", "", "kk_KZ.UTF-8", Kazakh},
		{"", "", "", "de_DE.UTF-8", Russian},
		{"", "", "", "C", Russian},
		{"", "", "", "", Russian},
		{"", "en_GB.UTF-8", "", "ru_RU.UTF-8", English},
		{"", "", "kk_KZ.UTF-8", "en_US.UTF-8", Kazakh},
		{"de:kk", "", "", "en_US.UTF-8", Kazakh},
		{"en", "C", "", "", Russian}, // gettext ignores LANGUAGE under the C locale
	}
	for _, c := range cases {
		t.Setenv("LANGUAGE", c.language)
		t.Setenv("LC_ALL", c.lcAll)
		t.Setenv("LC_MESSAGES", c.lcMessages)
		t.Setenv("LANG", c.lang)
		if got := Detect(); got != c.want {
			t.Errorf("LANGUAGE=%q LC_ALL=%q LC_MESSAGES=%q LANG=%q: Detect() = %s, want %s", c.language, c.lcAll, c.lcMessages, c.lang, got, c.want)
		}
	}
}

func TestLoadSwitchesLanguageAndMergesFolders(t *testing.T) {
	for _, k := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		t.Setenv(k, "")
	}
	t.Setenv("LANG", "de_DE.UTF-8") // Fyne has German; we must still get Russian
	got, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if got != Russian {
		t.Fatalf("Load(\"\") under de_DE = %s, want ru", got)
	}
	if s := lang.L("Cancel"); s != "Отмена" {
		t.Errorf("ru: Cancel = %q", s)
	}
	if s := lang.L("Unlock"); s == "Unlock" {
		t.Errorf("ru: Unlock is not translated")
	}
	if _, err := Load(Kazakh); err != nil {
		t.Fatal(err)
	}
	if s := lang.L("Cancel"); s != "Бас тарту" {
		t.Errorf("kk: Cancel = %q", s)
	}
	if _, err := Load(English); err != nil {
		t.Fatal(err)
	}
	if s := lang.L("Unlock"); s != "Unlock" {
		t.Errorf("en: Unlock = %q", s)
	}
	// Several folders merge into one bundle per language: a message from
	// a second file of the same language must not hide the first file's.
	if err := lang.AddTranslationsForLocale([]byte(`{"zz merge probe": "проба"}`), "ru"); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(Russian); err != nil {
		t.Fatal(err)
	}
	if lang.L("zz merge probe") != "проба" || lang.L("Unlock") == "Unlock" {
		t.Errorf("translations from two files did not merge: %q, %q", lang.L("zz merge probe"), lang.L("Unlock"))
	}
	if _, err := Load("de"); err == nil {
		t.Error("Load(de) should fail")
	}
}
