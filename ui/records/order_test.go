package records

import (
	"bytes"
	"context"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/internal/uitest"
)

// The list is in alphabetical order by default; the account id and name
// titles switch it, and an edit of a name moves the row.
func TestListSortsByNameOrAccount(t *testing.T) {
	f := setup(t, 600, false)
	s := f.s
	rows := func() []store.UserSummary {
		t.Helper()
		n := s.win.length()
		out := make([]store.UserSummary, 0, n)
		for i := 0; i < n; i++ {
			if _, ids, ok := s.win.need(i); ok {
				us, err := f.ws.UsersByID(context.Background(), ids)
				if err != nil {
					t.Fatal(err)
				}
				s.win.put(i/pageSize, us)
			}
			u, st := s.win.row(i)
			if st != rowLoaded {
				t.Fatalf("row %d: state %v", i, st)
			}
			out = append(out, u)
		}
		return out
	}
	inNameOrder := func(us []store.UserSummary) bool {
		for i := 1; i < len(us); i++ {
			a, b := store.NameKey(us[i-1].FullName), store.NameKey(us[i].FullName)
			if c := bytes.Compare(a, b); c > 0 || c == 0 && us[i-1].AccountID > us[i].AccountID {
				t.Logf("%q (%s) before %q (%s)", us[i-1].FullName, us[i-1].AccountID, us[i].FullName, us[i].AccountID)
				return false
			}
		}
		return true
	}
	inAccountOrder := func(us []store.UserSummary) bool {
		for i := 1; i < len(us); i++ {
			if us[i-1].AccountID >= us[i].AccountID {
				return false
			}
		}
		return true
	}
	if s.Order() != store.OrderByName || !s.NameHeader.sorted() || s.AccountHeader.sorted() {
		t.Fatalf("default order %v; arrows name %v, account %v", s.Order(), s.NameHeader.sorted(), s.AccountHeader.sorted())
	}
	byName := rows()
	if len(byName) != 600 || !inNameOrder(byName) {
		t.Fatalf("%d rows, not in alphabetical order", len(byName))
	}
	if inAccountOrder(byName) {
		t.Fatal("demo names in account order: the test proves nothing")
	}

	test.Tap(s.AccountHeader)
	f.loop.Settle(t)
	if s.Order() != store.OrderByAccountID || !s.AccountHeader.sorted() || s.NameHeader.sorted() {
		t.Fatalf("after a tap on the account id: order %v", s.Order())
	}
	if us := rows(); len(us) != 600 || !inAccountOrder(us) {
		t.Fatal("not in account id order after a tap on its title")
	}

	test.Tap(s.NameHeader)
	f.loop.Settle(t)
	if s.Order() != store.OrderByName || !inNameOrder(rows()) {
		t.Fatal("not back in name order after a tap on the name title")
	}

	// A filter keeps the order.
	s.Blocked.SetChecked(false)
	s.Entity.SetChecked(true)
	f.loop.Settle(t)
	if us := rows(); len(us) == 0 || len(us) == 600 || !inNameOrder(us) {
		t.Fatalf("legal-entity filter: %d rows, in name order %v", len(us), inNameOrder(us))
	}
	s.Entity.SetChecked(false)
	f.loop.Settle(t)

	// Renamed «Яковлев Ян» in the detail: the row moves from the top.
	first := byName[0]
	s.Open(first.AccountID)
	f.loop.Settle(t)
	test.Tap(s.Detail.EditButton)
	sel := uitest.FindIn[*widget.Select](f.top())
	if len(sel) != 1 {
		t.Fatal("no field select in the edit dialog")
	}
	sel[0].SetSelected(FieldLabel("full_name"))
	for _, e := range uitest.FindIn[*widget.Entry](f.top()) {
		if !e.MultiLine && e.Text == first.FullName {
			e.SetText("Яковлев Ян")
		}
	}
	test.Type(f.reasonEntry(t), "обращение пользователя № 2")
	test.Tap(f.button(t, "Сохранить изменение"))
	f.loop.Settle(t)
	if s.Detail.User == nil || s.Detail.User.FullName != "Яковлев Ян" {
		t.Fatalf("not renamed: %+v", s.Detail.User)
	}
	s.Back()
	f.loop.Settle(t)
	us := rows()
	if !inNameOrder(us) || us[0].AccountID == first.AccountID {
		t.Errorf("after renaming %s the list is not in name order (first %s)", first.AccountID, us[0].AccountID)
	}
}
