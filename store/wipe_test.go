package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"legco.kz/compliance/store/exportfile"
)

// plainCopy decrypts the workspace's current content into a plain
// database (sqlcipher_export) and returns its bytes.
func plainCopy(t *testing.T, w *Workspace) []byte {
	t.Helper()
	ctx := context.Background()
	plain := filepath.Join(t.TempDir(), "plain.db")
	if _, err := w.db.ExecContext(ctx, `ATTACH DATABASE ? AS plain KEY ''`, plain); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.ExecContext(ctx, `SELECT sqlcipher_export('plain')`); err != nil {
		t.Fatal(err)
	}
	w.db.ExecContext(ctx, `DETACH DATABASE plain`)
	b, err := os.ReadFile(plain)
	if err != nil || !bytes.HasPrefix(b, []byte("SQLite format 3")) {
		t.Fatalf("plain copy: %v", err)
	}
	return b
}

// mainFileUsers opens a copy of the main database file alone (no WAL:
// what is on disk after the last checkpoint) and counts the users with
// that account id.
func mainFileUsers(t *testing.T, w *Workspace, path, accountID string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), "main-only.db")
	if err := os.WriteFile(cp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := openDB(cp, w.key)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM users WHERE account_id = ?`, accountID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A destruction while another connection holds a read snapshot: it waits,
// then says the wipe is pending (the old row is still in the main file),
// and the next open finishes it.
func TestDestroyWithReaderOpen(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	seedUsers(t, w)
	// The main file holds the seeded state (not only the WAL), as a
	// workspace in use does after SQLite's automatic checkpoints.
	if _, err := w.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	reader, err := openDB(path, w.key)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	// A deferred read transaction, as another process reading the
	// workspace holds (the store's own begin immediately).
	rconn, err := reader.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rconn.ExecContext(ctx, `BEGIN DEFERRED`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := rconn.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil { // the snapshot starts here
		t.Fatal(err)
	}
	old := WipeWait
	WipeWait = 700 * time.Millisecond
	defer func() { WipeWait = old }()
	var waits int
	wctx := WithWipeProgress(ctx, func(waited, most time.Duration) { waits++ })
	act, err := w.DestroyUser(wctx, "LC-000001", "retention period over")
	var pending *WipePendingError
	if !errors.As(err, &pending) || act == nil || !strings.Contains(err.Error(), act.Number) {
		t.Fatalf("destroy with a reader open: act %v, err %v; want a WipePendingError", act, err)
	}
	if waits == 0 {
		t.Error("no progress reported while waiting")
	}
	if p, _ := w.PendingWipes(ctx); p != 1 {
		t.Fatalf("pending wipes = %d, want 1", p)
	}
	// Logically gone, physically still in the main file: the reason the
	// error must not be swallowed.
	if _, err := w.GetUser(ctx, "LC-000001"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	if n := mainFileUsers(t, w, path, "LC-000001"); n != 1 {
		t.Fatalf("main file copy has %d rows of the destroyed user before the wipe; the test proves nothing", n)
	}
	rconn.ExecContext(ctx, `ROLLBACK`)
	rconn.Close()
	reader.Close()
	key := append([]byte(nil), w.key...)
	w.Close()
	w2, err := Open(ctx, path, "Админ", []byte("correct horse"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	if p, _ := w2.PendingWipes(ctx); p != 0 {
		t.Fatalf("pending wipes after reopening = %d", p)
	}
	w2.key = key
	if n := mainFileUsers(t, w2, path, "LC-000001"); n != 0 {
		t.Fatalf("main file still has the destroyed user after the wipe")
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() != 0 {
		t.Fatalf("WAL is %d bytes after the wipe", fi.Size())
	}
}

// Without another reader the destruction wipes at once.
func TestDestroyWipesAtOnce(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	seedUsers(t, w)
	w.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	if _, err := w.DestroyUser(ctx, "LC-000002", "retention period over"); err != nil {
		t.Fatal(err)
	}
	if p, _ := w.PendingWipes(ctx); p != 0 {
		t.Fatalf("pending = %d", p)
	}
	if n := mainFileUsers(t, w, path, "LC-000002"); n != 0 {
		t.Fatal("main file has the destroyed user")
	}
}

func TestDepersonalizationLeavesNoIdentifier(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	users := "account_id;full_name;iin;phone;email;birth_date;address;registered_at;hobby\n" +
		"ZX-917364;Тоқтарбекқызы Гүлназ;870315348215;+7 701 987 65 43;gulnaz.qwe@example.kz;1987-03-15;г. Шымкент, ул. Байтұрсынова, 17;2022-05-03T11:22:33+05:00;шахматы-уникум\n" +
		"ZX-000777;Смирнов Пётр;;;;;;2021-01-01T10:00:00+05:00;\n"
	access := "account_id,time,ip,cookie_id,user_agent,page\n" +
		"ZX-917364,2024-03-05T14:07:00+05:00,203.0.113.77,cookieuniq9f8e7d6c5b4a,UniqAgent/9.9 (Quirky),/deals/863512\n" +
		"ZX-917364,2024-03-05T15:07:00+05:00,2001:db8:77::9,cookieuniq9f8e7d6c5b4a,UniqAgent/9.9 (Quirky),/deals/863599?tab=docs\n" +
		"ZX-917364,2024-03-07T09:00:00+05:00,203.0.113.77,cookieuniq9f8e7d6c5b4a,UniqAgent/9.9 (Quirky),/counterparties/ZX-917364/profile\n" +
		"ZX-000777,2024-03-07T09:00:00+05:00,198.51.100.1,othercookie,Other/1.0,/\n"
	if res, err := w.ImportUsers(ctx, strings.NewReader(users), "u.csv", exportfile.CSV, ImportOptions{}); err != nil || res.Rejected > 0 {
		t.Fatalf("%v %+v", err, res.Errors)
	}
	if res, err := w.ImportAccessLog(ctx, strings.NewReader(access), "a.csv", exportfile.CSV, ImportOptions{}); err != nil || res.Rejected > 0 {
		t.Fatalf("%v %+v", err, res.Errors)
	}
	w.db.ExecContext(ctx, `INSERT INTO public_data(user_id, field, value, source, legal_basis, obtained_at)
		SELECT id, 'court', 'дело 2-7781/2023', 'суд', '1.1.3', '2024-01-01T00:00:00Z' FROM users WHERE account_id = 'ZX-917364'`)
	if err := w.UpdateUserField(ctx, "ZX-917364", "phone", "+7 702 111 22 33", "clause 4.1"); err != nil {
		t.Fatal(err)
	}
	former := []string{"ZX-917364", "Тоқтарбекқызы", "Гүлназ", "870315348215", "77019876543", "987 65 43", "77021112233", "gulnaz.qwe",
		"Байтұрсынова", "1987-03-15", "шахматы-уникум", "203.0.113", "2001:db8:77", "cookieuniq9f8e7d6c5b4a", "UniqAgent", "863512", "863599",
		"tab=docs", "2-7781", "11:22:33", "06:22:33", "14:07", "15:07"}
	b := plainCopy(t, w)
	for _, s := range former {
		if !bytes.Contains(b, []byte(s)) && !slices.Contains([]string{"987 65 43", "11:22:33", "14:07", "15:07"}, s) {
			t.Fatalf("before: the plain copy lacks %q; the check below would prove nothing", s)
		}
	}
	if err := w.DepersonalizeUser(ctx, "ZX-917364", "statistics only"); err != nil {
		t.Fatal(err)
	}
	b = plainCopy(t, w)
	for _, s := range former[1:] {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("decrypted copy still holds %q", s)
		}
	}
	// The former account id stays only as the object of audit entries
	// (the chain cannot be rewritten), which name no surrogate.
	for table, cols := range plainTexts(t, writeTemp(t, b)) {
		for col, text := range cols {
			// The audit entry's seal (issue #9) names its object as the entry does.
			if strings.Contains(text, "ZX-917364") && !((table == "audit_log" || table == "seals") && col == "object") {
				t.Errorf("decrypted copy: %s.%s holds the former account id", table, col)
			}
		}
	}
	keys := plainIndex(t, writeTemp(t, b))
	for k := range keys {
		if strings.Contains(k, "тоқтар") || strings.Contains(k, "гулназ") || strings.Contains(k, "гүлназ") || strings.Contains(k, "870315") {
			t.Errorf("search index keeps %q", k)
		}
	}
	u := onlyDepersonalized(t, w)
	if !strings.HasPrefix(u.AccountID, "DP-") || u.Value("registered_at") != "2022-05-03" || u.Value("stat_birth_year") != "1987" ||
		u.Value("stat_city") != "Шымкент" || u.Value("hobby") != "" || len(u.Public) != 0 {
		t.Fatalf("depersonalized record: %+v", u)
	}
	log, err := w.AccessLog(ctx, u.ID, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range log {
		if a.IP != "" || a.CookieID != "" || a.UserAgent != "" || !a.DateOnly {
			t.Errorf("access row keeps %+v", a)
		}
		got = append(got, a.At.Format("2006-01-02")+" "+a.Page)
	}
	slices.Sort(got)
	if want := []string{"2024-03-05 /deals/{id}", "2024-03-07 /counterparties/{id}/profile"}; !slices.Equal(got, want) {
		t.Errorf("access log %v, want %v", got, want)
	}
	// The audit names the old account, and nothing names the surrogate.
	es, _ := w.AuditEntries(ctx, AuditFilter{Object: "user:ZX-917364"})
	if len(es) == 0 || es[0].Action != "user.depersonalize" {
		t.Fatalf("audit of the old account: %+v", es)
	}
	all, _ := w.AuditEntries(ctx, AuditFilter{})
	for _, e := range all {
		if strings.Contains(e.Details+e.Object, u.AccountID) {
			t.Errorf("audit entry %d names the surrogate", e.Seq)
		}
	}
	// An old export does not bring the identifiers back.
	res, _ := w.ImportUsers(ctx, strings.NewReader(users), "u.csv", exportfile.CSV, ImportOptions{})
	if res.New != 0 || res.Rejected != 1 || !strings.Contains(res.Errors[0].Reason, "depersonalized") {
		t.Fatalf("re-import: %+v", res)
	}
	if p, _ := w.PendingWipes(ctx); p != 0 {
		t.Fatalf("pending wipes %d", p)
	}
	_ = path
}

func writeTemp(t *testing.T, b []byte) string {
	p := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPagePattern(t *testing.T) {
	for in, want := range map[string]string{
		"/deals/8635":                                 "/deals/{id}",
		"/deals/8635/docs?x=1#a":                      "/deals/{id}/docs",
		"/counterparties/LC-000001/profile":           "/counterparties/{id}/profile",
		"https://legco.kz/u/a@b.kz":                   "/u/{id}",
		"/files/3f2a9c1e-77aa-4b1c-9d2e-0123456789ab": "/files/{id}",
		"/":                      "/",
		"/counterparties/search": "/counterparties/search",
	} {
		if got := PagePattern(in); got != want {
			t.Errorf("PagePattern(%q) = %q, want %q", in, got, want)
		}
	}
}

// plainTexts reads every text column of every table of a plain copy:
// table → column → all its values joined.
func plainTexts(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	db, err := openDB(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables []string
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string]map[string]string{}
	for _, tb := range tables {
		rows, err := db.Query(`SELECT * FROM "` + tb + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		out[tb] = map[string]string{}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				switch x := v.(type) {
				case string:
					out[tb][cols[i]] += x + "\n"
				case []byte:
					out[tb][cols[i]] += string(x) + "\n"
				}
			}
		}
		rows.Close()
	}
	return out
}

// An act made under a request keeps the request id, the member's
// profile, the operator and the time zone, and loads back the same.
func TestActKeepsWhatItPrints(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	seedUsers(t, w)
	if err := w.SetStaffProfile(ctx, "Админ", "Сейітқали Нұрлан", "юрист"); err != nil {
		t.Fatal(err)
	}
	act, err := w.DestroyUser(WithRequest(ctx, "RQ-2026-000042"), "LC-000002", "subject's request")
	if err != nil {
		t.Fatal(err)
	}
	if act.RequestID != "RQ-2026-000042" || act.StaffFullName != "Сейітқали Нұрлан" || act.StaffPosition != "юрист" ||
		act.Operator == nil || act.TimeZone != "Asia/Almaty" {
		t.Fatalf("act = %+v", act)
	}
	for _, key := range []string{act.Number, "LC-000002"} {
		got, err := w.DestructionActFor(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if got.Number != act.Number || got.AccountID != "LC-000002" || got.RequestID != act.RequestID || got.AuditHash != act.AuditHash ||
			got.AuditSeq != act.AuditSeq || !got.At.Equal(act.At) || got.Counts != act.Counts {
			t.Fatalf("loaded %+v, made %+v", got, act)
		}
	}
	if _, err := w.DestructionActFor(ctx, "LC-000001"); !errors.Is(err, ErrNoAct) {
		t.Fatalf("a live account has an act: %v", err)
	}
	es, _ := w.AuditEntries(ctx, AuditFilter{Object: "user:LC-000002"})
	if len(es) == 0 || !strings.Contains(es[0].Details, `"request":"RQ-2026-000042"`) {
		t.Fatalf("audit entry lacks the request: %+v", es)
	}
}
