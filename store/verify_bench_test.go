package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"legco.kz/compliance/store/keyslot"
)

// BenchmarkVerifyMillion is `audit verify` (full and --quick) on a
// workspace of LEGCO_BENCH_USERS users and their access log, kept at
// LEGCO_BENCH_VERIFY_WS when that is set, with its floor measured in the
// same run: SQLite's integrity_check alone, which the full verify must
// include (issue #9). Reported: both verifies in seconds, the floor, and
// the full verify as a ratio to it.
func BenchmarkVerifyMillion(b *testing.B) {
	n := benchUsers()
	ctx := context.Background()
	dir := b.TempDir()
	path := filepath.Join(dir, "ws.db")
	if keep := os.Getenv("LEGCO_BENCH_VERIFY_WS"); keep != "" {
		path = keep
	}
	if _, err := os.Stat(path); err != nil {
		buildBackupBenchWorkspace(b, ctx, path, dir, n)
	}
	w, err := Open(ctx, path, "admin", []byte("benchmark pass"), Options{KDF: keyslot.TestParams})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	b.ResetTimer()
	timed := func(name string, fn func() error) float64 {
		t := time.Now()
		if err := fn(); err != nil {
			b.Fatalf("%s: %v", name, err)
		}
		s := time.Since(t).Seconds()
		b.ReportMetric(s, name)
		return s
	}
	verify := func(quick bool) func() error {
		return func() error {
			rep, err := w.Verify(ctx, VerifyOptions{Quick: quick})
			if err == nil && !rep.OK() {
				b.Fatalf("verify quick=%v: %+v %+v %+v", quick, rep.Broken, rep.Integrity, rep.Tampered)
			}
			return err
		}
	}
	// The page check first: it reads the whole file, so every figure
	// after it finds the file in the operating system's cache.
	timed("page-check-s", func() error {
		found, err := w.checkPages(ctx, nil)
		if err == nil && len(found) > 0 {
			b.Fatalf("page check: %+v", found)
		}
		return err
	})
	floor := timed("integrity-check-s", func() error {
		found, err := w.pragmaCheck(ctx, "integrity_check")
		if err == nil && len(found) > 0 {
			b.Fatalf("integrity_check: %+v", found)
		}
		return err
	})
	full := timed("verify-full-s", verify(false))
	timed("verify-quick-s", verify(true))
	b.ReportMetric(full/floor, "full/integrity-check")
}
