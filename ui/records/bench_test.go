package records

import (
	"bufio"
	"context"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/keyslot"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/internal/uitest"
	"legco.kz/compliance/ui/shell"
)

var (
	benchOnce sync.Once
	benchDir  string
	benchPath string
	benchErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchUsers is LEGCO_BENCH_USERS (default 20,000).
func benchUsers(b *testing.B) int {
	n := 20000
	if v := os.Getenv("LEGCO_BENCH_USERS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			b.Fatalf("LEGCO_BENCH_USERS=%q", v)
		}
	}
	return n
}

// benchWorkspace opens the benchmark's workspace: LEGCO_BENCH_DB (with
// LEGCO_BENCH_STAFF, default admin, and LEGCO_BENCH_PASSPHRASE) when set,
// e.g. one made by "legco-compliance demo --users 1000000"; otherwise one
// built once per process with LEGCO_BENCH_USERS demo users.
func benchWorkspace(b *testing.B) *store.Workspace {
	ctx := context.Background()
	if p := os.Getenv("LEGCO_BENCH_DB"); p != "" {
		staff := os.Getenv("LEGCO_BENCH_STAFF")
		if staff == "" {
			staff = "admin"
		}
		w, err := store.Open(ctx, p, staff, []byte(os.Getenv("LEGCO_BENCH_PASSPHRASE")), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		return w
	}
	const pass = "bench passphrase"
	benchOnce.Do(func() {
		n := benchUsers(b)
		benchDir, benchErr = os.MkdirTemp("", "legco-records-bench-")
		if benchErr != nil {
			return
		}
		benchPath = filepath.Join(benchDir, "workspace.db")
		start := time.Now()
		var w *store.Workspace
		if w, benchErr = store.Create(ctx, benchPath, "bench", []byte(pass), store.Options{KDF: keyslot.TestParams}); benchErr != nil {
			return
		}
		if _, benchErr = w.LoadDemo(ctx, n, 1, nil); benchErr != nil {
			w.Close()
			return
		}
		benchErr = w.Close()
		b.Logf("built a workspace with %d demo users in %s", n, time.Since(start).Round(time.Millisecond))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	w, err := store.Open(ctx, benchPath, "bench", []byte(pass), store.Options{KDF: keyslot.TestParams})
	if err != nil {
		b.Fatal(err)
	}
	return w
}

// procStatus reads a kB figure (VmRSS, VmHWM) from /proc/self/status, in MB.
func procStatus(key string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkScrollRSS scrolls the Records list from the first user to the
// last, one screen at a time (every row is shown once), and reports the
// resident memory: rss-MB at the end, peak-rss-MB while scrolling, and
// growth-MB over the RSS before scrolling (the workspace is built before
// the timer starts). Run it with
//
//	LEGCO_BENCH_USERS=1000000 go test -tags migrated_fynedo -run '^$' -bench ScrollRSS -benchtime 1x -timeout 60m ./ui/records/
//
// or, with a workspace made once by "legco-compliance demo --users 1000000",
// LEGCO_BENCH_DB=path LEGCO_BENCH_PASSPHRASE=… (LEGCO_BENCH_STAFF=admin).
// FYNE_CACHE=10s makes Fyne forget recycled list rows sooner than its
// default minute, in the benchmark as in the app.
func BenchmarkScrollRSS(b *testing.B) {
	loop := uitest.Install(b)
	test.NewTempApp(b)
	if _, err := i18n.Load(i18n.Russian); err != nil {
		b.Fatal(err)
	}
	w := benchWorkspace(b)
	defer w.Close()
	win := test.NewWindow(nil)
	defer win.Close()
	env := shell.NewEnv(w, win, shell.Options{KDF: keyslot.TestParams})
	defer func() { env.Stop(); loop.Settle(b); env.Wait() }()
	start := time.Now()
	s := NewScreen(env)
	win.SetContent(s)
	win.Resize(fyne.NewSize(1200, 800))
	loop.Settle(b)
	rows := s.List.Length()
	if rows == 0 {
		b.Fatal("no users")
	}
	openMS := float64(time.Since(start).Milliseconds())
	runtime.GC()
	rss0 := procStatus("VmRSS")
	screen := s.List.Size().Height
	var steps int
	peak := rss0
	// The app's driver cleans Fyne's caches every ten seconds or so while
	// it paints, dropping renderers unused for FYNE_CACHE (default a
	// minute), e.g. those of list rows recycled after a garbage
	// collection. The test driver cleans them only when the canvas is
	// captured: do that as often.
	capturer, _ := win.Canvas().(interface{ Capture() image.Image })
	lastClean := time.Now()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.List.ScrollToTop()
		loop.Settle(b)
		for off := float32(0); ; off += screen {
			s.List.ScrollToOffset(off)
			loop.Settle(b)
			steps++
			if steps%256 == 0 {
				peak = max(peak, procStatus("VmRSS"))
				if capturer != nil && time.Since(lastClean) > 10*time.Second {
					capturer.Capture()
					lastClean = time.Now()
				}
			}
			if s.List.GetScrollOffset() < off { // the end
				break
			}
		}
		if _, st := s.win.row(rows - 1); st != rowLoaded {
			b.Fatalf("the last row is not loaded (%v)", st)
		}
	}
	b.StopTimer()
	rss := procStatus("VmRSS")
	peak = max(peak, rss)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "go-heap-MB")
	b.ReportMetric(openMS, "open-ms")
	b.ReportMetric(rss0, "start-rss-MB")
	b.ReportMetric(rss, "rss-MB")
	b.ReportMetric(peak, "peak-rss-MB")
	b.ReportMetric(rss-rss0, "growth-MB")
	b.ReportMetric(float64(rows), "users")
	b.ReportMetric(float64(s.fetches.Load())/float64(b.N), "pages/op")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(steps), "us/screen")
	b.Logf("%s users, %d screens of %.0f px, %d page loads (%d skipped), %d pages held; RSS %.0f MB before scrolling, %.0f MB after, peak %.0f MB",
		Group(rows), steps, screen, s.fetches.Load(), s.skipped.Load(), len(s.win.pages), rss0, rss, peak)
}
