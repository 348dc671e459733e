package shell_test

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/internal/uitest"
	"legco.kz/compliance/ui/shell"
)

// fyneStrings are the strings Fyne v2.7.1's dialogs and entries pass
// through lang.L / lang.X (dialog/file.go, dialog/confirm.go,
// widget/entry.go's menu, …).
var fyneStrings = []string{"Advanced", "Cancel", "Confirm", "Copy", "Create Folder", "Cut", "Enter filename", "Error",
	"File", "Folder", "New Folder", "No", "OK", "Open", "Paste", "Quit", "Redo", "Save", "Select all",
	"Show Hidden Files", "Undo", "Yes"}

// TestFyneStringsInRussianAndKazakh: every string Fyne's own widgets and
// dialogs translate reads in Russian (Fyne's catalogue, kept) and in
// Kazakh (ours: Fyne has none), not in English.
func TestFyneStringsInRussianAndKazakh(t *testing.T) {
	test.NewTempApp(t)
	defer i18n.Load(i18n.Russian)
	if _, err := i18n.Load(i18n.English); err != nil {
		t.Fatal(err)
	}
	english := map[string]string{}
	for _, k := range fyneStrings {
		english[k] = lang.L(k)
	}
	english["file.name"] = lang.X("file.name", "Name")
	english["file.parent"] = lang.X("file.parent", "Parent")
	for _, l := range []string{i18n.Russian, i18n.Kazakh} {
		if _, err := i18n.Load(l); err != nil {
			t.Fatal(err)
		}
		for k, en := range english {
			got := lang.L(k)
			if k == "file.name" || k == "file.parent" {
				got = lang.X(k, en)
			}
			if got == en || got == "" {
				t.Errorf("%s: Fyne's %q reads %q", l, k, got)
			}
		}
	}
}

// TestFileDialogInKazakh opens Fyne's save dialog in the Kazakh UI: the
// title, the buttons and the parent-folder row are Kazakh (the hidden-
// files box sits in a menu: TestFyneStringsInRussianAndKazakh covers it). Fyne
// v2.7.1 writes its place names ("Home", "Computer", "Documents", …)
// without lang.L (dialog/file.go:400, dialog/file_unix.go:20,
// dialog/file.go:950-956, shown by dialog/file.go:199); ShowFileDialog
// rewrites them, and this test fails if a Fyne upgrade moves them.
func TestFileDialogInKazakh(t *testing.T) {
	loop := uitest.Install(t)
	test.NewTempApp(t)
	if _, err := i18n.Load(i18n.Kazakh); err != nil {
		t.Fatal(err)
	}
	defer i18n.Load(i18n.Russian)
	win := test.NewTempWindow(t, nil)
	win.Resize(fyne.NewSize(1024, 700))
	fd := dialog.NewFileSave(func(fyne.URIWriteCloser, error) {}, win)
	fd.Resize(fyne.NewSize(900, 600))
	shell.ShowFileDialog(fd, shell.SaveFile, win)
	loop.Settle(t)
	texts := uitest.Texts(win.Canvas())
	for _, want := range []string{"Файлды сақтау", "Бас тарту", "Сақтау", "(Жоғары)"} {
		if !slices.Contains(texts, want) {
			t.Errorf("the save dialog does not show %q: %q", want, texts)
		}
	}
	for _, english := range []string{"Cancel", "Save", "(Parent)", "Save File"} {
		if slices.Contains(texts, english) {
			t.Errorf("the save dialog shows %q in English", english)
		}
	}
	// Fyne writes its place names in English; the app rewrites them.
	if slices.Contains(texts, "Home") || !slices.Contains(texts, "Үй қалтасы") {
		t.Errorf("the home folder is not «Үй қалтасы» in the places list: %q", texts)
	}
}

// Every place Fyne's file dialog names on Linux, macOS and Windows has a
// Russian and a Kazakh name; a drive letter stays as it is.
func TestPlaceNames(t *testing.T) {
	test.NewTempApp(t)
	defer i18n.Load(i18n.Russian)
	for _, l := range []string{i18n.Russian, i18n.Kazakh} {
		if _, err := i18n.Load(l); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"Home", "Computer", "App Files", "Desktop", "Documents", "Downloads", "Music", "Pictures", "Videos"} {
			if got := shell.PlaceName(p); got == p || got == "" || strings.HasPrefix(got, "place:") {
				t.Errorf("%s: place %q reads %q", l, p, got)
			}
		}
		if got := shell.PlaceName(`C:\`); got != `C:\` {
			t.Errorf("a drive letter became %q", got)
		}
	}
}
