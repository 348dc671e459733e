package store_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"legco.kz/compliance/reports/consentreport"
	"legco.kz/compliance/store"
	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/keyslot"
)

// BenchmarkMillionConsents builds a workspace of LEGCO_BENCH_USERS users
// (default 100,000; `make bench-1m` sets 1,000,000) with the demo's
// consent history across three editions (about 3.3 events a user),
// imported from a CSV export through ImportConsents, then measures a
// user's state and history, the backlog count, the aggregate report PDF
// and the CSV of current states, and the process's peak resident memory.
// It runs once (-benchtime 1x).
func BenchmarkMillionConsents(b *testing.B) {
	n := 100_000
	if s := os.Getenv("LEGCO_BENCH_USERS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	dir := b.TempDir()
	g := demo.New(42)
	t0 := time.Now()
	usersPath := filepath.Join(dir, "users.csv")
	if err := writeUsers(g, usersPath, n); err != nil {
		b.Fatal(err)
	}
	consentsPath := filepath.Join(dir, "consents.csv")
	events, err := g.WriteConsentExport(consentsPath, n, exportfile.CSV, demo.DemoEditions)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d users and %d consent events in %s", n, events, time.Since(t0).Round(time.Millisecond))
	// `import users` and `import consents` are two runs of the program:
	// the users are imported by a process of their own (this test binary
	// again, TestMillionConsentsUsersChild), so that what this process's
	// peak memory counts from here on is the consent work's alone. (Closed
	// in this process, the users import's SQLite pages stayed resident in
	// the C allocator's arenas and counted against the consent work.)
	wsPath := filepath.Join(dir, "ws.db")
	child := exec.Command(os.Args[0], "-test.run=^TestMillionConsentsUsersChild$", "-test.count=1")
	child.Env = append(os.Environ(), "LEGCO_USERS_CHILD_WS="+wsPath, "LEGCO_USERS_CHILD_FILE="+usersPath)
	child.Stderr = os.Stderr
	out, err := child.Output()
	if err != nil {
		b.Fatalf("users import in a child process: %v\n%s", err, out)
	}
	b.Logf("users import (child process): %s", strings.TrimSuffix(strings.TrimSpace(string(out)), "\nPASS"))
	w, err := store.Open(ctx, wsPath, "admin", []byte("benchmark pass"), store.Options{KDF: keyslot.TestParams})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	runtime.GC()
	debug.FreeOSMemory()
	// From here on the peak is the consent work's alone (Linux resets
	// VmHWM when "5" is written to clear_refs).
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	b.Logf("resident at the start of the consent work: %d MB", peakRSS()/1024)
	b.ResetTimer()
	f, _ := os.Open(consentsPath)
	stop := store.ProfileTo(b, "consents-import")
	cpu0 := cpuTime()
	t := time.Now()
	res, err := w.ImportConsents(ctx, bufio.NewReaderSize(f, 1<<20), "consents.csv", exportfile.CSV, store.ImportOptions{})
	d := time.Since(t)
	cpu := cpuTime() - cpu0
	stop()
	f.Close()
	b.StopTimer()
	if err != nil || res.New != events || res.Rejected != 0 {
		b.Fatalf("import: %+v %v", res, err)
	}
	b.ReportMetric(float64(res.New)/d.Seconds(), "events/s")
	// On a shared machine the wall time says more about the neighbours
	// than the import: CPU seconds (both goroutines, parse and write) give
	// the rate a quiet machine with a core to spare would reach, at most.
	b.ReportMetric(float64(res.New)/cpu.Seconds(), "events/cpu-s")
	b.Logf("imported %d events in %s (%.0f events/s); peak RSS so far %d MB", res.New, d.Round(time.Millisecond), float64(res.New)/d.Seconds(), peakRSS()/1024)

	// A user's state (now and on a past date) and history, as the screen
	// and `consents show` read them.
	var lat []time.Duration
	past := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	for k := 0; k < 200; k++ {
		acc := demo.AccountID((k * 7919) % n)
		t := time.Now()
		if _, err := w.ConsentStates(ctx, acc, time.Time{}); err != nil {
			b.Fatal(err)
		}
		if _, err := w.ConsentStates(ctx, acc, past); err != nil {
			b.Fatal(err)
		}
		if _, err := w.ConsentHistory(ctx, acc); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(ms(lat[len(lat)/2]), "state-p50-ms")
	b.ReportMetric(ms(lat[len(lat)*95/100]), "state-p95-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "state-max-ms")

	t = time.Now()
	bl, err := w.ConsentBacklog(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(ms(time.Since(t)), "backlog-ms")
	b.Logf("backlog %d users (%v)", bl.Total, bl.ByEdition)

	t = time.Now()
	c0 := cpuTime()
	data, err := w.ConsentReport(ctx, store.ConsentFilter{}, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	var pdf countWriter
	if err := consentreport.Render(&pdf, data, consentreport.Options{Lang: "ru"}); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(ms(time.Since(t)), "report-pdf-ms")
	b.ReportMetric(ms(cpuTime()-c0), "report-pdf-cpu-ms")

	for _, c := range []struct {
		name string
		f    store.ConsentFilter
	}{{"csv-policy", store.ConsentFilter{Purpose: store.PurposePolicy}}, {"csv-all", store.ConsentFilter{}}} {
		out, err := os.Create(filepath.Join(dir, c.name+".csv"))
		if err != nil {
			b.Fatal(err)
		}
		t = time.Now()
		c0 := cpuTime()
		stop := store.ProfileTo(b, c.name)
		rows, err := consentreport.WriteCSV(ctx, out, w, c.f, consentreport.CSVOptions{GeneratedAt: time.Now()})
		stop()
		out.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(ms(time.Since(t)), c.name+"-ms")
		b.ReportMetric(ms(cpuTime()-c0), c.name+"-cpu-ms")
		b.ReportMetric(float64(rows), c.name+"-rows")
	}
	b.ReportMetric(float64(peakRSS())/1024, "peak-rss-MB")

	// The floor under the import in this same run (after the memory
	// figure, which it must not raise): the same events inserted into
	// consent_events alone, encrypted, and without a key for reference.
	floor, err := store.ConsentEventsFloor(ctx, w, consentsPath, true, dir)
	if err != nil {
		b.Fatal(err)
	}
	plain, err := store.ConsentEventsFloor(ctx, w, consentsPath, false, dir)
	if err != nil {
		b.Fatal(err)
	}
	// The same with the import's multi-row statement: the engine alone
	// inserting the rows the way the import now does.
	batched, err := store.ConsentEventsBatchFloor(ctx, w, consentsPath, true, dir)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(floor, "floor-events/s")
	b.ReportMetric(plain, "floor-plain-events/s")
	b.ReportMetric(batched, "floor-batched-events/s")
	b.ReportMetric(float64(res.New)/d.Seconds()/floor, "import/floor")
	b.ReportMetric(float64(res.New)/d.Seconds()/batched, "import/batched-floor")
	b.Logf("floor: %.0f events/s encrypted, %.0f plain, %.0f encrypted %d rows a statement; import %.0f events/s = %.2f× the floor, %.2f× the batched floor",
		floor, plain, batched, store.ConsentBatchRows, float64(res.New)/d.Seconds(), float64(res.New)/d.Seconds()/floor, float64(res.New)/d.Seconds()/batched)
}

// TestMillionConsentsUsersChild is BenchmarkMillionConsents's users
// import, run as a process of its own: it creates the workspace
// LEGCO_USERS_CHILD_WS with the demo editions, imports the users export
// LEGCO_USERS_CHILD_FILE and prints what it did. Skipped otherwise.
func TestMillionConsentsUsersChild(t *testing.T) {
	wsPath, usersPath := os.Getenv("LEGCO_USERS_CHILD_WS"), os.Getenv("LEGCO_USERS_CHILD_FILE")
	if wsPath == "" || usersPath == "" {
		t.Skip("run by BenchmarkMillionConsents")
	}
	ctx := context.Background()
	w, err := store.Create(ctx, wsPath, "admin", []byte("benchmark pass"), store.Options{KDF: keyslot.TestParams})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.PublishDemoEditions(ctx, demo.DemoEditions); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(usersPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	t0 := time.Now()
	res, err := w.ImportUsers(ctx, f, "users.csv", exportfile.CSV, store.ImportOptions{})
	if err != nil || res.Rejected != 0 {
		t.Fatalf("users import: %+v %v", res, err)
	}
	fmt.Printf("%d users in %s, peak RSS %d MB\n", res.New, time.Since(t0).Round(time.Millisecond), peakRSS()/1024)
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)

// peakRSS is the process's peak resident set (VmHWM) in KiB.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			f := strings.Fields(l)
			if len(f) >= 2 {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				return n
			}
		}
	}
	return 0
}

func writeUsers(g *demo.Generator, path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	uw := exportfile.NewUserWriter(bw, exportfile.CSV, demo.ExtraColumns...)
	for i := 0; i < n; i++ {
		if err := uw.Write(g.User(i)); err != nil {
			return err
		}
	}
	if err := uw.Flush(); err != nil {
		return err
	}
	return bw.Flush()
}
