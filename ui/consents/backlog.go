package consents

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

// pageSize is how many users one UsersByID call loads for the list.
const pageSize = 200

// BacklogView is the re-consent backlog: counts per edition and the users
// in a virtualised list that holds their ids and the pages in view.
type BacklogView struct {
	env  *shell.Env
	open func(accountID string)

	Counts *widget.Label
	List   *widget.List
	Empty  *widget.Label

	edition int
	ids     []int64
	pages   map[int][]store.UserSummary
	loading map[int]bool
	gen     int
	Backlog *store.ConsentBacklog

	content fyne.CanvasObject
}

var backlogCols = &shell.Columns{Widths: []float32{120, 320, 140}}

func newBacklogView(env *shell.Env, open func(string)) *BacklogView {
	b := &BacklogView{env: env, open: open, pages: map[int][]store.UserSummary{}, loading: map[int]bool{}}
	b.Counts = widget.NewLabel(lang.L("Loading…"))
	b.Counts.Wrapping = fyne.TextWrapWord
	b.Empty = widget.NewLabel("")
	b.Empty.Importance = widget.LowImportance
	b.Empty.Hide()
	b.List = widget.NewList(func() int { return len(b.ids) },
		func() fyne.CanvasObject {
			return container.New(backlogCols, shell.CellLabel(""), shell.CellLabel(""), shell.CellLabel(""))
		}, b.update)
	b.List.OnSelected = func(i widget.ListItemID) {
		if u, ok := b.row(i); ok && b.open != nil {
			b.open(u.AccountID)
		}
		b.List.UnselectAll()
	}
	refresh := widget.NewButtonWithIcon(lang.L("Refresh"), theme.ViewRefreshIcon(), b.Reload)
	note := widget.NewLabel(lang.L("Users whose latest acceptance of the privacy policy is of an edition older than the one in force. Pick an edition in the filter above to list only its users; select a user to open their consents."))
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	head := shell.HeaderRow(backlogCols, lang.L("Account id"), lang.L("Full name"), lang.L("Backlog: accepted edition"))
	top := container.NewVBox(container.NewBorder(nil, nil, nil, refresh, b.Counts), note, head)
	b.content = container.NewBorder(top, nil, nil, nil, container.NewStack(b.List, container.NewCenter(b.Empty)))
	return b
}

// SetEdition lists the backlog of one edition (0: every older edition).
func (b *BacklogView) SetEdition(n int) {
	if n == b.edition {
		return
	}
	b.edition = n
	b.Reload()
}

// Len is the number of users listed.
func (b *BacklogView) Len() int { return len(b.ids) }

// Reload counts the backlog and reloads the list's ids.
func (b *BacklogView) Reload() {
	b.gen++
	gen := b.gen
	ed := b.edition
	var bl *store.ConsentBacklog
	var ids []int64
	b.env.Run(func(ctx context.Context) error {
		var err error
		if bl, err = b.env.WS.ConsentBacklog(ctx); err != nil {
			return err
		}
		ids, err = b.env.WS.ConsentBacklogIDs(ctx, ed)
		return err
	}, func(err error) {
		if gen != b.gen {
			return
		}
		if err != nil {
			b.env.ShowError(err)
			return
		}
		b.Backlog = bl
		b.ids = ids
		clear(b.pages)
		clear(b.loading)
		b.Counts.SetText(backlogText(bl))
		if len(ids) == 0 {
			b.Empty.SetText(lang.L("Nobody is waiting to re-accept."))
			b.Empty.Show()
		} else {
			b.Empty.Hide()
		}
		b.List.Refresh()
	})
}

func backlogText(bl *store.ConsentBacklog) string {
	if bl.Current == 0 {
		return lang.L("No policy edition is published yet.")
	}
	var parts []string
	for _, c := range bl.ByEdition {
		parts = append(parts, fmt.Sprintf("%s: %d", editionText(c.Edition), c.Users))
	}
	s := lang.L("Edition in force: {{.Edition}}; accepted by {{.Accepted}} users. Waiting to re-accept: {{.Total}}", map[string]any{
		"Edition": bl.Current, "Accepted": bl.Accepted, "Total": bl.Total})
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}

func (b *BacklogView) row(i int) (store.UserSummary, bool) {
	p := b.pages[i/pageSize]
	if k := i % pageSize; k < len(p) {
		return p[k], true
	}
	return store.UserSummary{}, false
}

func (b *BacklogView) update(i widget.ListItemID, o fyne.CanvasObject) {
	cells := o.(*fyne.Container).Objects
	u, ok := b.row(i)
	if !ok {
		for _, c := range cells {
			c.(*widget.Label).SetText("…")
		}
		b.load(i / pageSize)
		return
	}
	cells[0].(*widget.Label).SetText(u.AccountID)
	cells[1].(*widget.Label).SetText(u.FullName)
	cells[2].(*widget.Label).SetText(editionText(b.editionOf(i)))
}

// editionOf is the accepted edition of row i: the ids come ordered by
// edition, counted per edition in the backlog.
func (b *BacklogView) editionOf(i int) int {
	if b.edition > 0 || b.Backlog == nil {
		return b.edition
	}
	for _, c := range b.Backlog.ByEdition {
		if i < c.Users {
			return c.Edition
		}
		i -= c.Users
	}
	return 0
}

// load fetches one page of users; pages far from what is in view are
// dropped so the list holds a few pages whatever its length.
func (b *BacklogView) load(page int) {
	if b.loading[page] {
		return
	}
	b.loading[page] = true
	gen := b.gen
	from := page * pageSize
	to := min(from+pageSize, len(b.ids))
	ids := append([]int64(nil), b.ids[from:to]...)
	var us []store.UserSummary
	b.env.Run(func(ctx context.Context) error {
		var err error
		us, err = b.env.WS.UsersByID(ctx, ids)
		return err
	}, func(err error) {
		if gen != b.gen {
			return
		}
		delete(b.loading, page)
		if err != nil {
			b.env.ShowError(err)
			return
		}
		for p := range b.pages {
			if p < page-4 || p > page+4 {
				delete(b.pages, p)
			}
		}
		b.pages[page] = us
		b.List.Refresh()
	})
}
