package transparency

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"legco.kz/compliance/reports/internal/pdftest"
	"legco.kz/compliance/store"
)

func sample() *store.Transparency {
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	return &store.Transparency{
		From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC),
		ByRequester: []store.TransparencyRow{{Key: "investigator", Received: 3, Complied: 1, Partial: 1, Rejected: 1, Accounts: 4, Late: 1, MedianDays: 2, WorstDays: 5}},
		ByGround:    []store.TransparencyRow{{Key: "3.2.3", Received: 3, Complied: 1, Partial: 1, Rejected: 1, Accounts: 4, Late: 1, MedianDays: 2, WorstDays: 5}},
		ByKind: []store.TransparencyRow{{Key: "disclosure", Received: 3, Complied: 1, Partial: 1, Rejected: 1, Accounts: 4, Late: 1, MedianDays: 2, WorstDays: 5},
			{Key: "access", Received: 2, Complied: 2, Accounts: 2, MedianDays: 1, WorstDays: 3}},
		Total:     store.TransparencyRow{Key: "total", Received: 5, Complied: 3, Partial: 1, Rejected: 1, Accounts: 5, Late: 1, MedianDays: 2, WorstDays: 5},
		Operator:  store.Operator{NameRU: "ТОО «K&T Partners»", NameKK: "«K&T Partners» ЖШС", BIN: "150740123456"},
		AuditHead: store.AuditHead{Seq: 42, Hash: strings.Repeat("ab", 32)},
		MadeAt:    at, MadeBy: store.Staff{Name: "admin", FullName: "Әлібеков Нұрлан"},
	}
}

// A full report (every requester type, ground and kind) breaks pages
// between rows, never inside a table header.
func TestTransparencyFullReportPages(t *testing.T) {
	pdftest.Need(t)
	tr := sample()
	tr.ByRequester, tr.ByGround, tr.ByKind = nil, nil, nil
	row := store.TransparencyRow{Received: 3, Complied: 1, Partial: 1, Rejected: 1, Accounts: 4, Late: 1, MedianDays: 2, WorstDays: 5}
	for _, k := range store.RequesterTypes {
		row.Key = string(k)
		tr.ByRequester = append(tr.ByRequester, row)
	}
	for _, g := range store.Grounds {
		row.Key = string(g)
		tr.ByGround = append(tr.ByGround, row)
	}
	for _, k := range store.RequestKinds {
		row.Key = string(k)
		tr.ByKind = append(tr.ByKind, row)
	}
	b, err := PDF(tr)
	if err != nil {
		t.Fatal(err)
	}
	p := pdftest.Save(t, b, "full.pdf")
	if info := pdftest.Tool(t, "pdfinfo", p); !strings.Contains(info, "Pages:           2") {
		t.Fatalf("pages:\n%s", info)
	}
	text := pdftest.Tool(t, "pdftotext", "-layout", p, "-")
	if n := strings.Count(text, "Получено"); n != 4 {
		t.Fatalf("%d table headers, want 4 (one per table)", n)
	}
}

func TestTransparencyPDFAndCSV(t *testing.T) {
	pdftest.Need(t)
	tr := sample()
	b, err := PDF(tr)
	if err != nil {
		t.Fatal(err)
	}
	p := pdftest.Save(t, b, "transparency.pdf")
	pdftest.Tool(t, "qpdf", "--check", p)
	text := pdftest.Tool(t, "pdftotext", "-layout", p, "-")
	for _, want := range []string{"Отчёт о прозрачности", "Ашықтық туралы есеп", "01.01.2026", "31.03.2026", "орган следствия", "3.2.3",
		"Әлібеков Нұрлан", "150740123456", "abababab"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	b2, _ := PDF(tr)
	if !bytes.Equal(b, b2) {
		t.Error("two renders of the same report differ")
	}
	var csv bytes.Buffer
	if err := WriteCSV(&csv, tr); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(csv.String(), "\ufeff")), "\n")
	if len(lines) != 6 || lines[1] != "2026-01-01,2026-03-31,requester_type,investigator,3,1,1,1,0,4,1,2,5" || !strings.HasPrefix(lines[5], "2026-01-01,2026-03-31,total,total,5,3,1,1") {
		t.Fatalf("CSV:\n%s", csv.String())
	}
}

func TestDisclosuresCSV(t *testing.T) {
	var buf bytes.Buffer
	err := WriteDisclosuresCSV(&buf, []store.Disclosure{{Request: "RQ-2026-000001", AccountID: "LC-000001", Recipient: "ДП г. Алматы, следователь (3-17/1024)",
		RequesterType: store.RequesterInvestigator, Ground: store.GroundLaw, Fields: []string{"full_name", "phone"},
		At: time.Date(2026, 3, 20, 5, 0, 0, 0, time.UTC), PreparedBy: "compliance", ApprovedBy: "admin", PackageSHA256: "ff"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "\ufeffdisclosed_at,request,account_id,recipient,requester_type,ground,fields,prepared_by,approved_by,package_sha256\n" +
		"2026-03-20T05:00:00Z,RQ-2026-000001,LC-000001,\"ДП г. Алматы, следователь (3-17/1024)\",investigator,3.2.3,full_name phone,compliance,admin,ff\n"
	if buf.String() != want {
		t.Fatalf("got\n%q\nwant\n%q", buf.String(), want)
	}
}
