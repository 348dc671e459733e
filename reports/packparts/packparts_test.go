package packparts

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"legco.kz/compliance/reports/auditpack"
	"legco.kz/compliance/reports/auditpack/verify"
	"legco.kz/compliance/reports/internal/pdftest"
	"legco.kz/compliance/store"
	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/keyslot"
)

const testPass = "correct horse battery"

// demoClock is the workspaces' clock: 20 March 2026, a second later at
// every reading (the demo requests are received over the 40 days before).
type demoClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *demoClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

var shared struct {
	once  sync.Once
	dir   string
	path  string
	clock *demoClock
	err   error
}

// demoWorkspace builds (once) a real workspace the way `demo` does with
// its extras: the three demo policy editions, 300 users, their consent
// history and the 45 demo requests with their disclosures; and an
// auditor besides the admin. Tests open it read-only in effect (packing
// changes nothing).
func demoWorkspace(t *testing.T) (string, *demoClock) {
	t.Helper()
	shared.once.Do(func() {
		ctx := context.Background()
		if shared.dir, shared.err = os.MkdirTemp("", "packparts-test-"); shared.err != nil {
			return
		}
		shared.path = filepath.Join(shared.dir, "ws.db")
		shared.clock = &demoClock{t: time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)}
		w, err := store.Create(ctx, shared.path, "admin", []byte(testPass), store.Options{KDF: keyslot.TestParams, CacheKiB: 8192, Now: shared.clock.now})
		if err != nil {
			shared.err = err
			return
		}
		defer w.Close()
		shared.err = func() error {
			if err := w.AddStaff(ctx, "аудитор", store.RoleAuditor, []byte(testPass), keyslot.TestParams); err != nil {
				return err
			}
			if err := w.PublishDemoEditions(ctx, demo.DemoEditions); err != nil {
				return err
			}
			if _, err := w.LoadDemo(ctx, 300, 3, nil); err != nil {
				return err
			}
			if _, err := w.LoadDemoConsents(ctx, 300, 3, demo.DemoEditions, nil); err != nil {
				return err
			}
			return w.LoadDemoRequests(ctx, 45, 300, 3)
		}()
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.path, shared.clock
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

func open(t *testing.T, staff string) *store.Workspace {
	t.Helper()
	path, clock := demoWorkspace(t)
	w, err := store.Open(context.Background(), path, staff, []byte(testPass), store.Options{CacheKiB: 8192, Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// pack makes a pack with the registered parts (Parts nil: the registry
// this package's init filled, as the CLI and the app do).
func pack(t *testing.T, w *store.Workspace, by string, now time.Time, from, to time.Time) (string, *auditpack.Result) {
	t.Helper()
	ctx := context.Background()
	snap, err := w.PackSnapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	out := filepath.Join(t.TempDir(), "pack")
	res, err := auditpack.Build(ctx, snap, auditpack.Options{Out: out, From: from, To: to, PackedBy: by, Program: "packparts test",
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return out, res
}

func day(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func pdfText(t *testing.T, path string) string {
	t.Helper()
	pdftest.Tool(t, "qpdf", "--check", path)
	return strings.ReplaceAll(pdftest.Tool(t, "pdftotext", "-layout", path, "-"), "\u00a0", " ")
}

func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// TestPackHasTheFourParts: a pack of the demo workspace lists all four
// parts as included, passes verify-pack, every PDF passes qpdf and
// extracts with its Kazakh letters, and the figures in the PDFs and CSVs
// are the store's own for the period.
func TestPackHasTheFourParts(t *testing.T) {
	pdftest.Need(t)
	ctx := context.Background()
	w := open(t, "admin")
	for _, tc := range []struct {
		name     string
		from, to string
	}{
		{"whole log", "", ""},
		{"1 February - 14 March 2026", "2026-02-01", "2026-03-14"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from, to := day(tc.from), day(tc.to)
			dir, res := pack(t, w, "admin", time.Date(2026, 3, 21, 8, 0, 0, 0, time.UTC), from, to)
			rep, err := verify.Verify(ctx, dir, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() {
				t.Fatalf("verify-pack: %v", rep.Problems)
			}
			files := map[string][]string{}
			for _, p := range res.Manifest.Parts {
				if p.Status != verify.PartIncluded {
					t.Errorf("part %s: status %q, want included", p.ID, p.Status)
				}
				files[p.ID] = p.Files
			}
			for _, id := range []string{auditpack.PartConsents, auditpack.PartRequests, auditpack.PartDisclosures, auditpack.PartTransparency} {
				if len(files[id]) == 0 {
					t.Fatalf("part %s has no files (manifest parts %+v)", id, res.Manifest.Parts)
				}
			}
			text := map[string]string{}
			for _, f := range res.Manifest.Files {
				if strings.HasSuffix(f.Name, ".pdf") && strings.HasPrefix(f.Name, "parts/") {
					text[f.Name] = pdfText(t, filepath.Join(dir, f.Name))
				}
			}
			// Kazakh letters survive in every part's PDF (its Kazakh
			// title, as extracted).
			for name, want := range map[string]string{
				"parts/consents/consent-report-kk.pdf":       "Дербес деректерді өңдеуге берілген келісімдер туралы есеп",
				"parts/requests/requests-register.pdf":       "Субъектілердің өтініштері мен сұраулар тізілімі",
				"parts/disclosures/disclosure-register.pdf":  "Дербес деректерді ашу тізілімі",
				"parts/transparency/transparency-report.pdf": "Ашықтық туралы есеп",
				"parts/consents/consent-report-ru.pdf":       "Отчёт о согласиях на обработку персональных данных",
			} {
				if !strings.Contains(flat(text[name]), want) {
					t.Errorf("%s: text lacks %q", name, want)
				}
			}
			all := flat(strings.Join([]string{text["parts/requests/requests-register.pdf"], text["parts/transparency/transparency-report.pdf"],
				text["parts/consents/consent-report-kk.pdf"], text["parts/disclosures/disclosure-register.pdf"]}, " "))
			for _, r := range "әғқңөұүі" {
				if !strings.ContainsRune(all, r) {
					t.Errorf("no %q in the parts' Kazakh text", r)
				}
			}

			// Requests: the store's queue, received in the period.
			queue, err := w.ListRequests(ctx, store.RequestFilter{})
			if err != nil {
				t.Fatal(err)
			}
			nReq := 0
			for _, r := range queue {
				if (tc.from == "" || r.Received >= tc.from) && (tc.to == "" || r.Received <= tc.to) {
					nReq++
				}
			}
			reqCSV := readCSV(t, filepath.Join(dir, "parts/requests/requests-register.csv"))
			if len(reqCSV)-1 != nReq || nReq == 0 {
				t.Errorf("requests CSV: %d rows, store %d", len(reqCSV)-1, nReq)
			}
			if want := "Всего: " + strconv.Itoa(nReq) + ";"; !strings.Contains(flat(text["parts/requests/requests-register.pdf"]), want) {
				t.Errorf("requests PDF lacks %q", want)
			}
			for _, row := range reqCSV[1:] {
				if row[3] == string(store.RequesterSubject) && row[4] != "" {
					t.Errorf("requests CSV names a subject requester without personal data: %q", row)
				}
			}

			// Disclosures: the store's register of the period.
			ds, err := w.DisclosureRegister(ctx, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if disc := readCSV(t, filepath.Join(dir, "parts/disclosures/disclosure-register.csv")); len(disc)-1 != len(ds) || len(ds) == 0 {
				t.Errorf("disclosures CSV: %d rows, store %d", len(disc)-1, len(ds))
			}
			if want := "Всего раскрытий: " + strconv.Itoa(len(ds)) + "."; !strings.Contains(flat(text["parts/disclosures/disclosure-register.pdf"]), want) {
				t.Errorf("disclosures PDF lacks %q", want)
			}

			// Transparency: the store's report of the same days (the
			// pack's open start is the first receipt, its open end the
			// chain head's day, which is today on this clock).
			tf, tt := from, to
			if tf.IsZero() {
				tf = day(queue[0].Received)
				for _, r := range queue {
					if r.Received < tf.Format("2006-01-02") {
						tf = day(r.Received)
					}
				}
			}
			if tt.IsZero() {
				tt = w.Today()
			}
			tr, err := w.TransparencyReport(ctx, tf, tt)
			if err != nil {
				t.Fatal(err)
			}
			tot := tr.Total
			nums := []int{tot.Received, tot.Complied, tot.Partial, tot.Rejected, tot.Pending, tot.Accounts, tot.Late, tot.MedianDays, tot.WorstDays}
			var want []string
			for _, n := range nums {
				want = append(want, strconv.Itoa(n))
			}
			trCSV := readCSV(t, filepath.Join(dir, "parts/transparency/transparency-report.csv"))
			last := trCSV[len(trCSV)-1]
			if last[2] != "total" || strings.Join(last[4:], " ") != strings.Join(want, " ") || tot.Received != nReq {
				t.Errorf("transparency CSV total %q, store %v (requests %d)", last, want, nReq)
			}
			if !strings.Contains(flat(text["parts/transparency/transparency-report.pdf"]), strings.Join(want, " ")) {
				t.Errorf("transparency PDF lacks the total figures %v", want)
			}

			// Consents: the store's aggregate report of the period.
			d, err := w.ConsentReport(ctx, store.ConsentFilter{From: from, To: to}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			events := 0
			for _, r := range d.Rows {
				events += r.Total.Given + r.Total.Withdrawn + r.Total.Expired
				for _, lang := range []string{"ru", "kk"} {
					if !containsFigures(text["parts/consents/consent-report-"+lang+".pdf"], r.Total) {
						t.Errorf("consents %s: edition %d %s figures %+v not in the text", lang, r.Edition, r.Purpose, r.Total)
					}
				}
			}
			if events == 0 {
				t.Errorf("no consent events in the period: the test shows nothing")
			}
			var states int
			if err := w.EachConsentState(ctx, store.ConsentFilter{From: from, To: to}, func(store.ConsentStateRow) error { states++; return nil }); err != nil {
				t.Fatal(err)
			}
			if c := readCSV(t, filepath.Join(dir, "parts/consents/consent-states.csv")); len(c)-1 != states || states == 0 {
				t.Errorf("consent states CSV: %d rows, store %d", len(c)-1, states)
			}
		})
	}
}

// containsFigures finds the four figures of a consent report row, in
// order, at the end of one line.
func containsFigures(txt string, f store.ConsentFigures) bool {
	want := strings.Join([]string{group(f.Given), group(f.Withdrawn), group(f.Expired), group(f.Current)}, " ")
	for _, line := range strings.Split(txt, "\n") {
		if strings.HasSuffix(flat(line), want) {
			return true
		}
	}
	return false
}

func group(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + " " + s[i:]
	}
	return s
}

// TestPackPartsAreDeterministic: two packs of the same state, made by
// different staff at different times, are byte-identical but for
// manifest.json's packed_at and packed_by.
func TestPackPartsAreDeterministic(t *testing.T) {
	a := open(t, "аудитор")
	dirA, resA := pack(t, a, "аудитор", time.Date(2026, 3, 21, 8, 0, 0, 0, time.UTC), time.Time{}, time.Time{})
	b := open(t, "admin")
	dirB, resB := pack(t, b, "admin", time.Date(2026, 4, 2, 17, 30, 0, 0, time.UTC), time.Time{}, time.Time{})
	if resA.Manifest.ChainHead != resB.Manifest.ChainHead {
		t.Fatalf("the state changed between the packs: %+v vs %+v", resA.Manifest.ChainHead, resB.Manifest.ChainHead)
	}
	parts := 0
	for _, f := range resA.Manifest.Files {
		x, err := os.ReadFile(filepath.Join(dirA, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(dirB, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between the two packs", f.Name)
		}
		if strings.HasPrefix(f.Name, "parts/") {
			parts++
			if bytes.Contains(x, []byte("аудитор")) {
				t.Errorf("%s names who packed it", f.Name)
			}
		}
	}
	if parts < 8 {
		t.Errorf("%d part files, want at least 8", parts)
	}
	ma, mb := manifestWithout(t, dirA), manifestWithout(t, dirB)
	if ma != mb {
		t.Errorf("manifests differ beyond packed_at/packed_by:\n%s", pdftest.FirstDiff(ma, mb))
	}
}

func manifestWithout(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, verify.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "packed_at")
	delete(m, "packed_by")
	out, _ := json.MarshalIndent(m, "", " ")
	return string(out)
}

// TestPackPartsNoData: a period without requests lists the requests,
// disclosures and transparency parts as "no data for the period", with
// no files, and the pack still verifies.
func TestPackPartsNoData(t *testing.T) {
	pdftest.Need(t)
	w := open(t, "admin")
	dir, res := pack(t, w, "admin", time.Date(2026, 3, 21, 8, 0, 0, 0, time.UTC), day("2025-01-01"), day("2025-01-31"))
	rep, err := verify.Verify(context.Background(), dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("verify-pack: %v", rep.Problems)
	}
	got := map[string]verify.Part{}
	for _, p := range res.Manifest.Parts {
		got[p.ID] = p
	}
	for _, id := range []string{auditpack.PartRequests, auditpack.PartDisclosures, auditpack.PartTransparency} {
		if p := got[id]; p.Status != verify.PartNoData || len(p.Files) != 0 {
			t.Errorf("part %s: %+v, want no-data without files", id, p)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "parts", "requests")); !os.IsNotExist(err) {
		t.Errorf("parts/requests exists for a period without requests (%v)", err)
	}
	// -raw keeps each column's paragraph together (the index sets
	// Russian and Kazakh side by side); words hyphenated at a line end
	// are joined again.
	idx := flat(strings.ReplaceAll(pdftest.Tool(t, "pdftotext", "-raw", filepath.Join(dir, auditpack.IndexName), "-"), "-\n", ""))
	for _, c := range []struct {
		text string
		min  int // the three parts without data, or the requests part alone
	}{
		{"Нет данных за период.", 3},
		{"Кезең бойынша деректер жоқ.", 3},
		{"просрочка на дату последней записи аудита (PDF и CSV). Нет данных за период.", 1},
		{"мерзімнің өтуі (PDF және CSV). Кезең бойынша деректер жоқ.", 1},
	} {
		if n := strings.Count(idx, c.text); n < c.min {
			t.Errorf("index says %q %d times, want %d or more", c.text, n, c.min)
		}
	}
	if strings.Contains(idx, "Недоступно в этой сборке") {
		t.Errorf("index still says a part is not available in this build")
	}
}
