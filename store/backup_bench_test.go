package store

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/keyslot"
)

// BenchmarkBackupMillion backs up a workspace of LEGCO_BENCH_USERS users
// (default 100,000; `make bench-1m` sets 1,000,000) with their access log
// (about five rows a user), imported through the real CSV import, then
// restores it. Figures: backup seconds and MB/s, restore seconds (the
// restore checks the manifest's SHA-256 and the audit chain).
func BenchmarkBackupMillion(b *testing.B) {
	n := benchUsers()
	ctx := context.Background()
	dir := b.TempDir()
	path := filepath.Join(dir, "ws.db")
	// LEGCO_BENCH_BACKUP_WS keeps the built workspace at that path for the
	// next run (at a million users building it takes far longer than the
	// backup).
	if keep := os.Getenv("LEGCO_BENCH_BACKUP_WS"); keep != "" {
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
	var last time.Duration
	var size int64
	for i := 0; i < b.N; i++ {
		out := filepath.Join(dir, "backup-"+strconv.Itoa(i))
		t0 := time.Now()
		m, err := w.Backup(ctx, out, nil)
		if err != nil {
			b.Fatal(err)
		}
		last = time.Since(t0)
		size = m.Files[0].Size
		b.StopTimer()
		t1 := time.Now()
		if _, err := Restore(ctx, out, filepath.Join(dir, "restored-"+strconv.Itoa(i), "ws.db"), RestoreOptions{Staff: "admin", Passphrase: []byte("benchmark pass"), Options: Options{KDF: keyslot.TestParams}}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(t1).Seconds(), "restore-s")
		os.RemoveAll(out)
		os.RemoveAll(filepath.Join(dir, "restored-"+strconv.Itoa(i)))
		b.StartTimer()
	}
	b.ReportMetric(last.Seconds(), "backup-s")
	b.ReportMetric(float64(size)/1e6, "workspace-MB")
	b.ReportMetric(float64(size)/1e6/last.Seconds(), "MB/s")
	b.Logf("%d users: workspace %.0f MB, backup %s", n, float64(size)/1e6, last.Round(time.Millisecond))
}

// buildBackupBenchWorkspace imports n demo users and their access log
// into a new workspace at path through the real CSV import.
func buildBackupBenchWorkspace(b *testing.B, ctx context.Context, path, dir string, n int) {
	up, ap, err := demo.New(42).WriteExports(dir, n, exportfile.CSV, nil)
	if err != nil {
		b.Fatal(err)
	}
	w, err := Create(ctx, path, "admin", []byte("benchmark pass"), Options{KDF: keyslot.TestParams})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	for _, p := range []string{up, ap} {
		f, err := os.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		if p == up {
			_, err = w.ImportUsers(ctx, f, filepath.Base(p), exportfile.CSV, ImportOptions{})
		} else {
			_, err = w.ImportAccessLog(ctx, f, filepath.Base(p), exportfile.CSV, ImportOptions{})
		}
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		os.Remove(p)
	}
}
