package shell

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// FileDialogKind says what a file dialog is for (its title).
type FileDialogKind int

const (
	OpenFile FileDialogKind = iota
	SaveFile
	ChooseFolder
)

// ShowFileDialog shows a file dialog of win with its title («Сохранить
// файл», «Файлды сақтау»: Fyne glues "Save" and "File" into «Сохранить
// Файл», which no language's word order fits) and its places
// («Домашняя папка», «Құжаттар», …) in the UI language.
func ShowFileDialog(fd *dialog.FileDialog, kind FileDialogKind, win fyne.Window) {
	switch kind {
	case SaveFile:
		fd.SetTitleText(lang.L("Save file"))
	case ChooseFolder:
		fd.SetTitleText(lang.L("Choose a folder"))
	default:
		fd.SetTitleText(lang.L("Open file"))
	}
	fd.Show()
	if win != nil {
		localizePlaces(win.Canvas())
	}
}

// Fyne v2.7.1 writes the place names of its file dialog without lang.L
// (dialog/file.go:400, 405, 950-956; dialog/file_unix.go:20) and puts
// them on screen in the places list's UpdateItem (dialog/file.go:199).
// That list is the leading side of the dialog's split; the list's
// UpdateItem is an exported field, so the app wraps it and writes the
// name in the UI language after Fyne has written it in English.
// TestFileDialogInKazakh fails if a Fyne upgrade changes that layout.
var (
	placesMu sync.Mutex
	placed   = map[*widget.List]bool{}
)

func localizePlaces(c fyne.Canvas) {
	for _, o := range c.Overlays().List() {
		if p, ok := o.(*widget.PopUp); ok {
			findPlaces(p.Content)
		}
	}
}

func findPlaces(o fyne.CanvasObject) {
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			findPlaces(c)
		}
	case *container.Split:
		if l, ok := v.Leading.(*widget.List); ok {
			wrapPlaces(l)
		}
		findPlaces(v.Trailing)
	case *container.Scroll:
		findPlaces(v.Content)
	}
}

func wrapPlaces(l *widget.List) {
	placesMu.Lock()
	done := placed[l]
	placed[l] = true
	placesMu.Unlock()
	if done || l.UpdateItem == nil {
		return
	}
	update := l.UpdateItem
	l.UpdateItem = func(id widget.ListItemID, item fyne.CanvasObject) {
		update(id, item)
		translatePlace(item)
	}
	l.Refresh()
}

func translatePlace(o fyne.CanvasObject) {
	switch v := o.(type) {
	case *widget.Label:
		if name := PlaceName(v.Text); name != v.Text {
			v.SetText(name)
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			translatePlace(c)
		}
	}
}

// PlaceName is a place of Fyne's file dialog in the UI language; other
// names (a drive letter) are returned as they are.
func PlaceName(name string) string {
	switch name {
	case "Home":
		return lang.L("place: Home")
	case "Computer":
		return lang.L("place: Computer")
	case "App Files":
		return lang.L("place: App Files")
	case "Desktop":
		return lang.L("place: Desktop")
	case "Documents":
		return lang.L("place: Documents")
	case "Downloads":
		return lang.L("place: Downloads")
	case "Music":
		return lang.L("place: Music")
	case "Pictures":
		return lang.L("place: Pictures")
	case "Videos":
		return lang.L("place: Videos")
	}
	return name
}
