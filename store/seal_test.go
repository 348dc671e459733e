package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/keyslot"
)

// Every kind of change leaves a workspace whose records all match their
// seals: no false alarm from the record pass.
func TestEveryChangeKeepsSealsValid(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	verify := func(step string) {
		t.Helper()
		rep, err := w.Verify(ctx, VerifyOptions{})
		if err != nil || !rep.OK() {
			t.Fatalf("after %s: %v %+v %v", step, err, rep.Broken, rep.Tampered)
		}
	}
	_, err := w.LoadDemo(ctx, 30, 5, nil)
	must(err)
	verify("demo")
	csv := "account_id,full_name,email\nLC-T1,Әлия Нұрова,a@example.kz\nLC-T2,Бек Сейт,b@example.kz\n"
	_, err = w.ImportUsers(ctx, strings.NewReader(csv), "u.csv", exportfile.CSV, ImportOptions{})
	must(err)
	// Re-import with a change: the row is updated and sealed again.
	_, err = w.ImportUsers(ctx, strings.NewReader(strings.Replace(csv, "a@example.kz", "a2@example.kz", 1)+"LC-T3,Ерлан,e@example.kz\n"), "u2.csv", exportfile.CSV, ImportOptions{})
	must(err)
	verify("imports")
	must(w.UpdateUserField(ctx, "LC-T1", "phone", "+7 701 123 45 67", "user's request"))
	must(w.BlockUser(ctx, "LC-T2", "dispute"))
	must(w.DepersonalizeUser(ctx, "LC-T3", "statistics only"))
	_, err = w.DestroyUser(ctx, "LC-T1", "retention expired")
	must(err)
	verify("operations")
	_, err = w.ImportBuiltinPolicy(ctx)
	must(err)
	day := time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC)
	_, err = w.PublishPolicy(ctx, 1, day, day, "first")
	must(err)
	_, err = w.NewPolicyDraft(ctx, "second")
	must(err)
	_, err = w.PublishPolicy(ctx, 2, day.AddDate(0, 1, 0), day.AddDate(0, 1, 0), "second") // retires 1
	must(err)
	_, err = w.NewPolicyDraft(ctx, "third")
	must(err)
	must(w.DeletePolicyDraft(ctx, 3, "not needed"))
	verify("policy")
	must(w.AddStaff(ctx, "bob", RoleLegal, []byte("bob passphrase"), keyslot.TestParams))
	must(w.SetStaffProfile(ctx, "bob", "Боб Бобов", "юрист"))
	must(w.RemoveStaff(ctx, "bob", "left"))
	must(w.SetAutoLock(ctx, 5*time.Minute))
	must(w.SetTimeZone(ctx, "Asia/Oral"))
	o := DefaultOperator
	o.Contact = "dpo@example.kz"
	must(w.SetOperator(ctx, o, "new contact"))
	verify("staff and settings")
	if _, err := w.Backup(ctx, filepath.Join(t.TempDir(), "backup"), nil); err != nil {
		t.Fatal(err)
	}
	verify("backup") // it records the backup's time in the settings
	must(w.RotateKey(ctx, []byte("correct horse"), "rotation"))
	verify("rotation")

	// And the record pass does see a change behind the program's back.
	if _, err := w.db.Exec(`UPDATE staff SET position = 'partner' WHERE name = 'bob'`); err != nil {
		t.Fatal(err)
	}
	rep, err := w.Verify(ctx, VerifyOptions{})
	if err != nil || rep.OK() || len(rep.Tampered) != 1 || rep.Tampered[0].Object != "staff:bob" {
		t.Fatalf("raw staff edit: %v %+v", err, rep.Tampered)
	}
	if rep, _ := w.Verify(ctx, VerifyOptions{Quick: true}); !rep.OK() || rep.Records != 0 {
		t.Fatalf("--quick should skip the record pass: %+v", rep)
	}
}
