package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPackSnapshotPeriods(t *testing.T) {
	ctx := context.Background()
	clock := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	opts := testOpts
	opts.Now = func() time.Time { clock = clock.Add(time.Second); return clock }
	w, err := Create(ctx, filepath.Join(t.TempDir(), "ws.db"), "Админ", []byte("correct horse"), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	ed1, err := w.ImportBuiltinPolicy(ctx) // #2 (#1: workspace.create)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.PublishPolicy(ctx, ed1.Number, day(1, 1), day(1, 1), "р"); err != nil { // #3
		t.Fatal(err)
	}
	clock = day(2, 10)
	ed2, err := w.NewPolicyDraft(ctx, "р") // #4
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.PublishPolicy(ctx, ed2.Number, day(2, 10), day(3, 1), "р"); err != nil { // #5
		t.Fatal(err)
	}
	clock = day(3, 3)
	if err := w.SetAutoLock(ctx, 5*time.Minute); err != nil { // #6
		t.Fatal(err)
	}
	snap, err := w.PackSnapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	if snap.Head.Seq != 6 || snap.HeadAt.Month() != 3 {
		t.Fatalf("head %v at %v", snap.Head, snap.HeadAt)
	}
	var hash3 string
	snap.StreamAudit(ctx, 3, 3, func(r *AuditRecord) error { hash3 = r.Hash; return nil })
	for _, tc := range []struct {
		name               string
		from, to           time.Time
		first, last, count int64
		before             int64
		editions           []int
	}{
		{"everything", time.Time{}, time.Time{}, 1, 6, 6, 0, []int{1, 2}},
		{"February", day(2, 1), day(3, 1), 4, 5, 2, 3, []int{1}},
		{"March", day(3, 1), day(4, 1), 6, 6, 1, 5, []int{2}},
		{"April (no entries)", day(4, 1), day(5, 1), 0, 0, 0, 6, []int{2}},
		{"before the first edition", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), 0, 0, 0, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := snap.AuditRange(ctx, tc.from, tc.to)
			if err != nil {
				t.Fatal(err)
			}
			if r.First != tc.first || r.Last != tc.last || r.Count != tc.count || r.Before.Seq != tc.before {
				t.Fatalf("range %+v", r)
			}
			if tc.before == 3 && r.Before.Hash != hash3 {
				t.Errorf("before hash %s, want entry #3's %s", r.Before.Hash, hash3)
			}
			eds, err := snap.EditionsInForce(ctx, tc.from, tc.to)
			if err != nil {
				t.Fatal(err)
			}
			var nums []int
			for _, e := range eds {
				nums = append(nums, e.Number)
			}
			if len(nums) != len(tc.editions) || len(nums) > 0 && (nums[0] != tc.editions[0] || nums[len(nums)-1] != tc.editions[len(tc.editions)-1]) {
				t.Errorf("editions %v, want %v", nums, tc.editions)
			}
		})
	}
	staff, err := snap.StaffOverPeriod(ctx, day(2, 1), day(3, 1), 4, 5)
	if err != nil || len(staff) != 1 || staff[0].Acted[RoleAdmin] != 2 {
		t.Fatalf("staff %+v %v", staff, err)
	}
	// Others write while a pack is read; the snapshot does not see it.
	t0 := time.Now()
	if err := w.SetAutoLock(ctx, 7*time.Minute); err != nil || time.Since(t0) > 5*time.Second {
		t.Fatalf("a write during a pack: %v after %s", err, time.Since(t0))
	}
	if r, err := snap.AuditRange(ctx, time.Time{}, time.Time{}); err != nil || r.Last != 6 || snap.side == nil {
		t.Fatalf("the snapshot moved: %+v %v (second connection %v)", r, err, snap.side != nil)
	}
	users, counts, err := snap.DataCounts(ctx)
	if err != nil || users.Total != 0 || len(counts) < len(FieldCatalog)+1 {
		t.Fatalf("counts %+v %+v %v", users, counts, err)
	}
}

// TestPackCountsMatchGroupBy: the processing record's counts made in Go
// (DataCounts' extra fields and public-source groups, StaffWithActs from
// counts the caller made) equal what SQLite's GROUP BY gives.
func TestPackCountsMatchGroupBy(t *testing.T) {
	ctx := context.Background()
	w, err := Create(ctx, filepath.Join(t.TempDir(), "ws.db"), "admin", []byte("correct horse"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.LoadDemo(ctx, 400, 5, nil); err != nil {
		t.Fatal(err)
	}
	// A source with a separator and a length prefix of its own inside.
	if _, err := w.db.ExecContext(ctx, `UPDATE public_data SET source = '3:ab' || char(31) || ' / Қазақ' WHERE id % 7 = 0`); err != nil {
		t.Fatal(err)
	}
	snap, err := w.PackSnapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	_, counts, err := snap.DataCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range counts {
		if c.Category == "1.1.3" || c.Category == "1.1.1" && c.Key == c.EN && c.Key == c.RU {
			got = append(got, fmt.Sprintf("%s %s %d", c.Category, c.Key, c.Count))
		}
	}
	var want []string
	for _, q := range []string{`SELECT '1.1.1 ' || name, count(*) FROM user_fields GROUP BY name ORDER BY name`,
		`SELECT '1.1.3 ' || field || ' / ' || source || ' / ' || legal_basis, count(*) FROM public_data GROUP BY field, source, legal_basis ORDER BY field, source, legal_basis`} {
		rows, err := snap.aux.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k string
			var n int64
			rows.Scan(&k, &n)
			want = append(want, fmt.Sprintf("%s %d", k, n))
		}
		rows.Close()
	}
	if len(want) < 3 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("counts in Go:\n%s\nGROUP BY:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	head := snap.Head.Seq
	byQuery, err := snap.StaffOverPeriod(ctx, time.Time{}, time.Time{}, 1, head)
	if err != nil {
		t.Fatal(err)
	}
	acted := map[StaffRole]int64{}
	snap.StreamAudit(ctx, 1, head, func(r *AuditRecord) error { acted[StaffRole{r.Staff, r.Role}]++; return nil })
	acted[StaffRole{"бывший", "auditor"}] = 2 // acted, no longer in the staff table
	acted[StaffRole{"бывший", "admin"}] = 1
	byCounts, err := snap.StaffWithActs(ctx, time.Time{}, time.Time{}, acted)
	if err != nil {
		t.Fatal(err)
	}
	if len(byCounts) != len(byQuery)+1 || byCounts[len(byCounts)-1].Name != "бывший" || byCounts[len(byCounts)-1].Role != RoleAdmin {
		t.Fatalf("staff %+v vs %+v", byCounts, byQuery)
	}
	if fmt.Sprint(byCounts[:len(byQuery)]) != fmt.Sprint(byQuery) {
		t.Fatalf("staff %+v vs %+v", byCounts, byQuery)
	}
}
