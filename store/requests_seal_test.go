package store

import (
	"context"
	"strings"
	"testing"
)

// A request's rows are bound to the log: a change to any of its tables
// made behind the program's back (as an older page copied back would make
// it) is named by the record pass; normal work never is.
func TestRequestRecordsAreSealed(t *testing.T) {
	ctx := context.Background()
	admin, officer, _ := requestsWorkspace(t)
	num := mustCreate(t, officer, NewRequest{Kind: KindAccess, Accounts: []string{"LC-000001"}, Reason: "письмо субъекта / субъектінің хаты"})
	if err := officer.AddRequestAttachment(ctx, num, "заявление.pdf", []byte("%PDF-1.4 test")); err != nil {
		t.Fatal(err)
	}
	move(t, officer, num, RequestVerifying)
	other := mustCreate(t, officer, NewRequest{Kind: KindBlocking, Accounts: []string{"LC-000002"}, Reason: "жалоба"})
	if rep, err := admin.Verify(ctx, VerifyOptions{}); err != nil || !rep.OK() {
		t.Fatalf("after normal work: %v %+v %v", err, rep.Broken, rep.Tampered)
	}
	tables := []struct{ name, sql string }{
		{"request row", `UPDATE requests SET due_on = '2027-01-01' WHERE number = ?`},
		{"timeline", `UPDATE request_events SET reason = 'переписано' WHERE request_id = (SELECT id FROM requests WHERE number = ?)`},
		{"attachment", `UPDATE request_attachments SET sha256 = '00' WHERE request_id = (SELECT id FROM requests WHERE number = ?)`},
		{"accounts", `DELETE FROM request_accounts WHERE request_id = (SELECT id FROM requests WHERE number = ?)`},
	}
	for _, tc := range tables {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := admin.db.Begin()
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			if _, err := tx.Exec(tc.sql, num); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			rep, err := admin.Verify(ctx, VerifyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() || len(rep.Tampered) != 1 || rep.Tampered[0].Object != "request:"+num {
				t.Fatalf("%s changed outside the program: want one finding on request:%s, got %+v", tc.name, num, rep.Tampered)
			}
			// Put the record back through the program: the next audited
			// change to the request seals its current state again.
			if err := officer.AssignRequest(ctx, num, "Ұлжан", "re-sealed for the next case"); err != nil {
				t.Fatal(err)
			}
		})
	}
	if rep, _ := admin.Verify(ctx, VerifyOptions{}); !rep.OK() {
		t.Fatalf("after re-sealing, %s and %s must verify clean: %+v", num, other, rep.Tampered)
	}
}

// A workspace sealed before requests were (no meta 'sealed_prefixes', no
// request seals) gets its requests sealed when this build opens it, and
// then verifies clean.
func TestRequestSealsAddedToOlderWorkspace(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	seedUsers(t, w)
	_, err := w.CreateRequest(ctx, NewRequest{Kind: KindAccess, Accounts: []string{"LC-000001"}, Reason: "письмо"})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DELETE FROM seals WHERE object LIKE 'request:%'`, `DELETE FROM meta WHERE key = 'sealed_prefixes'`} {
		if _, err := w.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if rep, _ := w.Verify(ctx, VerifyOptions{}); rep.OK() || !strings.Contains(rep.Tampered[0].Reason, "no seal") {
		t.Fatalf("an unsealed request must be reported before the upgrade: %+v", rep.Tampered)
	}
	w.Close()
	w2, err := Open(ctx, path, "Админ", []byte("correct horse"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	if rep, err := w2.Verify(ctx, VerifyOptions{}); err != nil || !rep.OK() {
		t.Fatalf("after opening with this build: %v %+v", err, rep.Tampered)
	}
	var have string
	if err := w2.db.QueryRow(`SELECT value FROM meta WHERE key = 'sealed_prefixes'`).Scan(&have); err != nil || !strings.Contains(have, "request:") {
		t.Fatalf("sealed_prefixes = %q, %v", have, err)
	}
}
