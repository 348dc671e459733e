package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"legco.kz/compliance/store/exportfile"
)

func importFile(t *testing.T, w *Workspace, path string, access bool) *ImportResult {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := f.Read(head)
	f.Seek(0, 0)
	format, err := exportfile.DetectFormat(path, head[:n])
	if err != nil {
		t.Fatal(err)
	}
	var res *ImportResult
	if access {
		res, err = w.ImportAccessLog(context.Background(), f, filepath.Base(path), format, ImportOptions{})
	} else {
		res, err = w.ImportUsers(context.Background(), f, filepath.Base(path), format, ImportOptions{})
	}
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestImportUsersReportsBadRowsAndIsIdempotent(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	res := importFile(t, w, "exportfile/testdata/users.csv", false)
	if res.New == 0 || res.Rejected == 0 {
		t.Fatalf("first import: %+v", res)
	}
	var reasons []string
	for _, e := range res.Errors {
		if e.Line == 0 || e.File != "users.csv" {
			t.Errorf("row error without file/line: %+v", e)
		}
		reasons = append(reasons, e.Error())
	}
	all := strings.Join(reasons, "\n")
	for _, want := range []string{"line 5, column iin", "line 6, column account_id: duplicate", "line 9"} {
		if !strings.Contains(all, want) {
			t.Errorf("report lacks %q:\n%s", want, all)
		}
	}
	if !strings.Contains(all, "column iin") {
		t.Errorf("wrong IIN not reported:\n%s", all)
	}
	if !strings.Contains(strings.ToLower(all), "duplicate") {
		t.Errorf("duplicate id not reported:\n%s", all)
	}
	n1, _ := w.CountUsers(ctx, UserFilter{})
	head1, _ := w.AuditHead(ctx)
	if n1 != res.New {
		t.Fatalf("count %d, new %d", n1, res.New)
	}
	// The quoted newline survives inside the address.
	u, err := w.GetUser(ctx, "LC-000001")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(u.Address, "\n") || u.Phone != "+77011234567" || u.Email != "Nurlan.Alibekov@mail.ru" {
		t.Errorf("LC-000001 = %+v", u)
	}
	if len(u.Extra) != 0 && u.Extra[0].Name != "position" {
		t.Errorf("extra = %+v", u.Extra)
	}

	res2 := importFile(t, w, "exportfile/testdata/users.csv", false)
	if res2.New != 0 || res2.Updated != 0 || res2.Same != res.New {
		t.Fatalf("re-import changed something: %+v", res2)
	}
	n2, _ := w.CountUsers(ctx, UserFilter{})
	if n2 != n1 {
		t.Fatalf("re-import: %d users, was %d", n2, n1)
	}
	// Only the batch bookkeeping entry is added, no user.* entries.
	es, _ := w.AuditEntries(ctx, AuditFilter{Action: "user."})
	if len(es) != 0 {
		t.Fatalf("re-import wrote user entries: %+v", es)
	}
	head2, _ := w.AuditHead(ctx)
	if head2.Seq != head1.Seq+1 {
		t.Fatalf("re-import wrote %d audit entries, want 1 (the batch)", head2.Seq-head1.Seq)
	}

	// Access log: good rows in, unknown accounts rejected, idempotent.
	a1 := importFile(t, w, "exportfile/testdata/access.csv", true)
	if a1.New == 0 {
		t.Fatalf("access import: %+v", a1)
	}
	a2 := importFile(t, w, "exportfile/testdata/access.csv", true)
	if a2.New != 0 || a2.Same != a1.New {
		t.Fatalf("access re-import: %+v", a2)
	}
	bs, err := w.ImportBatches(ctx)
	if err != nil || len(bs) != 4 || bs[0].Kind != "access-log" || bs[3].New != res.New || bs[3].Rejected != 3 || bs[3].FinishedAt.IsZero() || len(bs[3].SHA256) != 64 {
		t.Fatalf("batches = %+v, %v", bs, err)
	}
	if n, _ := w.CountUsers(ctx, UserFilter{BatchID: bs[3].ID}); n != res.New {
		t.Fatalf("users of batch %d = %d", bs[3].ID, n)
	}
	jl := importFile(t, w, "exportfile/testdata/users.jsonl", false)
	if jl.New+jl.Same+jl.Updated == 0 {
		t.Fatalf("jsonl import: %+v", jl)
	}
}

func TestImportStrictKeepsNothing(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	f, _ := os.Open("exportfile/testdata/users.csv")
	defer f.Close()
	res, err := w.ImportUsers(ctx, f, "users.csv", exportfile.CSV, ImportOptions{Strict: true})
	if err == nil {
		t.Fatal("strict import of a file with bad rows succeeded")
	}
	if res == nil || res.Rejected == 0 {
		t.Fatalf("strict result = %+v", res)
	}
	if n, _ := w.CountUsers(ctx, UserFilter{}); n != 0 {
		t.Fatalf("strict import kept %d users", n)
	}
}

func TestImportCancelled(t *testing.T) {
	w, _ := newWorkspace(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f, _ := os.Open("exportfile/testdata/users.csv")
	defer f.Close()
	res, err := w.ImportUsers(ctx, f, "users.csv", exportfile.CSV, ImportOptions{})
	if !errors.Is(err, context.Canceled) || !res.Cancelled {
		t.Fatalf("err = %v, res = %+v", err, res)
	}
}

func seedUsers(t *testing.T, w *Workspace) {
	t.Helper()
	importFile(t, w, "exportfile/testdata/users.csv", false)
	importFile(t, w, "exportfile/testdata/access.csv", true)
}

func TestSearchUsers(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	seedUsers(t, w)
	cases := []struct {
		q, want string
	}{
		{"әлібеков", "LC-000001"},
		{"ӘЛІБ", "LC-000001"},
		{"нұрлан серік", "LC-000001"},
		{"әлібеков нұрлан серікұлы", "LC-000001"},
		{"сер нұр әлі", "LC-000001"},
		{"федорова", "LC-000002"}, // ё found by е
		{"Алена", "LC-000002"},
		{"сейітқали іңкәр", "LC-000004"},
		{"ІҢКӘР", "LC-000004"},
		{"870315348215", "LC-000001"},
		{"8703", "LC-000001"},
		{"8 701 123 45 67", "LC-000001"},
		{"+7 (701) 123-45-67", "LC-000001"},
		{"701 123", "LC-000001"},
		{"nurlan.alibekov@mail.ru", "LC-000001"},
		{"alena.fed", "LC-000002"},
		{"LC-000004", "LC-000004"},
	}
	for _, tc := range cases {
		got, err := w.SearchUsers(ctx, tc.q, 20)
		if err != nil {
			t.Fatalf("%q: %v", tc.q, err)
		}
		found := false
		for _, u := range got {
			found = found || u.AccountID == tc.want
		}
		if !found {
			t.Errorf("search %q: %s not among %d results", tc.q, tc.want, len(got))
		}
	}
	if got, _ := w.SearchUsers(ctx, "несуществующий", 20); len(got) != 0 {
		t.Errorf("nonsense query found %d", len(got))
	}
}

func TestProcessingOperationsAreAudited(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	seedUsers(t, w)
	if err := w.UpdateUserField(ctx, "LC-000001", "phone", "8 777 000 11 22", ""); err == nil {
		t.Fatal("operation without a reason accepted")
	}
	if err := w.UpdateUserField(ctx, "LC-000001", "iin", "870315348216", "typo"); err == nil {
		t.Fatal("invalid IIN accepted")
	}
	if err := w.UpdateUserField(ctx, "LC-000001", "phone", "8 777 000 11 22", "request of the user, clause 4.1"); err != nil {
		t.Fatal(err)
	}
	if err := w.UpdateUserField(ctx, "LC-000001", "full_name", "Әлібеков Нұрлан", "request of the user, clause 4.1"); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.SearchUsers(ctx, "серікұлы", 10); len(got) != 0 {
		t.Fatal("old name word still found after rename")
	}
	u, _ := w.GetUser(ctx, "LC-000001")
	if u.Phone != "+77770001122" {
		t.Fatalf("phone = %q", u.Phone)
	}
	if err := w.BlockUser(ctx, "LC-000001", "disputed data"); err != nil {
		t.Fatal(err)
	}
	if err := w.BlockUser(ctx, "LC-000001", "again"); err == nil {
		t.Fatal("double block accepted")
	}
	if n, _ := w.CountUsers(ctx, UserFilter{Blocked: true}); n != 1 {
		t.Fatalf("blocked count = %d", n)
	}
	if err := w.UnblockUser(ctx, "LC-000001", "resolved"); err != nil {
		t.Fatal(err)
	}
	if err := w.DepersonalizeUser(ctx, "LC-000002", "statistics only"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.GetUser(ctx, "LC-000002"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the old account id still finds the depersonalized record: %v", err)
	}
	d := onlyDepersonalized(t, w)
	if d.State != StateDepersonalized || d.IIN != "" || d.Phone != "" || strings.Contains(d.FullName, "Фёдорова") {
		t.Fatalf("depersonalized = %+v", d)
	}
	if d.Value("stat_birth_year") != "1992" {
		t.Fatalf("statistics not kept: %+v", d.Extra)
	}
	if err := w.UpdateUserField(ctx, "LC-000002", "iin", "921102413750", "bring back"); err == nil {
		t.Fatal("identifying data added back to a depersonalized record")
	}
	es, _ := w.AuditEntries(ctx, AuditFilter{Object: "user:LC-000001", WithPayload: true})
	var actions []string
	for _, e := range es {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, " "); got != "user.unblock user.block user.update user.update" {
		t.Fatalf("audit of LC-000001 = %q", got)
	}
	if !strings.Contains(es[3].Personal, "+77011234567") {
		t.Fatalf("old phone not kept in the audit payload: %q", es[3].Personal)
	}
	rep, _ := w.VerifyAudit(ctx, "", nil)
	if rep.Broken != nil {
		t.Fatal(rep.Broken)
	}
}

func TestDestroyLeavesNoTrace(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	seedUsers(t, w)
	u, _ := w.GetUser(ctx, "LC-000001")
	// Leave an old value in an audit payload, to be erased too.
	if err := w.UpdateUserField(ctx, "LC-000001", "email", "nurlan.new@mail.ru", "clause 4.1"); err != nil {
		t.Fatal(err)
	}
	secrets := []string{u.FullName, "Әлібеков", "Серікұлы", u.IIN, u.Phone, "77011234567", "Nurlan.Alibekov", "nurlan.new", "150-үй"}
	secrets = append(secrets, nameTokens(u.FullName)...) // the search words, folded
	secrets = append(secrets, searchKeys(u.FullName, u.IIN, u.Phone, "nurlan.new@mail.ru")...)
	act, err := w.DestroyUser(ctx, "LC-000001", "retention period over")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(act.Number, "DA-") || act.Counts.RegistrationFields == 0 || act.Counts.AccessLogRows == 0 || act.Counts.AuditPayloads != 1 {
		t.Fatalf("act = %+v", act)
	}
	if _, err := w.GetUser(ctx, "LC-000001"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("destroyed user still there: %v", err)
	}
	// A re-import does not bring it back.
	res := importFile(t, w, "exportfile/testdata/users.csv", false)
	if res.New != 0 {
		t.Fatalf("re-import brought back %d users", res.New)
	}
	rep, _ := w.VerifyAudit(ctx, "", nil)
	if rep.Broken != nil || rep.Erased != 1 {
		t.Fatalf("after destroy: broken=%v erased=%d", rep.Broken, rep.Erased)
	}
	// A decrypted copy of the whole workspace holds none of the values.
	plain := filepath.Join(t.TempDir(), "plain.db")
	if _, err := w.db.ExecContext(ctx, `ATTACH DATABASE ? AS plain KEY ''`, plain); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.ExecContext(ctx, `SELECT sqlcipher_export('plain')`); err != nil {
		t.Fatal(err)
	}
	w.db.ExecContext(ctx, `DETACH DATABASE plain`)
	b, err := os.ReadFile(plain)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("SQLite format 3")) {
		t.Fatal("export is not a plain database")
	}
	// Sanity: the export does contain a user that was not destroyed.
	if !bytes.Contains(b, []byte("Фёдорова")) {
		t.Fatal("plain export lacks a live user's name; the check below would prove nothing")
	}
	// The search index front-codes its keys, so a byte search alone could
	// miss a key split across entries: decode every block of the copy.
	keys := plainIndex(t, plain)
	if !keys["n федорова"] {
		t.Fatal("plain index lacks a live user's key; the check below would prove nothing")
	}
	for _, k := range searchKeys(u.FullName, u.IIN, u.Phone, "nurlan.new@mail.ru") {
		if keys[k] {
			t.Errorf("decrypted copy's search index still holds destroyed key %q", k)
		}
	}
	if keys[fmt.Sprintf("id %d", u.ID)] {
		t.Errorf("decrypted copy's search index still holds an entry for the destroyed user %d", u.ID)
	}
	for _, s := range secrets {
		if s != "" && bytes.Contains(b, []byte(s)) {
			t.Errorf("decrypted copy still holds destroyed value %q", s)
		}
	}
	// And the encrypted file and its WAL hold nothing readable at all.
	w.Close()
	for _, f := range []string{path, path + "-wal"} {
		if b, err := os.ReadFile(f); err == nil {
			for _, s := range secrets {
				if s != "" && bytes.Contains(b, []byte(s)) {
					t.Errorf("%s holds %q", filepath.Base(f), s)
				}
			}
		}
	}
}

// plainIndex decodes every search index block of a plain (decrypted)
// copy: the set of keys, and "id N" for every user id present.
func plainIndex(t *testing.T, path string) map[string]bool {
	t.Helper()
	db, err := openDB(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT first_key, first_id, data FROM search_blocks`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		var id int64
		var data []byte
		if err := rows.Scan(&k, &id, &data); err != nil {
			t.Fatal(err)
		}
		es, err := decodeBlock(nil, k, id, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			out[e.key] = true
			out[fmt.Sprintf("id %d", e.id)] = true
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// onlyDepersonalized finds the one depersonalized record (there is no
// other way: nothing links it to its former account id).
func onlyDepersonalized(t *testing.T, w *Workspace) *User {
	t.Helper()
	ctx := context.Background()
	ids, err := w.UserIDs(ctx, UserFilter{Depersonalized: true})
	if err != nil || len(ids) != 1 {
		t.Fatalf("depersonalized records: %v %v", ids, err)
	}
	us, err := w.UsersByID(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	u, err := w.GetUser(ctx, us[0].AccountID)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
