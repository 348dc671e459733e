package requestpack

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/exportfile"
)

// BenchmarkAccessPackage10k: the full access package (cover letter,
// extract PDF/CSV/JSON, access-log CSV, manifest, fulfilment recorded)
// for a user with 10,000 access-log rows.
func BenchmarkAccessPackage10k(b *testing.B) {
	ctx := context.Background()
	admin, officer := workspace(b)
	var csv bytes.Buffer
	csv.WriteString("account_id;time;ip;cookie_id;user_agent;page\n")
	start := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)
	for i := 0; i < 10_000; i++ {
		fmt.Fprintf(&csv, "LC-000001;%s;10.%d.%d.%d;c%031d;Mozilla/5.0 (X11 Linux x86_64) Firefox/%d.0;/cases/%d\n",
			start.Add(time.Duration(i)*17*time.Minute).Format(time.RFC3339), i%250, (i/250)%250, i%200+1, i, 100+i%30, i)
	}
	if res, err := admin.ImportAccessLog(ctx, &csv, "access-10k.csv", exportfile.CSV, store.ImportOptions{}); err != nil || res.New != 10_000 {
		b.Fatalf("import: %v (first error: %v)", err, firstErr(res))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		num, err := officer.CreateRequest(ctx, store.NewRequest{Kind: store.KindAccess, Accounts: []string{"LC-000001"}})
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range []store.RequestState{store.RequestVerifying, store.RequestUnderReview, store.RequestApproved} {
			step(b, officer, num, s)
		}
		dir := filepath.Join(b.TempDir(), num)
		b.StartTimer()
		res, err := Fulfil(ctx, officer, num, dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			var size int64
			for _, f := range res.Manifest.Files {
				size += f.Size
			}
			b.ReportMetric(float64(size)/1e6, "package-MB")
		}
	}
}

func firstErr(r *store.ImportResult) any {
	if r == nil || len(r.Errors) == 0 {
		return nil
	}
	return r.Errors[0]
}
