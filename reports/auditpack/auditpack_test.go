package auditpack

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"legco.kz/compliance/reports/auditpack/verify"
	"legco.kz/compliance/reports/internal/pdftest"
	"legco.kz/compliance/reports/pdfkit"
	"legco.kz/compliance/store"
	"legco.kz/compliance/store/audittest"
	"legco.kz/compliance/store/keyslot"
)

const testPass = "correct horse battery"

// testWS is a small real workspace: the seed policy published, demo
// users, and processing operations spread over two months.
type testWS struct {
	w     *store.Workspace
	path  string
	clock *time.Time
	mu    *sync.Mutex
}

func (tw testWS) at(t time.Time) {
	tw.mu.Lock()
	*tw.clock = t
	tw.mu.Unlock()
}

func buildTestWS(dir string) (tw testWS, err error) {
	ctx := context.Background()
	clock := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	tw = testWS{path: filepath.Join(dir, "ws.db"), clock: &clock, mu: &mu}
	now := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Second)
		return clock
	}
	w, err := store.Create(ctx, tw.path, "admin", []byte(testPass), store.Options{KDF: keyslot.TestParams, CacheKiB: 8192, Now: now})
	if err != nil {
		return tw, err
	}
	tw.w = w
	if err := w.SetStaffProfile(ctx, "admin", "Әлібекова Айгүл Нұрланқызы", "Бас маман"); err != nil {
		return tw, err
	}
	if err := w.AddStaff(ctx, "аудитор", store.RoleAuditor, []byte(testPass), keyslot.TestParams); err != nil {
		return tw, err
	}
	ed, err := w.ImportBuiltinPolicy(ctx)
	if err != nil {
		return tw, err
	}
	if _, err := w.PublishPolicy(ctx, ed.Number, clock, clock, "первая редакция"); err != nil {
		return tw, err
	}
	if _, err := w.LoadDemo(ctx, 300, 7, nil); err != nil {
		return tw, err
	}
	ids, err := w.UserIDs(ctx, store.UserFilter{})
	if err != nil {
		return tw, err
	}
	us, err := w.UsersByID(ctx, ids[:6])
	if err != nil {
		return tw, err
	}
	tw.at(time.Date(2026, 2, 10, 10, 0, 0, 0, time.UTC))
	for _, u := range us[:3] {
		if err := w.BlockUser(ctx, u.AccountID, "жалоба пользователя / пайдаланушының шағымы"); err != nil {
			return tw, err
		}
	}
	if err := w.UpdateUserField(ctx, us[3].AccountID, "phone", "87011234567", "обращение по п. 4.1"); err != nil {
		return tw, err
	}
	tw.at(time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC))
	if err := w.DepersonalizeUser(ctx, us[4].AccountID, "истёк срок / мерзімі өтті"); err != nil {
		return tw, err
	}
	return tw, nil
}

// newTestWS builds a workspace of its own for a test that changes it.
func newTestWS(t testing.TB) testWS {
	t.Helper()
	tw, err := buildTestWS(t.TempDir())
	if tw.w != nil {
		t.Cleanup(func() { tw.w.Close() })
	}
	if err != nil {
		t.Fatal(err)
	}
	return tw
}

var shared struct {
	once sync.Once
	dir  string
	tw   testWS
	err  error
}

// sharedWS is one workspace for the tests that only read it (built once:
// it is most of a test's time).
func sharedWS(t testing.TB) testWS {
	t.Helper()
	shared.once.Do(func() {
		if shared.dir, shared.err = os.MkdirTemp("", "auditpack-test-"); shared.err == nil {
			shared.tw, shared.err = buildTestWS(shared.dir)
		}
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.tw
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.tw.w != nil {
		shared.tw.w.Close()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

func makePack(t testing.TB, tw testWS, opts Options) *Result {
	t.Helper()
	ctx := context.Background()
	snap, err := tw.w.PackSnapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	if opts.Out == "" {
		opts.Out = filepath.Join(t.TempDir(), "pack")
	}
	if opts.Parts == nil {
		opts.Parts = []Part{}
	}
	opts.PackedBy, opts.Program = "admin", "legco-compliance test"
	res, err := Build(ctx, snap, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func mustVerify(t *testing.T, path, previous string) *verify.Report {
	t.Helper()
	rep, err := verify.Verify(context.Background(), path, previous, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func packFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	return out
}

func csvLines(t *testing.T, dir string) []string {
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(verify.AuditCSVName)))
	if err != nil {
		t.Fatal(err)
	}
	return strings.SplitAfter(string(b), "\n")
}

func writeCSV(t *testing.T, dir string, lines []string) {
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(verify.AuditCSVName)), []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
}

// rewriteManifest makes the manifest agree with the files again, as
// someone editing the pack would: only the chain can then tell.
func rewriteManifest(t *testing.T, dir string) {
	p := filepath.Join(dir, verify.ManifestName)
	b, _ := os.ReadFile(p)
	var m verify.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	files := packFiles(t, dir)
	for i, f := range m.Files {
		if c, ok := files[f.Name]; ok {
			m.Files[i].Size, m.Files[i].SHA256 = int64(len(c)), sha(c)
		}
	}
	b, _ = json.Marshal(m)
	os.WriteFile(p, b, 0o600)
	os.Remove(filepath.Join(dir, verify.SumsName))
	for i, f := range m.Files {
		if f.Name == verify.SumsName {
			m.Files = append(m.Files[:i], m.Files[i+1:]...)
			break
		}
	}
	b, _ = json.Marshal(m)
	os.WriteFile(p, b, 0o600)
}

func TestPackVerifiesAndNamesWhatWasChanged(t *testing.T) {
	tw := sharedWS(t)
	res := makePack(t, tw, Options{})
	if rep := mustVerify(t, res.Path, ""); !rep.OK() || rep.Entries == 0 {
		t.Fatalf("fresh pack: %+v", rep.Problems)
	}
	files := packFiles(t, res.Path)
	var names []string
	for n := range files {
		if n != verify.ManifestName {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if len(names) < 6 {
		t.Fatalf("pack files: %v", names)
	}
	type tc struct {
		name   string
		mutate func(dir string)
		file   string // the first problem names this file
		seq    int64  // and, if > 0, this entry
		reason string
	}
	var cases []tc
	for _, n := range names {
		n := n
		cases = append(cases, tc{"byte of " + n, func(dir string) {
			p := filepath.Join(dir, filepath.FromSlash(n))
			b, _ := os.ReadFile(p)
			b[len(b)/2] ^= 0x01
			os.WriteFile(p, b, 0o600)
		}, n, 0, "does not match the manifest"})
	}
	lines := csvLines(t, res.Path)
	mid := len(lines) / 2
	var midSeq int64
	for i, r := range lines[mid] {
		if r == ',' {
			midSeq = parseInt(lines[mid][:i])
			break
		}
	}
	cases = append(cases,
		tc{"deleted index", func(dir string) { os.Remove(filepath.Join(dir, IndexName)) }, IndexName, 0, "missing"},
		tc{"deleted audit volume", func(dir string) { os.Remove(filepath.Join(dir, "audit", "audit-log-0001.pdf")) }, "audit/audit-log-0001.pdf", 0, "missing"},
		tc{"added file", func(dir string) { os.WriteFile(filepath.Join(dir, "audit", "extra.txt"), []byte("x"), 0o600) }, "audit/extra.txt", 0, "not in the manifest"},
		tc{"dropped CSV line, manifest updated", func(dir string) {
			l := csvLines(t, dir)
			writeCSV(t, dir, append(l[:mid:mid], l[mid+1:]...))
			rewriteManifest(t, dir)
		}, verify.AuditCSVName, midSeq, "missing"},
		tc{"reordered CSV lines, manifest updated", func(dir string) {
			l := csvLines(t, dir)
			l[mid], l[mid+1] = l[mid+1], l[mid]
			writeCSV(t, dir, l)
			rewriteManifest(t, dir)
		}, verify.AuditCSVName, midSeq, "expected entry"},
		tc{"dropped first CSV line, manifest updated", func(dir string) {
			l := csvLines(t, dir)
			writeCSV(t, dir, append(l[:1:1], l[2:]...))
			rewriteManifest(t, dir)
		}, verify.AuditCSVName, 1, "missing"},
		tc{"dropped last CSV line, manifest updated", func(dir string) {
			l := csvLines(t, dir)
			writeCSV(t, dir, append(l[:len(l)-2:len(l)-2], l[len(l)-1:]...))
			rewriteManifest(t, dir)
		}, verify.AuditCSVName, 0, "missing"},
		tc{"altered reason, manifest updated", func(dir string) {
			l := csvLines(t, dir)
			l[mid] = strings.Replace(l[mid], "demo", "DEMO", 1)
			writeCSV(t, dir, l)
			rewriteManifest(t, dir)
		}, verify.AuditCSVName, midSeq, "altered"},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyDir(t, res.Path)
			c.mutate(dir)
			rep := mustVerify(t, dir, "")
			if rep.OK() {
				t.Fatal("verify-pack passed a changed pack")
			}
			var hit *verify.Problem
			for i, p := range rep.Problems {
				if p.File == c.file && (c.seq == 0 || p.Seq == c.seq) {
					hit = &rep.Problems[i]
					break
				}
			}
			if hit == nil || !strings.Contains(hit.Reason, c.reason) {
				t.Fatalf("want a problem naming %s #%d (%q); got %v", c.file, c.seq, c.reason, rep.Problems)
			}
			if c.seq == 0 && rep.First().File != c.file {
				t.Fatalf("first problem %v, want file %s", rep.First(), c.file)
			}
		})
	}
}

func parseInt(s string) int64 {
	var n int64
	for _, r := range s {
		n = n*10 + int64(r-'0')
	}
	return n
}

func TestPackIsDeterministic(t *testing.T) {
	tw := sharedWS(t)
	a := makePack(t, tw, Options{Now: func() time.Time { return time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC) }})
	b := makePack(t, tw, Options{Now: func() time.Time { return time.Date(2026, 4, 2, 12, 0, 0, 0, time.UTC) }})
	fa, fb := packFiles(t, a.Path), packFiles(t, b.Path)
	if len(fa) != len(fb) {
		t.Fatalf("%d files vs %d", len(fa), len(fb))
	}
	for n, ba := range fa {
		if n == verify.ManifestName {
			continue
		}
		if !bytes.Equal(ba, fb[n]) {
			t.Errorf("%s differs between two packs of the same state", n)
		}
	}
	ma := strings.Replace(string(fa[verify.ManifestName]), "2026-04-01T00:00:00Z", "T", 1)
	mb := strings.Replace(string(fb[verify.ManifestName]), "2026-04-02T12:00:00Z", "T", 1)
	if ma != mb {
		t.Errorf("manifests differ beyond the packing time:\n%s\n%s", ma, mb)
	}
	for n, c := range fa {
		if n != verify.ManifestName && bytes.Contains(c, []byte("2026-04-01")) {
			t.Errorf("%s holds the packing time", n)
		}
	}
	// The zip holds the same files and verifies.
	z := makePack(t, tw, Options{Zip: true, Out: filepath.Join(t.TempDir(), "pack.zip")})
	if rep := mustVerify(t, z.Path, ""); !rep.OK() {
		t.Fatalf("zip: %v", rep.Problems)
	}
	zp, _ := verify.Open(z.Path)
	defer zp.Close()
	zm, _ := zp.ReadManifest()
	for _, f := range zm.Files {
		if f.Name != verify.SumsName && f.Name != IndexName && sha(fa[f.Name]) != f.SHA256 {
			t.Errorf("zip's %s differs from the folder's", f.Name)
		}
	}
}

func TestPackPeriodAndPersonalData(t *testing.T) {
	tw := sharedWS(t)
	res := makePack(t, tw, Options{From: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)})
	m := res.Manifest
	if m.Audit.Count != 4 || m.Audit.Before.Seq != m.Audit.First-1 || m.Audit.Before.Hash == "" {
		t.Fatalf("February: %+v", m.Audit)
	}
	if rep := mustVerify(t, res.Path, ""); !rep.OK() || rep.Entries != 4 {
		t.Fatalf("February pack: %v (%d entries)", rep.Problems, rep.Entries)
	}
	files := packFiles(t, res.Path)
	if _, ok := files["personal/subjects.csv"]; ok {
		t.Fatal("subjects.csv without --with-personal-data")
	}
	u, err := tw.w.UsersByID(context.Background(), []int64{1})
	if err != nil {
		t.Fatal(err)
	}
	name := u[0].FullName
	for n, c := range files {
		if bytes.Contains(c, []byte(name)) {
			t.Errorf("%s holds the user's name without --with-personal-data", n)
		}
	}
	pdftest.Need(t)
	idx := strings.Join(strings.Fields(pdftest.Tool(t, "pdftotext", filepath.Join(res.Path, IndexName), "-")), " ")
	if !strings.Contains(idx, "только идентификатором аккаунта") || strings.Contains(idx, name) {
		t.Errorf("index's personal-data statement:\n%s", idx[:min(len(idx), 2000)])
	}
	withPD := makePack(t, tw, Options{WithPersonalData: true, From: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)})
	subj := string(packFiles(t, withPD.Path)["personal/subjects.csv"])
	if !strings.Contains(subj, name) || strings.Count(subj, "\n") != 5 {
		t.Errorf("subjects.csv:\n%s", subj)
	}
	idx = pdftest.Tool(t, "pdftotext", filepath.Join(withPD.Path, IndexName), "-")
	first := strings.Join(strings.Fields(strings.SplitN(idx, "\f", 2)[0]), " ")
	if !strings.Contains(first, "ПАКЕТ СОДЕРЖИТ ПЕРСОНАЛЬНЫЕ ДАННЫЕ") || !strings.Contains(first, "ПАКЕТТЕ ДЕРБЕС ДЕРЕКТЕР БАР") {
		t.Errorf("first page does not say the pack holds personal data:\n%s", first)
	}
}

func TestPackPDFsCheckAndKeepKazakh(t *testing.T) {
	pdftest.Need(t)
	tw := sharedWS(t)
	extra := Part{ID: PartRequests, Write: func(ctx context.Context, pc *PartContext) error {
		w, err := pc.Create("register.csv")
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, "account_id\nLC-1\n")
		return err
	}}
	res := makePack(t, tw, Options{Parts: []Part{extra}, VolumeSize: 4})
	var pdfs []string
	for n := range packFiles(t, res.Path) {
		if strings.HasSuffix(n, ".pdf") {
			pdfs = append(pdfs, n)
		}
	}
	sort.Strings(pdfs)
	if len(res.Manifest.Audit.PDF) < 2 {
		t.Fatalf("volumes: %v", res.Manifest.Audit.PDF)
	}
	kazakh := "әғқңөұүһі"
	texts := map[string]string{}
	for _, n := range pdfs {
		p := filepath.Join(res.Path, filepath.FromSlash(n))
		pdftest.Tool(t, "qpdf", "--check", p)
		texts[n] = strings.Join(strings.Fields(pdftest.Tool(t, "pdftotext", p, "-")), " ")
		found := 0
		for _, r := range kazakh {
			if strings.ContainsRune(texts[n], r) {
				found++
			}
		}
		if found < 3 {
			t.Errorf("%s: only %d of the Kazakh letters %s extract", n, found, kazakh)
		}
	}
	idx := texts[IndexName]
	for _, want := range []string{"Пакеттің құрамы", "sha256sum -c SHA256SUMS", "verify-pack", res.Manifest.ChainHead.Hash[:32],
		"parts/requests/register.csv", "Недоступно в этой сборке", "Отчёт о согласиях", "processing-record.pdf", "policy/privacy-edition-1.pdf"} {
		if !strings.Contains(idx, want) {
			t.Errorf("index lacks %q", want)
		}
	}
	ropa := texts[ProcessingRecordName]
	for _, want := range []string{"2.2.6", "3.2.5", "1.1.3", "Әлібекова Айгүл Нұрланқызы", "аудитор", "Пайдаланушылар: 300"} {
		if !strings.Contains(ropa, want) {
			t.Errorf("processing record lacks %q", want)
		}
	}
	vol := texts[res.Manifest.Audit.PDF[0]]
	if !strings.Contains(vol, res.Manifest.Audit.Before.Hash) {
		t.Errorf("first volume lacks the hash of the entry before the period")
	}
	var parts map[string]string = map[string]string{}
	for _, p := range res.Manifest.Parts {
		parts[p.ID] = p.Status
	}
	if parts[PartRequests] != verify.PartIncluded || parts[PartConsents] != verify.PartAbsent {
		t.Errorf("parts: %v", parts)
	}
}

func TestPreviousPackContinuityAndRewrite(t *testing.T) {
	tw := newTestWS(t)
	ctx := context.Background()
	q1 := makePack(t, tw, Options{To: time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)})
	tw.at(time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC))
	if err := tw.w.BlockUser(ctx, mustAccount(t, tw, 10), "апрель"); err != nil {
		t.Fatal(err)
	}
	// Overlapping: Q1's head (packed after the March entry) is inside Q2.
	q2 := makePack(t, tw, Options{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC)})
	if rep := mustVerify(t, q2.Path, q1.Path); !rep.OK() {
		t.Fatalf("consecutive packs: %v", rep.Problems)
	}
	// Adjacent: Q1's head is the entry before Q2b's first.
	q2b := makePack(t, tw, Options{From: time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)})
	if rep := mustVerify(t, q2b.Path, q1.Path); !rep.OK() || q2b.Manifest.Audit.Before.Seq != q1.Manifest.ChainHead.Seq {
		t.Fatalf("adjacent packs: %v (before #%d, head #%d)", rep.Problems, q2b.Manifest.Audit.Before.Seq, q1.Manifest.ChainHead.Seq)
	}
	// Someone with the key rewrites the chain from an entry Q1 covered.
	tw.w.Close()
	raw, err := audittest.OpenRaw(tw.path, "admin", []byte(testPass))
	if err != nil {
		t.Fatal(err)
	}
	target := q1.Manifest.Audit.Last - 1
	if err := audittest.RewriteFrom(ctx, raw, target, "переписано"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	w, err := store.Open(ctx, tw.path, "admin", []byte(testPass), store.Options{CacheKiB: 8192})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	tw.w = w
	if vr, err := w.VerifyAudit(ctx, "", nil); err != nil || vr.Broken != nil {
		t.Fatalf("the rewritten workspace should verify on its own: %+v %v", vr, err)
	}
	q3 := makePack(t, tw, Options{})
	if rep := mustVerify(t, q3.Path, ""); !rep.OK() {
		t.Fatalf("the rewritten pack is consistent in itself: %v", rep.Problems)
	}
	rep := mustVerify(t, q3.Path, q1.Path)
	if rep.OK() || !strings.Contains(rep.First().Reason, "rewritten") {
		t.Fatalf("--previous passed a rewritten chain: %v", rep.Problems)
	}
	// And a pack that starts after the earlier head cannot show continuity.
	late := makePack(t, tw, Options{From: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)})
	if rep := mustVerify(t, late.Path, q1.Path); rep.OK() {
		t.Fatal("--previous passed a pack with a gap after the earlier one")
	}
}

func mustAccount(t *testing.T, tw testWS, id int64) string {
	u, err := tw.w.UsersByID(context.Background(), []int64{id})
	if err != nil || len(u) == 0 {
		t.Fatal(err)
	}
	return u[0].AccountID
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// A cancelled pack leaves nothing: no folder, no partial files.
func TestCancelledPackLeavesNothing(t *testing.T) {
	tw := sharedWS(t)
	snap, err := tw.w.PackSnapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	dir := t.TempDir()
	for _, zip := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		out := filepath.Join(dir, "pack")
		calls := 0
		_, err := Build(ctx, snap, Options{Out: out, Zip: zip, Parts: []Part{}, VolumeSize: 3, Progress: func(done, total int64) {
			calls++
			if calls == 2 {
				cancel()
			}
		}})
		cancel()
		if err == nil || !strings.Contains(err.Error(), "context canceled") {
			t.Fatalf("zip=%v: err %v", zip, err)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Fatalf("zip=%v: left %v", zip, ents)
		}
	}
}

func TestFitShortensToWidth(t *testing.T) {
	long := strings.Repeat("Қазақстан Республикасының заңнамасы ", 40)
	for _, tc := range []struct {
		s     string
		width float64
		same  bool
	}{
		{"user.block", 20, true},
		{long, 60, false},
		{long, 5, false},
		{"", 10, true},
	} {
		got := fit(tc.s, tc.width)
		if (got == tc.s) != tc.same || pdfkit.Measure(got, false, auditFont) > tc.width {
			t.Errorf("fit(%.20q, %v) = %q", tc.s, tc.width, got)
		}
		if !tc.same && !strings.HasSuffix(got, "…") {
			t.Errorf("fit(%.20q) lacks the ellipsis: %q", tc.s, got)
		}
	}
}

// TestAuditVolumeLinesHoldTheirHash: in the PDF volumes each entry's
// line shows its own seq, action and hash side by side (the hashes are
// drawn a page at a time, after the page's other cells).
func TestAuditVolumeLinesHoldTheirHash(t *testing.T) {
	pdftest.Need(t)
	tw := sharedWS(t)
	res := makePack(t, tw, Options{VolumeSize: 4})
	lines := map[string]string{} // hash → its line in a volume
	for _, vol := range res.Manifest.Audit.PDF {
		txt := pdftest.Tool(t, "pdftotext", "-layout", filepath.Join(res.Path, filepath.FromSlash(vol)), "-")
		for _, l := range strings.Split(txt, "\n") {
			// An entry's line starts with its seq (the footer also
			// ends with a hash: the chain head's).
			if f := strings.Fields(l); len(f) > 3 && len(f[len(f)-1]) == 64 && strings.Trim(f[0], "0123456789") == "" {
				lines[f[len(f)-1]] = strings.Join(f, " ")
			}
		}
	}
	b, err := os.ReadFile(filepath.Join(res.Path, "audit", "audit-log.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 10 || len(res.Manifest.Audit.PDF) < 3 {
		t.Fatalf("only %d entries", len(recs)-1)
	}
	for _, r := range recs[1:] {
		seq, action, hash := r[0], r[4], r[10]
		l, ok := lines[hash]
		if !ok || !strings.HasPrefix(l, seq+" ") || !strings.Contains(l, action) {
			t.Errorf("entry %s (%s, %s): line %q", seq, action, hash, l)
		}
	}
}
