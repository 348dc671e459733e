package store

import (
	"context"
	"strings"
	"testing"

	"legco.kz/compliance/store/exportfile"
)

// The content an import seals its new users with (userSealContent, no
// read back) is what the "user:" sealer reads from the rows: empty and
// missing values, extra fields in any order, a name repeated in a chunk
// and rows beyond one batch of queued user_fields; then a re-import that
// updates some of them.
func TestUserSealContent(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	var b strings.Builder
	b.WriteString("account_id,full_name,iin,phone,email,birth_date,registered_at,zeta,alpha\n")
	b.WriteString("LC-S1,Әлия Нұрова,,,,,,z1,\n")
	b.WriteString("LC-S2,Бек Сейт,,+77011234567,b@example.kz,1995-01-01,2024-03-01T10:00:00Z,,a2\n")
	b.WriteString("LC-S3,Ерлан,,,,,2024-03-02T10:00:00+05:00,z3,a3\n")
	for i := range 300 {
		b.WriteString("LC-B" + strings.Repeat("0", 4-len(itoa(i))) + itoa(i) + ",Имя " + itoa(i) + ",,,,,,z,a\n")
	}
	res, err := w.ImportUsers(ctx, strings.NewReader(b.String()), "s.csv", exportfile.CSV, ImportOptions{})
	if err != nil || res.Rejected != 0 || res.New != 303 {
		t.Fatalf("%+v %v", res, err)
	}
	rep, err := w.Verify(ctx, VerifyOptions{})
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %+v %v", err, rep.Broken, rep.Tampered)
	}
	// And directly: every new row's content as the import encodes it.
	s, _, _ := sealerFor("user:x")
	st, err := w.db.PrepareContext(ctx, s.oneQuery())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := w.db.QueryContext(ctx, `SELECT id, account_id, created_at FROM users`)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		id       int64
		acc, now string
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.acc, &r.now); err != nil {
			t.Fatal(err)
		}
		all = append(all, r)
	}
	rows.Close()
	ur, err := exportfile.NewUserReader(strings.NewReader(b.String()), "s.csv", exportfile.CSV)
	if err != nil {
		t.Fatal(err)
	}
	file := map[string]exportfile.User{}
	for {
		u, err := ur.Next()
		if err != nil {
			break
		}
		file[u.AccountID] = u
	}
	for _, r := range all {
		u := file[r.acc]
		got, err := recordContent(ctx, st, s, "user:"+r.acc, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := userSealContent(nil, r.id, &u, r.now); string(got) != string(want) {
			t.Errorf("%s: stored content %q, import sealed %q", r.acc, got, want)
		}
	}
	// A re-import changing extra fields and values seals from the rows.
	changed := strings.ReplaceAll(strings.Replace(b.String(), ",z1,", ",z1b,", 1), ",z,a", ",z,b")
	if res, err = w.ImportUsers(ctx, strings.NewReader(changed), "s2.csv", exportfile.CSV, ImportOptions{}); err != nil || res.Updated != 301 {
		t.Fatalf("%+v %v", res, err)
	}
	if rep, err = w.Verify(ctx, VerifyOptions{}); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %+v %v", err, rep.Broken, rep.Tampered)
	}
}
