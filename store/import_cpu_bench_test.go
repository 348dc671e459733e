package store

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/keyslot"
)

// This file uses nothing newer than the users import, so that it can be
// copied onto an older commit to measure the import without a change
// (issue #14: without the sort key) in the same conditions.

// cpuSeconds is the process's user + system CPU time so far: less
// sensitive than wall time to the other work on a shared machine.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

func benchUsers() int {
	n := 100_000
	if s := os.Getenv("LEGCO_BENCH_USERS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	return n
}

// importUsersTimed imports a users export and returns the users added,
// the CPU seconds and the wall seconds it took.
func importUsersTimed(b *testing.B, w *Workspace, path string) (int, float64, float64) {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	c0, t0 := cpuSeconds(), time.Now()
	res, err := w.ImportUsers(context.Background(), f, filepath.Base(path), exportfile.CSV, ImportOptions{})
	if err != nil || res.Rejected > 0 {
		b.Fatalf("import: %v %+v", err, res)
	}
	return res.New, cpuSeconds() - c0, time.Since(t0).Seconds()
}

// BenchmarkImportUsersCPU is the users import alone at LEGCO_BENCH_USERS
// users (default 100,000), in users/s and CPU seconds. It uses nothing
// newer than the import itself, so that the same file run on an older
// commit gives the import without the sort key.
func BenchmarkImportUsersCPU(b *testing.B) {
	n := benchUsers()
	dir := b.TempDir()
	usersPath, _, err := demo.New(42).WriteExports(dir, n, exportfile.CSV, nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := range b.N {
		w, err := Create(context.Background(), filepath.Join(dir, "ws"+strconv.Itoa(i)+".db"), "admin", []byte("benchmark pass"), Options{KDF: keyslot.TestParams})
		if err != nil {
			b.Fatal(err)
		}
		users, cpu, wall := importUsersTimed(b, w, usersPath)
		b.ReportMetric(float64(users)/wall, "users/s")
		b.ReportMetric(cpu, "cpu-s")
		b.ReportMetric(cpu/float64(users)*1e6, "cpu-µs/user")
		w.Close()
	}
}
