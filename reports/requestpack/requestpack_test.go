package requestpack

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"legco.kz/compliance/reports/internal/pdftest"
	"legco.kz/compliance/store"
	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/keyslot"
)

var testOpts = store.Options{KDF: keyslot.TestParams, CacheKiB: 8192}

// workspace has the sample users and access log, an admin and a
// compliance officer (for four eyes), and the operator's details.
func workspace(t testing.TB) (admin, officer *store.Workspace) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ws.db")
	admin, err := store.Create(ctx, path, "admin", []byte("correct horse"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	if err := admin.AddStaff(ctx, "officer", store.RoleCompliance, []byte("officer pass"), keyslot.TestParams); err != nil {
		t.Fatal(err)
	}
	if err := admin.SetOperator(ctx, store.Operator{NameRU: "ТОО «K&T Partners»", NameKK: "«K&T Partners» ЖШС", BIN: "150740123456",
		AddressRU: "г. Алматы, пр. Абая, 1", AddressKK: "Алматы қ., Абай даңғылы, 1", Contact: "privacy@legco.kz"}, "test"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"users.csv", "access.csv"} {
		in, err := os.Open(filepath.Join("..", "..", "store", "exportfile", "testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "users.csv" {
			_, err = admin.ImportUsers(ctx, in, f, exportfile.CSV, store.ImportOptions{})
		} else {
			_, err = admin.ImportAccessLog(ctx, in, f, exportfile.CSV, store.ImportOptions{})
		}
		in.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	officer, err = store.Open(ctx, path, "officer", []byte("officer pass"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { officer.Close() })
	return admin, officer
}

func step(t testing.TB, w *store.Workspace, num string, to store.RequestState, fields ...string) {
	t.Helper()
	if err := w.TransitionRequest(context.Background(), num, store.Decision{To: to, Reason: "test", Fields: fields}); err != nil {
		t.Fatalf("%s → %s: %v", num, to, err)
	}
}

// approvedDisclosure is a law-enforcement request for LC-000001 asking
// for four fields, of which the second staff member approves two.
func approvedDisclosure(t testing.TB, admin, officer *store.Workspace) string {
	t.Helper()
	num, err := officer.CreateRequest(context.Background(), store.NewRequest{Kind: store.KindDisclosure, Accounts: []string{"LC-000001", "LC-404404"},
		Ground: store.GroundLaw, RequesterType: store.RequesterInvestigator, Requester: "Департамент полиции г. Алматы",
		Officer: "следователь Сейітов Қ.", LetterNo: "3-17/1024", LetterDate: "2026-03-18",
		Fields: []string{"full_name", "iin", "phone", "email", "access_log"}})
	if err != nil {
		t.Fatal(err)
	}
	step(t, officer, num, store.RequestVerifying)
	step(t, officer, num, store.RequestUnderReview)
	step(t, admin, num, store.RequestPartiallyApproved, "full_name", "phone")
	return num
}

func TestDisclosurePackageHoldsOnlyApprovedFields(t *testing.T) {
	pdftest.Need(t)
	ctx := context.Background()
	admin, officer := workspace(t)
	num := approvedDisclosure(t, admin, officer)
	u, _ := officer.GetUser(ctx, "LC-000001")
	dir := filepath.Join(t.TempDir(), "pkg")
	res, err := Fulfil(ctx, officer, num, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, sum, err := Verify(dir)
	if err != nil || sum != res.ManifestSHA256 || m.Request != num {
		t.Fatalf("verify: %v (sum %s vs %s)", err, sum, res.ManifestSHA256)
	}
	var names []string
	for _, f := range m.Files {
		names = append(names, f.Name)
	}
	if want := []string{CoverLetter, ExtractPDF, ExtractCSV, ExtractJSON}; !slices.Equal(names, want) {
		t.Fatalf("files %v, want %v (no access log: it was not approved)", names, want)
	}
	csvText, _ := os.ReadFile(filepath.Join(dir, ExtractCSV))
	lines := strings.Split(strings.TrimPrefix(string(csvText), "\ufeff"), "\n")
	if lines[0] != "account_id,outcome,act,full_name,phone" {
		t.Fatalf("CSV header %q", lines[0])
	}
	if !strings.Contains(lines[2], "LC-404404,no_data") {
		t.Fatalf("unknown account row %q", lines[2])
	}
	var js jsonExtract
	b, _ := os.ReadFile(filepath.Join(dir, ExtractJSON))
	if err := json.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	if len(js.Subjects[0].Values) != 2 || js.Subjects[0].Values["phone"] != u.Phone || js.Subjects[0].AccessLog != nil {
		t.Fatalf("JSON subject %+v", js.Subjects[0])
	}
	pdfPath := filepath.Join(dir, ExtractPDF)
	text := pdftest.Tool(t, "pdftotext", "-layout", pdfPath, "-")
	pdftest.Tool(t, "qpdf", "--check", pdfPath)
	for _, secret := range []string{u.IIN, u.Email, "Mozilla"} {
		if strings.Contains(string(csvText)+string(b)+text, secret) {
			t.Errorf("package holds %q, which was not approved", secret)
		}
	}
	if !strings.Contains(text, u.FullName) || !strings.Contains(text, u.Phone) {
		t.Errorf("extract lacks the approved values:\n%s", text)
	}
	cover := pdftest.Tool(t, "pdftotext", filepath.Join(dir, CoverLetter), "-")
	pdftest.Tool(t, "qpdf", "--check", filepath.Join(dir, CoverLetter))
	for _, want := range []string{"K&T Partners", "150740123456", "3-17/1024", "3.2.3", "Қазақстан", "данные не обрабатываются"} {
		if !strings.Contains(cover, want) {
			t.Errorf("cover letter lacks %q:\n%s", want, cover)
		}
	}
	reg, _ := officer.DisclosureRegister(ctx, js0, js0)
	if len(reg) != 0 {
		t.Fatalf("register outside the period: %+v", reg)
	}
	reg, _ = officer.DisclosureRegister(ctx, officer.Today(), officer.Today())
	if len(reg) != 1 || reg[0].PackageSHA256 != res.ManifestSHA256 || reg[0].Request != num {
		t.Fatalf("register %+v", reg)
	}
	// A changed byte is found and named.
	os.WriteFile(filepath.Join(dir, ExtractCSV), append(csvText, ' '), 0o600)
	var ve *VerifyError
	if _, _, err := Verify(dir); !errors.As(err, &ve) || ve.File != ExtractCSV {
		t.Fatalf("tampered package: %v", err)
	}
	// The subject's access package lists that disclosure; recipients lists only it.
	acc, _ := officer.CreateRequest(ctx, store.NewRequest{Kind: store.KindAccess, Accounts: []string{"LC-000001"}})
	rec, _ := officer.CreateRequest(ctx, store.NewRequest{Kind: store.KindRecipients, Accounts: []string{"LC-000001"}})
	for _, n := range []string{acc, rec} {
		step(t, officer, n, store.RequestVerifying)
		step(t, officer, n, store.RequestUnderReview)
		step(t, officer, n, store.RequestApproved)
		d := filepath.Join(t.TempDir(), n)
		if _, err := Fulfil(ctx, officer, n, d, nil); err != nil {
			t.Fatal(err)
		}
		rc, _ := os.ReadFile(filepath.Join(d, RecipientCSV))
		if !strings.Contains(string(rc), "Департамент полиции") || !strings.Contains(string(rc), num) {
			t.Errorf("%s: disclosures.csv %q", n, rc)
		}
		ex, _ := os.ReadFile(filepath.Join(d, ExtractCSV))
		_, accessLog := os.Stat(filepath.Join(d, AccessCSV))
		if n == acc && (!strings.Contains(string(ex), u.Email) || accessLog != nil) {
			t.Errorf("access package lacks the e-mail or the access log: %s %v", ex, accessLog)
		}
		if n == rec && (strings.Contains(string(ex), u.Phone) || accessLog == nil) {
			t.Errorf("recipients package holds data: %s", ex)
		}
	}
}

var js0 = mustDate("2020-01-01")

func TestCancelledPackageLeavesNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	admin, officer := workspace(t)
	num := approvedDisclosure(t, admin, officer)
	dir := filepath.Join(t.TempDir(), "pkg")
	_, err := Fulfil(ctx, officer, num, dir, func(done, total int64) {
		if done == 1 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("left %v", ents)
	}
	if r, _ := officer.GetRequest(context.Background(), num); r.State != store.RequestPartiallyApproved {
		t.Fatalf("state %s after cancel", r.State)
	}
}

func mustDate(s string) (t time.Time) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}
