package store

import (
	"context"
	"syscall"
	"testing"
	"time"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRequestQueue100k reads the whole queue of 100,000 requests in
// due-date order (what the Requests screen loads); list-ms is wall time,
// cpu-ms the process's CPU time (the better figure on a shared machine).
func BenchmarkRequestQueue100k(b *testing.B) {
	ctx := context.Background()
	w, _ := newWorkspace(b)
	if err := w.LoadDemoRequests(ctx, 100_000, 1000, 1); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var wall, cpu time.Duration
	for i := 0; i < b.N; i++ {
		start, c := time.Now(), cpuTime()
		rows, err := w.ListRequests(ctx, RequestFilter{})
		if err != nil || len(rows) != 100_000 {
			b.Fatal(len(rows), err)
		}
		wall += time.Since(start)
		cpu += cpuTime() - c
	}
	b.ReportMetric(float64(wall.Milliseconds())/float64(b.N), "list-ms")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms")
}
