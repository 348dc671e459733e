package store

import (
	"context"
	"os"
	"strings"
	"testing"

	"legco.kz/compliance/store/keyslot"
)

// A removed member who kept a copy of FILE.keys cannot open the
// workspace after the default removal (which rotates the key), but can
// after --no-rekey's removal: the README's weaker case.
func TestRemovedMembersOldKeysCopyFails(t *testing.T) {
	ctx := context.Background()
	for _, rekey := range []bool{true, false} {
		w, path := newWorkspace(t)
		if err := w.AddStaff(ctx, "bob", RoleCompliance, []byte("bob's passphrase"), keyslot.TestParams); err != nil {
			t.Fatal(err)
		}
		kept, err := os.ReadFile(keyslot.Path(path)) // bob's copy
		if err != nil {
			t.Fatal(err)
		}
		if rekey {
			err = w.RemoveStaffAndRekey(ctx, "bob", "left the firm", []byte("correct horse"))
		} else {
			err = w.RemoveStaff(ctx, "bob", "left the firm")
		}
		if err != nil {
			t.Fatal(err)
		}
		rep, err := w.Verify(ctx, VerifyOptions{})
		if err != nil || !rep.OK() {
			t.Fatalf("verify after removal: %v %+v", err, rep)
		}
		es, _ := w.AuditEntries(ctx, AuditFilter{Action: "workspace.rekey"})
		if rekey != (len(es) == 1) {
			t.Fatalf("rekey=%v: %d rekey entries", rekey, len(es))
		}
		w.Close()
		// bob puts his copy back and signs in with his passphrase; his
		// staff record is marked removed either way, so the test reads
		// the key out of the slot and tries the database with it.
		slots, err := keyslot.Parse(kept, "kept")
		if err != nil {
			t.Fatal(err)
		}
		u, err := slots.Unlock("bob", []byte("bob's passphrase"))
		if err != nil {
			t.Fatal(err)
		}
		db, err := openDB(path, u.Key)
		if err != nil {
			t.Fatal(err)
		}
		err = checkCipher(ctx, db)
		db.Close()
		if rekey && (err == nil || !strings.Contains(err.Error(), "not a database")) {
			t.Fatalf("after rotation the old key still reads the workspace: %v", err)
		}
		if !rekey && err != nil {
			t.Fatalf("without rotation the old key should still read it (the documented weakness): %v", err)
		}
		// The admin opens it as usual.
		w2, err := Open(ctx, path, "Админ", []byte("correct horse"), testOpts)
		if err != nil {
			t.Fatal(err)
		}
		w2.Close()
	}
}

// A rotation interrupted before it completed leaves no entry claiming it
// did: the interrupted one below never wrote workspace.rekey, and the
// open that finishes it records that it was completed then.
func TestInterruptedRotationAuditedOnlyWhenCompleted(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	next, _ := keyslot.NewKey()
	if err := w.slots.SetPending("Админ", []byte("correct horse"), next); err != nil {
		t.Fatal(err)
	}
	if err := w.slots.Save(keyslot.Path(path)); err != nil {
		t.Fatal(err)
	}
	// A rotation that stops before PRAGMA rekey: nothing happened, nothing
	// is claimed.
	es, _ := w.AuditEntries(ctx, AuditFilter{Action: "workspace.rekey"})
	if len(es) != 0 {
		t.Fatalf("rekey entry before the rekey: %+v", es)
	}
	w.db.SetMaxOpenConns(1)
	if _, err := w.db.Exec("PRAGMA rekey = \"x'" + hexString(next) + "'\""); err != nil {
		t.Fatal(err)
	}
	w.db.Close()
	w.db = nil
	w2, err := Open(ctx, path, "Админ", []byte("correct horse"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	es, _ = w2.AuditEntries(ctx, AuditFilter{Action: "workspace.rekey"})
	if len(es) != 1 || !strings.Contains(es[0].Details, `"completed_on_open":true`) {
		t.Fatalf("rekey entries after the finishing open: %+v", es)
	}
	if rep, err := w2.Verify(ctx, VerifyOptions{}); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %+v", err, rep)
	}
}
