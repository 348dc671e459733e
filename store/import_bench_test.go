package store

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/keyslot"
)

// BenchmarkUsersImport measures the users import paths of issue #8 at
// LEGCO_BENCH_USERS users (default 100,000) without the rest of
// BenchmarkMillion (access log, searches, verify): the first import, the
// re-import of the same export with every tenth user's e-mail changed,
// and a second re-import of that file (nothing changes), each in rows/s
// of wall time and per CPU-second, with the floor (usersRowFloor) measured
// in the same run and the import as a ratio to it. The seals of the
// result are checked (the record pass of `audit verify`).
//
// With LEGCO_PROFILE_DIR set, each phase writes a CPU profile there
// (import.pprof, reimport.pprof, same.pprof) for `go tool pprof -top`.
func BenchmarkUsersImport(b *testing.B) {
	n := benchUsers()
	ctx := context.Background()
	dir := b.TempDir()
	g := demo.New(42)
	write := func(path string, change bool) {
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		bw := bufio.NewWriterSize(f, 1<<20)
		uw := exportfile.NewUserWriter(bw, exportfile.CSV, demo.ExtraColumns...)
		for i := range n {
			u := g.User(i)
			if change && i%10 == 0 {
				u.Email = "re" + strconv.Itoa(i) + "@example.kz"
			}
			if err := uw.Write(u); err != nil {
				b.Fatal(err)
			}
		}
		if err := uw.Flush(); err != nil {
			b.Fatal(err)
		}
		if err := bw.Flush(); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	first, changed := filepath.Join(dir, "users.csv"), filepath.Join(dir, "users-changed.csv")
	write(first, false)
	write(changed, true)
	w, err := Create(ctx, filepath.Join(dir, "ws.db"), "admin", []byte("benchmark pass"), Options{KDF: keyslot.TestParams})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	phase := func(name, path string) (*ImportResult, float64, float64) {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		stop := ProfileTo(b, name)
		runtime.GC()
		debug.FreeOSMemory()
		os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // resets VmHWM (Linux)
		c0, t0 := processCPU(), time.Now()
		res, err := w.ImportUsers(ctx, bufio.NewReaderSize(f, 1<<20), filepath.Base(path), exportfile.CSV, ImportOptions{})
		wall, cpu := time.Since(t0), processCPU()-c0
		stop()
		if err != nil {
			b.Fatal(err)
		}
		rows := float64(res.New + res.Updated + res.Same)
		b.ReportMetric(rows/wall.Seconds(), name+"-rows/s")
		b.ReportMetric(cpu.Seconds(), name+"-cpu-s")
		b.ReportMetric(rows/cpu.Seconds(), name+"-rows/cpu-s")
		if kib := vmHWM(); kib > 0 {
			b.ReportMetric(float64(kib)/1024, name+"-peak-rss-MB")
		}
		b.Logf("%s: %+v in %s wall, %s CPU", name, *res, wall.Round(time.Millisecond), cpu.Round(time.Millisecond))
		return res, rows / wall.Seconds(), rows / cpu.Seconds()
	}
	b.ResetTimer()
	res, rate, _ := phase("import", first)
	if res.New != n || res.Rejected != 0 {
		b.Fatalf("import: %+v", res)
	}
	res, _, _ = phase("reimport", changed)
	if res.Updated != (n+9)/10 || res.New != 0 || res.Rejected != 0 {
		b.Fatalf("re-import: %+v", res)
	}
	res, _, _ = phase("same", changed)
	if res.Updated != 0 || res.New != 0 || res.Same != n {
		b.Fatalf("re-import of the same file changed something: %+v", res)
	}
	b.StopTimer()
	floor := usersRowFloor(b, g, min(n, 200_000))
	b.ReportMetric(floor, "floor-rows/s")
	b.ReportMetric(rate/floor, "import/floor")
	// The same with the rows issues #9 and #14 added to every user (its
	// seal, its name key and the name index): the floor under the import's
	// obligatory writing today (usersRecordFloor).
	recFloor := usersRecordFloor(b, g, min(n, 200_000))
	b.ReportMetric(recFloor, "record-floor-rows/s")
	b.ReportMetric(rate/recFloor, "import/record-floor")
	rep, err := w.Verify(ctx, VerifyOptions{})
	if err != nil || !rep.OK() {
		b.Fatalf("verify: %v %+v", err, rep)
	}
}

// ProfileTo starts a CPU profile named name.pprof in LEGCO_PROFILE_DIR
// (nothing when it is unset); the returned func stops it.
func ProfileTo(b *testing.B, name string) func() {
	dir := os.Getenv("LEGCO_PROFILE_DIR")
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, name+".pprof"))
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ConsentEventsFloor is the floor under the consent import (the project's
// rule for speed targets): the events of the export at path, parsed
// beforehand (untimed), inserted into consent_events of a fresh workspace
// schema, with its index, by the import's own prepared statement in
// 50,000-row transactions. encrypted false opens the same engine without
// a key (the reference). User ids come from ws, as the import finds them.
// It returns events per second of the inserts alone.
func ConsentEventsFloor(ctx context.Context, ws *Workspace, path string, encrypted bool, dir string) (float64, error) {
	return consentEventsFloor(ctx, ws, path, encrypted, dir, 1)
}

// ConsentBatchRows is how many events one statement of the import inserts.
const ConsentBatchRows = consentBatchRows

// ConsentEventsBatchFloor is ConsentEventsFloor with the import's
// multi-row statement (consentBatchRows events a statement, the rest of a
// chunk one by one), as the import now inserts: the floor under the
// import's own way of inserting, where ConsentEventsFloor is the engine
// with one statement per event.
func ConsentEventsBatchFloor(ctx context.Context, ws *Workspace, path string, encrypted bool, dir string) (float64, error) {
	return consentEventsFloor(ctx, ws, path, encrypted, dir, consentBatchRows)
}

func consentEventsFloor(ctx context.Context, ws *Workspace, path string, encrypted bool, dir string, per int) (float64, error) {
	uids := map[string]int64{}
	rows, err := ws.db.QueryContext(ctx, `SELECT account_id, id FROM users`)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var a string
		var id int64
		if err := rows.Scan(&a, &id); err != nil {
			rows.Close()
			return 0, err
		}
		uids[a] = id
	}
	rows.Close()
	var key []byte
	if encrypted {
		key, _ = keyslot.NewKey()
	}
	db, err := openDB(filepath.Join(dir, "consent-floor-"+strconv.FormatBool(encrypted)+"-"+strconv.Itoa(per)+".db"), key)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if err := migrate(ctx, db, len(migrations)); err != nil {
		return 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	cr, err := exportfile.NewConsentReader(bufio.NewReaderSize(f, 1<<20), filepath.Base(path), exportfile.CSV)
	if err != nil {
		return 0, err
	}
	type ev struct {
		uid                                           int64
		purpose, event, language, channel, ip, docRef string
		ua                                            any // the user agent's id, nil for none
		edition                                       int
		at                                            int64
	}
	// The user agents are stored beforehand, untimed, as the ledger names
	// them (migration 0014): the floor is the events' own rows.
	uaIDs := map[string]int64{}
	uaArgOf := func(text string) (any, error) {
		if text == "" {
			return nil, nil
		}
		if id, ok := uaIDs[text]; ok {
			return id, nil
		}
		res, err := db.ExecContext(ctx, `INSERT INTO consent_user_agents(text, n) VALUES (?, 0)`, text)
		if err != nil {
			return nil, err
		}
		id, err := res.LastInsertId()
		uaIDs[text] = id
		return id, err
	}
	chunk := make([]ev, 0, 50_000)
	var took time.Duration
	total, eof := 0, false
	for !eof {
		chunk = chunk[:0]
		for len(chunk) < cap(chunk) {
			c, err := cr.Next()
			if errors.Is(err, io.EOF) {
				eof = true
				break
			}
			if err != nil {
				return 0, err
			}
			ua, err := uaArgOf(c.UserAgent)
			if err != nil {
				return 0, err
			}
			chunk = append(chunk, ev{uids[c.AccountID], c.Purpose, c.Event, c.Language, c.Channel, c.IP, c.DocumentRef, ua, c.Edition, nanos(c.Time)})
		}
		t := time.Now()
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		st, err := tx.PrepareContext(ctx, consentInsertSQL)
		if err != nil {
			return 0, err
		}
		rest := chunk
		if per > 1 {
			many, err := tx.PrepareContext(ctx, consentInsertBatchSQL(sql.NullInt64{Int64: 1, Valid: true}, 1))
			if err != nil {
				return 0, err
			}
			args := make([]any, 0, 10*per)
			for ; len(rest) >= per; rest = rest[per:] {
				args = args[:0]
				for _, e := range rest[:per] {
					args = append(args, e.uid, e.purpose, e.event, e.edition, e.language, e.channel, e.at, e.ip, e.ua, e.docRef)
				}
				if _, err := many.ExecContext(ctx, args...); err != nil {
					return 0, err
				}
			}
			many.Close()
		}
		for _, e := range rest {
			if _, err := st.ExecContext(ctx, e.uid, e.purpose, e.event, e.edition, e.language, e.channel, e.at, e.ip, e.ua, e.docRef, "", 1, 1); err != nil {
				return 0, err
			}
		}
		st.Close()
		if err := tx.Commit(); err != nil {
			return 0, err
		}
		took += time.Since(t)
		total += len(chunk)
	}
	return float64(total) / took.Seconds(), nil
}

// vmHWM is the process's peak resident set in KiB (Linux; 0 elsewhere).
func vmHWM() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}
