package auditpack

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"legco.kz/compliance/reports/auditpack/verify"
	"legco.kz/compliance/store"
	"legco.kz/compliance/store/audittest"
	"legco.kz/compliance/store/keyslot"
)

// BenchmarkPackMillion packs a workspace of LEGCO_BENCH_USERS demo users
// (default 100,000; `make bench-1m` sets 1,000,000) with as many audit
// entries spread over a year, as the CLI does (a 16 MiB page cache),
// then verifies the pack. It reports the pack's seconds and peak
// resident memory (the process's high-water mark reset just before the
// pack, so building the workspace does not count) and verify-pack's
// seconds. Run once: -benchtime 1x.
func BenchmarkPackMillion(b *testing.B) {
	n := 100_000
	if s := os.Getenv("LEGCO_BENCH_USERS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	dir := b.TempDir()
	path := filepath.Join(dir, "ws.db")
	// LEGCO_BENCH_WS keeps the built workspace at that path for the next
	// run (building it takes longer than packing it).
	if keep := os.Getenv("LEGCO_BENCH_WS"); keep != "" {
		path = keep
	}
	if _, err := os.Stat(path); err != nil {
		buildBenchWorkspace(b, path, n)
	}
	appendBenchEntries(b, path, n)
	w, err := store.Open(ctx, path, "admin", []byte(testPass), store.Options{CacheKiB: 16384})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	// As the CLI does (cmd/legco-compliance audit pack).
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(PackMemoryLimit))
	runtime.GC()
	resetPeakRSS()
	cpu0 := cpuSeconds()
	out := filepath.Join(dir, "pack")
	b.ResetTimer()
	t1 := time.Now()
	snap, err := w.PackSnapshot(ctx)
	if err != nil {
		b.Fatal(err)
	}
	res, err := Build(ctx, snap, Options{Out: out, Parts: []Part{}, PackedBy: "admin", Program: "bench"})
	snap.Close()
	if err != nil {
		b.Fatal(err)
	}
	pack := time.Since(t1)
	packCPU := cpuSeconds() - cpu0
	peak := peakRSSMB()
	t2 := time.Now()
	rep, err := verify.Verify(ctx, out, "", nil)
	if err != nil {
		b.Fatal(err)
	}
	ver := time.Since(t2)
	b.StopTimer()
	if !rep.OK() || rep.Entries < int64(n) {
		b.Fatalf("verify: %v, %d entries", rep.Problems, rep.Entries)
	}
	var bytes int64
	for _, f := range res.Manifest.Files {
		bytes += f.Size
	}
	b.ReportMetric(pack.Seconds(), "pack-s")
	b.ReportMetric(packCPU, "pack-cpu-s")
	b.ReportMetric(peak, "pack-peak-rss-MB")
	b.ReportMetric(ver.Seconds(), "verify-s")
	b.Logf("packed %d entries (%d files, %d MB) in %s (%.1f CPU-s), peak RSS %.0f MB; verify-pack %s", rep.Entries, len(res.Manifest.Files), bytes>>20, pack.Round(time.Millisecond), packCPU, peak, ver.Round(time.Millisecond))
}

// buildBenchWorkspace makes n demo users (the seed policy published) and
// n audit entries spread over 2026.
func buildBenchWorkspace(b *testing.B, path string, n int) {
	ctx := context.Background()
	t0 := time.Now()
	w, err := store.Create(ctx, path, "admin", []byte(testPass), store.Options{KDF: keyslot.TestParams})
	if err != nil {
		b.Fatal(err)
	}
	ed, err := w.ImportBuiltinPolicy(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := w.PublishPolicy(ctx, ed.Number, time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), "bench"); err != nil {
		b.Fatal(err)
	}
	if _, err := w.LoadDemo(ctx, n, 42, nil); err != nil {
		b.Fatal(err)
	}
	w.Close()
	b.Logf("built %d users in %s", n, time.Since(t0).Round(time.Second))
}

// appendBenchEntries brings the workspace's audit log to at least n
// entries spread over 2026 (a kept workspace is topped up).
func appendBenchEntries(b *testing.B, path string, n int) {
	ctx := context.Background()
	t0 := time.Now()
	raw, err := audittest.OpenRaw(path, "admin", []byte(testPass))
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	var have int
	if err := raw.QueryRow(`SELECT count(*) FROM audit_log`).Scan(&have); err != nil {
		b.Fatal(err)
	}
	if have >= n {
		return
	}
	year := 365 * 24 * time.Hour
	if err := audittest.AppendEntries(ctx, raw, n-have, "admin", "admin", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), year/time.Duration(n)); err != nil {
		b.Fatal(err)
	}
	b.Logf("appended %d audit entries in %s", n-have, time.Since(t0).Round(time.Second))
}

// resetPeakRSS resets the kernel's resident-memory high-water mark of
// this process (Linux: "5" to clear_refs).
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSSMB reads VmHWM from /proc/self/status, in MB.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			f := strings.Fields(l)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return -1
}
