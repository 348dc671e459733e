package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"legco.kz/compliance/store/keyslot"
)

func TestOperatorSettings(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	o, err := w.Operator(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if o != DefaultOperator || o.Complete() {
		t.Fatalf("fresh workspace operator = %+v, want the incomplete default", o)
	}
	bad := DefaultOperator
	bad.BIN = "123456789012"
	var ve *ValidationError
	if err := w.SetOperator(ctx, bad, "x"); !errors.As(err, &ve) || ve.Field != "BIN" {
		t.Fatalf("bad BIN: err = %v, want a BIN ValidationError", err)
	}
	good := Operator{NameRU: " ТОО «K&T Partners» ", NameKK: "«K&T Partners» ЖШС", BIN: "190240012344",
		AddressRU: "г. Алматы, ул. Сатпаева, 1", AddressKK: "Алматы қ., Сәтбаев к-сі, 1", Contact: "privacy@legco.kz"}
	if err := w.SetOperator(ctx, good, "registration details"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	w2, err := Open(ctx, path, "Админ", []byte("correct horse"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	got, _ := w2.Operator(ctx)
	good.NameRU = "ТОО «K&T Partners»"
	if got != good || !got.Complete() || got.Name("kk") != good.NameKK || got.Address("ru") != good.AddressRU {
		t.Fatalf("operator after reopen = %+v, want %+v", got, good)
	}
	es, _ := w2.AuditEntries(ctx, AuditFilter{ObjectLike: "settings:operator", Limit: 5})
	if len(es) != 1 || es[0].Action != "settings.operator" || es[0].Reason != "registration details" {
		t.Fatalf("audit entries for the operator: %+v", es)
	}
}

func TestTimeZoneSetting(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	utc := time.Date(2026, 11, 28, 6, 8, 0, 0, time.UTC)
	if got := utc.In(w.Location()).Format("15:04 -07:00"); got != "11:08 +05:00" {
		t.Fatalf("default zone shows 06:08 UTC as %s, want 11:08 +05:00", got)
	}
	if err := w.SetTimeZone(ctx, "Mars/Olympus"); err == nil {
		t.Fatal("unknown zone accepted")
	}
	if err := w.SetTimeZone(ctx, "Asia/Aqtobe"); err != nil {
		t.Fatal(err)
	}
	if got := w.Location().String(); got != "Asia/Aqtobe" {
		t.Fatalf("zone after change = %s", got)
	}
}

func TestStaffProfile(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	if err := w.AddStaff(ctx, "aigerim", RoleCompliance, []byte("compliance pass"), keyslot.TestParams); err != nil {
		t.Fatal(err)
	}
	if err := w.SetStaffProfile(ctx, "aigerim", "  Әйгерім   Нұрланқызы ", "Менеджер по комплаенсу"); err != nil {
		t.Fatal(err)
	}
	s, err := w.StaffMember(ctx, "aigerim")
	if err != nil {
		t.Fatal(err)
	}
	if s.FullName != "Әйгерім Нұрланқызы" || s.Position != "Менеджер по комплаенсу" || s.DisplayName() != s.FullName {
		t.Fatalf("profile = %q / %q", s.FullName, s.Position)
	}
	if err := w.SetStaffProfile(ctx, "nobody", "X", "Y"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown member: err = %v", err)
	}
	w.Close()
	// A compliance officer may edit their own profile, not another's.
	c, err := Open(ctx, path, "aigerim", []byte("compliance pass"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SetStaffProfile(ctx, "aigerim", "Әйгерім Нұрланқызы", "Бас маман"); err != nil {
		t.Fatal(err)
	}
	if c.Me().Position != "Бас маман" {
		t.Fatalf("Me() not updated: %+v", c.Me())
	}
	var fe *ForbiddenError
	if err := c.SetStaffProfile(ctx, "Админ", "X", "Y"); !errors.As(err, &fe) {
		t.Fatalf("editing another's profile: err = %v", err)
	}
}

func TestChangeUnderRequestNamesIt(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	if err := w.SetAutoLock(WithRequest(ctx, "RQ-2026-000007"), time.Hour); err != nil {
		t.Fatal(err)
	}
	es, err := w.AuditEntries(ctx, AuditFilter{ObjectLike: "settings", Limit: 1})
	if err != nil || len(es) != 1 {
		t.Fatalf("entries: %v %v", es, err)
	}
	if got := es[0].Details; !strings.Contains(got, `"request":"RQ-2026-000007"`) {
		t.Fatalf("details[request] = %v, want RQ-2026-000007 (details %v)", got, es[0].Details)
	}
}
