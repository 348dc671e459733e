package store

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/exportfile"
)

// usersCSV is an export of n demo users; change(i, &u) may alter user i.
func usersCSV(t *testing.T, n int, change func(i int, u *exportfile.User)) []byte {
	t.Helper()
	g := demo.New(7)
	var buf bytes.Buffer
	uw := exportfile.NewUserWriter(&buf, exportfile.CSV, demo.ExtraColumns...)
	for i := range n {
		u := g.User(i)
		if change != nil {
			change(i, &u)
		}
		if err := uw.Write(u); err != nil {
			t.Fatal(err)
		}
	}
	if err := uw.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The import's fast paths (seals read in bulk, search-index removals
// applied once per chunk, the per-user audit entries of a re-import)
// keep every guarantee: each chunk's changes are sealed so that `audit
// verify` passes, a changed e-mail is found under its new value and no
// longer under the old one, every updated user has an audit entry with
// the old value, a re-import of the same file changes nothing, and a
// record edited behind the program's back is still caught.
func TestBulkImportKeepsSealsIndexAndAudit(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	const n = 1200
	verify := func(step string) {
		t.Helper()
		rep, err := w.Verify(ctx, VerifyOptions{})
		if err != nil || !rep.OK() {
			t.Fatalf("after %s: %v %+v %v", step, err, rep.Broken, rep.Tampered)
		}
		if rep.Records < n {
			t.Fatalf("after %s: record pass checked %d records, want at least %d", step, rep.Records, n)
		}
	}
	imp := func(name string, data []byte, chunk int) *ImportResult {
		t.Helper()
		res, err := w.ImportUsers(ctx, bytes.NewReader(data), name, exportfile.CSV, ImportOptions{ChunkRows: chunk})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	// Chunks of 500: bulk-sealed (≥ sealBulkMin) and a smaller last one.
	if res := imp("u1.csv", usersCSV(t, n, nil), 500); res.New != n || res.Rejected != 0 {
		t.Fatalf("first import: %+v", res)
	}
	verify("first import")

	// Every third user's e-mail changes: 400 updates; the first chunk's
	// 300 are sealed in bulk (the range holds 3× as many users), the
	// second chunk's 100 one by one.
	oldEmail := map[int]string{}
	changed := usersCSV(t, n, func(i int, u *exportfile.User) {
		if i%3 == 0 && u.Email != "" {
			oldEmail[i] = u.Email
			u.Email = "changed" + strconv.Itoa(i) + "@example.kz"
		}
	})
	res := imp("u2.csv", changed, 900)
	if res.Updated != len(oldEmail) || res.New != 0 || res.Rejected != 0 {
		t.Fatalf("re-import: %+v, want %d updated", res, len(oldEmail))
	}
	verify("re-import")
	for i, old := range oldEmail {
		if i%37 != 0 {
			continue // a sample keeps the test quick
		}
		acc := demo.AccountID(i)
		r, err := w.Search(ctx, "changed"+strconv.Itoa(i)+"@example.kz", SearchOptions{})
		if err != nil || len(r.Hits) != 1 || r.Hits[0].AccountID != acc {
			t.Fatalf("new e-mail of %s: %v %+v", acc, err, r)
		}
		r, err = w.Search(ctx, old, SearchOptions{All: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range r.Hits {
			if h.AccountID == acc {
				t.Fatalf("%s still found under its old e-mail %s", acc, old)
			}
		}
		es, err := w.AuditEntries(ctx, AuditFilter{Object: "user:" + acc, Action: "user.update", WithPayload: true})
		if err != nil || len(es) != 1 {
			t.Fatalf("audit of %s: %v %d entries", acc, err, len(es))
		}
		if !bytes.Contains([]byte(es[0].Personal), []byte(old)) {
			t.Fatalf("audit entry of %s does not keep the old e-mail: %q", acc, es[0].Personal)
		}
	}
	// Only every tenth user changes now (120, under sealBulkMin per chunk
	// of 600): these are sealed one by one.
	res = imp("u3.csv", usersCSV(t, n, func(i int, u *exportfile.User) {
		if i%3 == 0 && u.Email != "" {
			u.Email = "changed" + strconv.Itoa(i) + "@example.kz"
		}
		if i%10 == 1 {
			u.Address = "Алматы, Әуезов ауданы, " + strconv.Itoa(i)
		}
	}), 600)
	if res.Updated != n/10 || res.New != 0 {
		t.Fatalf("third import: %+v", res)
	}
	verify("third import")
	if res := imp("u3-again.csv", usersCSV(t, n, func(i int, u *exportfile.User) {
		if i%3 == 0 && u.Email != "" {
			u.Email = "changed" + strconv.Itoa(i) + "@example.kz"
		}
		if i%10 == 1 {
			u.Address = "Алматы, Әуезов ауданы, " + strconv.Itoa(i)
		}
	}), 600); res.Updated != 0 || res.New != 0 || res.Same != n {
		t.Fatalf("the same file again changed something: %+v", res)
	}
	if _, err := w.db.Exec(`UPDATE users SET phone = '+77010000000' WHERE account_id = ?`, demo.AccountID(5)); err != nil {
		t.Fatal(err)
	}
	rep, err := w.Verify(ctx, VerifyOptions{})
	if err != nil || rep.OK() || len(rep.Tampered) != 1 || rep.Tampered[0].Object != "user:"+demo.AccountID(5) {
		t.Fatalf("raw edit: %v %+v", err, rep.Tampered)
	}
}

// The counts of current states, moved by the store once per chunk since
// migration 0012 (no trigger per state row), always equal a count of the
// state table: after a first import in small chunks (a user's events
// span chunks), a file of later events (states replaced), one of older
// events (states kept), a paper record, and a destruction.
func TestConsentStateCountsFollowTheStates(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	const n = 150
	if err := w.PublishDemoEditions(ctx, demo.DemoEditions); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ImportUsers(ctx, bytes.NewReader(usersCSV(t, n, nil)), "u.csv", exportfile.CSV, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	check := func(step string) {
		t.Helper()
		rows, err := w.db.QueryContext(ctx, `SELECT purpose, state, edition, channel, language, count(*) FROM consent_state
			GROUP BY 1, 2, 3, 4, 5 EXCEPT SELECT purpose, state, edition, channel, language, n FROM consent_state_counts`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var p, s, c, l string
			var e, k int
			rows.Scan(&p, &s, &e, &c, &l, &k)
			t.Errorf("after %s: %d states %s %s %d %s %s, counted otherwise", step, k, p, s, e, c, l)
		}
		var bad int
		w.db.QueryRow(`SELECT count(*) FROM consent_state_counts c WHERE n <> (SELECT count(*) FROM consent_state s WHERE s.purpose = c.purpose
			AND s.state = c.state AND s.edition = c.edition AND s.channel = c.channel AND s.language = c.language)`).Scan(&bad)
		if bad != 0 {
			t.Errorf("after %s: %d count rows disagree with the states", step, bad)
		}
	}
	imp := func(name string, data []byte) *ImportResult {
		t.Helper()
		res, err := w.ImportConsents(ctx, bytes.NewReader(data), name, exportfile.CSV, ImportOptions{ChunkRows: 37})
		if err != nil || res.Rejected != 0 {
			t.Fatalf("%s: %+v %v", name, res, err)
		}
		return res
	}
	path := t.TempDir() + "/c.csv"
	events, err := demo.New(7).WriteConsentExport(path, n, exportfile.CSV, demo.DemoEditions)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if res := imp("c.csv", data); res.New != events {
		t.Fatalf("first import: %+v, want %d new", res, events)
	}
	check("first import")
	ed := len(demo.DemoEditions)
	var later, older bytes.Buffer
	later.WriteString(consentCSVHead)
	older.WriteString(later.String())
	for i := 0; i < n; i += 3 {
		fmt.Fprintf(&later, "%s,policy,withdrawn,%d,kk,paper,2026-06-01T10:00:00+05:00,,,Өтініш № %d\n", demo.AccountID(i), ed, i)
		fmt.Fprintf(&older, "%s,policy,given,%d,ru,web,%s,,,\n", demo.AccountID(i+1), ed, demo.DemoEditions[ed-1].Add(time.Minute).Format(time.RFC3339))
	}
	imp("later.csv", later.Bytes())
	check("later events")
	if s, _ := w.ConsentStateAt(ctx, demo.AccountID(3), PurposePolicy, time.Now()); s.State != ConsentWithdrawn {
		t.Fatalf("state after a later withdrawal: %+v", s)
	}
	imp("older.csv", older.Bytes())
	check("older events")
	record(t, w, demo.AccountID(6), PurposePolicy, ConsentGiven, ed, "2026-07-01T10:00:00+05:00")
	check("paper record")
	if _, err := w.DestroyUser(ctx, demo.AccountID(6), "court order"); err != nil {
		t.Fatal(err)
	}
	check("destruction")
}

// The per-user consent reads and the export of current states keep their
// plans at a million users: the state now is a primary-key range, the
// state on a date and the history a range of the ledger's index (the
// latest event per purpose read from the index alone), and the export one
// scan of the narrow account-id index and one of the state table in key
// order, with no sort.
func TestConsentQueryPlans(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	plan := func(q string, args ...any) string {
		t.Helper()
		rows, err := w.db.QueryContext(ctx, `EXPLAIN QUERY PLAN `+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var a, b, c int
			var d string
			if err := rows.Scan(&a, &b, &c, &d); err != nil {
				t.Fatal(err)
			}
			out = append(out, d)
		}
		return strings.Join(out, "\n")
	}
	for _, c := range []struct {
		name, q  string
		want     []string
		dontWant []string
	}{
		{"user id", `SELECT id FROM users WHERE account_id = ?`, []string{"COVERING INDEX sqlite_autoindex_users_1 (account_id=?)"}, nil},
		{"state now", `SELECT purpose, state, edition, channel, language, at, event_id FROM consent_state WHERE user_id = ?`,
			[]string{"SEARCH TABLE consent_state USING PRIMARY KEY (user_id=?)"}, []string{"SCAN"}},
		{"state on a date", `SELECT e.purpose, e.event, e.edition, e.channel, e.language, e.at, e.id FROM consent_events e
			WHERE e.user_id = ?1 AND e.id = (SELECT f.id FROM consent_events f WHERE f.user_id = ?1 AND f.purpose = e.purpose AND f.at <= ?2
			ORDER BY f.at DESC, f.id DESC LIMIT 1)`,
			[]string{"USING INDEX consent_events_natural (user_id=?)", "USING COVERING INDEX consent_events_natural (user_id=? AND purpose=? AND at<?)"}, []string{"SCAN"}},
		{"history", `SELECT ` + consentEventCols + consentEventFrom + ` WHERE e.user_id = ? ORDER BY e.at, e.id`,
			[]string{"consent_events_natural (user_id=?)", "audit_log AS a USING INTEGER PRIMARY KEY"}, []string{"SCAN"}},
		{"export: account ids", `SELECT id, account_id FROM users`, []string{"SCAN TABLE users USING COVERING INDEX sqlite_autoindex_users_1"}, nil},
		{"export: states", `SELECT s.user_id, s.purpose FROM consent_state s NOT INDEXED WHERE +s.purpose = ? ORDER BY s.user_id, s.purpose`,
			[]string{"SCAN TABLE consent_state AS s"}, []string{"TEMP B-TREE", "users"}},
	} {
		p := plan(c.q, 1, 2)
		for _, s := range c.want {
			if !strings.Contains(p, s) {
				t.Errorf("%s: plan lacks %q:\n%s", c.name, s, p)
			}
		}
		for _, s := range c.dontWant {
			if strings.Contains(p, s) {
				t.Errorf("%s: plan has %q:\n%s", c.name, s, p)
			}
		}
	}
}

// A re-import reads known users with a forward scan when the file is in
// account order; in any other order (shuffled: long jumps forward and
// back, new accounts between known ones) it must give the same outcome
// as row by row: every change applied, new accounts added, nothing else
// touched, and the same file again changes nothing.
func TestReimportInAnyOrder(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	const n = 400
	if res, err := w.ImportUsers(ctx, bytes.NewReader(usersCSV(t, n, nil)), "u.csv", exportfile.CSV, ImportOptions{}); err != nil || res.New != n {
		t.Fatalf("first import: %+v %v", res, err)
	}
	g := demo.New(7)
	var rows []exportfile.User
	want := map[string]string{} // account → e-mail after the re-import
	for i := range n + 40 {
		u := g.User(i)
		if i%5 == 0 || i >= n {
			u.Email = "moved" + strconv.Itoa(i) + "@example.kz"
		}
		want[u.AccountID] = u.Email
		rows = append(rows, u)
	}
	// A fixed shuffle: long jumps forward and back.
	for i := range rows {
		j := (i*7919 + 13) % len(rows)
		rows[i], rows[j] = rows[j], rows[i]
	}
	var buf bytes.Buffer
	uw := exportfile.NewUserWriter(&buf, exportfile.CSV, demo.ExtraColumns...)
	for _, u := range rows {
		if err := uw.Write(u); err != nil {
			t.Fatal(err)
		}
	}
	uw.Flush()
	res, err := w.ImportUsers(ctx, bytes.NewReader(buf.Bytes()), "shuffled.csv", exportfile.CSV, ImportOptions{ChunkRows: 150})
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 40 || res.Updated != n/5 || res.Rejected != 0 || res.Same != n-n/5 {
		t.Fatalf("re-import: %+v", res)
	}
	for acc, email := range want {
		u, err := w.GetUser(ctx, acc)
		if err != nil || u.Email != email {
			t.Fatalf("%s: e-mail %q, want %q (%v)", acc, u.Email, email, err)
		}
	}
	if res, err := w.ImportUsers(ctx, bytes.NewReader(buf.Bytes()), "again.csv", exportfile.CSV, ImportOptions{ChunkRows: 150}); err != nil ||
		res.New != 0 || res.Updated != 0 || res.Same != len(rows) {
		t.Fatalf("again: %+v %v", res, err)
	}
	rep, err := w.Verify(ctx, VerifyOptions{})
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %+v %v", err, rep.Broken, rep.Tampered)
	}
}

// The batch insert binds its texts as bytes made text again (textArg):
// every column holds what a bound string gives, text or NULL, never a
// blob, and an empty optional value is NULL.
func TestBatchInsertStoresText(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	data := usersCSV(t, 300, func(i int, u *exportfile.User) {
		if i%2 == 0 {
			u.Phone, u.Address = "", ""
		}
	})
	if res, err := w.ImportUsers(ctx, bytes.NewReader(data), "u.csv", exportfile.CSV, ImportOptions{}); err != nil || res.New != 300 {
		t.Fatalf("import: %v %+v", err, res)
	}
	var blobs, nulls, texts int
	if err := w.db.QueryRowContext(ctx, `SELECT
		sum((typeof(account_id) = 'blob') + (typeof(full_name) = 'blob') + (typeof(iin) = 'blob') + (typeof(phone) = 'blob') + (typeof(email) = 'blob')
			+ (typeof(birth_date) = 'blob') + (typeof(address) = 'blob') + (typeof(entity_bin) = 'blob') + (typeof(entity_name) = 'blob')),
		sum((phone IS NULL) + (address IS NULL) - 10*(coalesce(phone, 'x') = '') - 10*(coalesce(address, 'x') = '')),
		sum((typeof(account_id) = 'text') + (typeof(full_name) = 'text'))
		FROM users`).Scan(&blobs, &nulls, &texts); err != nil {
		t.Fatal(err)
	}
	if blobs != 0 || nulls < 300 || texts != 600 {
		t.Fatalf("%d blobs, %d NULLs (want 300 or more, no empty texts), %d texts (want 600)", blobs, nulls, texts)
	}
}
