package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/exportfile"
)

// threeEditions publishes the seed as edition 1 and two edited copies as
// editions 2 and 3 (effective 2024-01-01, 2025-01-01, 2026-01-01).
func threeEditions(t *testing.T, w *Workspace) {
	t.Helper()
	ctx := context.Background()
	if _, err := w.ImportBuiltinPolicy(ctx); err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 3; n++ {
		if n > 1 {
			d, err := w.NewPolicyDraft(ctx, "new edition")
			if err != nil {
				t.Fatal(err)
			}
			d.Doc.Clauses[0].RU.Plain += fmt.Sprintf(" (ред. %d)", n)
			if _, err := w.SavePolicyDraft(ctx, n, d.Doc, "edit"); err != nil {
				t.Fatal(err)
			}
		}
		day := time.Date(2023+n, 1, 1, 0, 0, 0, 0, time.UTC)
		if _, err := w.PublishPolicy(ctx, n, day, day, "publication"); err != nil {
			t.Fatal(err)
		}
	}
}

// addUsers imports n users LC-T0001… with Kazakh names.
func addUsers(t *testing.T, w *Workspace, n int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("account_id,full_name,phone\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "LC-T%04d,Әлібекова Ұлжан Қайратқызы %d,+7701%07d\n", i, i, i)
	}
	if _, err := w.ImportUsers(context.Background(), strings.NewReader(b.String()), "users.csv", exportfile.CSV, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func record(t *testing.T, w *Workspace, acc, purpose string, ev ConsentEventKind, edition int, when string) *ConsentEvent {
	t.Helper()
	e, err := w.RecordConsent(context.Background(), ConsentRecord{AccountID: acc, Purpose: purpose, Event: ev, Edition: edition,
		Channel: "paper", Language: "kk", DocumentRef: "№ 12/" + when[:10], Reason: "заявление пользователя", At: at(when)})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestConsentWithdrawalAndStateOnDate(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	threeEditions(t, w)
	addUsers(t, w, 2)
	g := record(t, w, "LC-T0001", PurposeSMSThirdParty, ConsentGiven, 3, "2026-01-10T10:00:00+05:00")
	wd := record(t, w, "LC-T0001", PurposeSMSThirdParty, ConsentWithdrawn, 3, "2026-02-01T09:30:00+05:00")

	states, err := w.ConsentStates(ctx, "LC-T0001", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var sms ConsentState
	for _, s := range states {
		if s.Purpose == PurposeSMSThirdParty {
			sms = s
		}
	}
	if sms.State != ConsentWithdrawn || sms.EventID != wd.ID {
		t.Fatalf("current state = %+v, want withdrawn by event %d", sms, wd.ID)
	}
	hist, err := w.ConsentHistory(ctx, "LC-T0001")
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].ID != g.ID || hist[1].ID != wd.ID || hist[0].Event != ConsentGiven {
		t.Fatalf("history = %+v, want both events", hist)
	}
	cases := []struct {
		when  string
		state ConsentEventKind
		valid bool
	}{
		{"2026-01-09T00:00:00+05:00", "", false},
		{"2026-01-10T10:00:00+05:00", ConsentGiven, true},
		{"2026-01-31T23:59:59+05:00", ConsentGiven, true},
		{"2026-02-01T09:30:00+05:00", ConsentWithdrawn, false},
		{"2026-06-01T00:00:00+05:00", ConsentWithdrawn, false},
	}
	for _, c := range cases {
		s, err := w.ConsentStateAt(ctx, "LC-T0001", PurposeSMSThirdParty, at(c.when))
		if err != nil {
			t.Fatal(err)
		}
		ok, err := w.ConsentValidAt(ctx, "LC-T0001", PurposeSMSThirdParty, at(c.when))
		if err != nil {
			t.Fatal(err)
		}
		if s.State != c.state || ok != c.valid {
			t.Errorf("at %s: state %q valid %v, want %q %v", c.when, s.State, ok, c.state, c.valid)
		}
		all, err := w.ConsentStates(ctx, "LC-T0001", at(c.when))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range all {
			if s.Purpose == PurposeSMSThirdParty && s.State != c.state {
				t.Errorf("ConsentStates at %s: %q, want %q", c.when, s.State, c.state)
			}
		}
	}
	// The hook the requests feature calls answers the same.
	if ok, err := consentValidAt(ctx, w.db, "LC-T0001", PurposeSMSThirdParty, at("2026-01-20T00:00:00Z")); err != nil || !ok {
		t.Fatalf("consentValidAt hook = %v %v", ok, err)
	}
	// targeted_ads lasts 365 days: valid within the term, not after.
	record(t, w, "LC-T0002", PurposeTargetedAds, ConsentGiven, 1, "2024-03-01T12:00:00+05:00")
	for _, c := range []struct {
		when string
		want bool
	}{{"2025-02-28T12:00:00+05:00", true}, {"2025-03-02T12:00:00+05:00", false}} {
		if ok, _ := w.ConsentValidAt(ctx, "LC-T0002", PurposeTargetedAds, at(c.when)); ok != c.want {
			t.Errorf("targeted_ads at %s valid = %v", c.when, ok)
		}
	}
	// Paper records need a document and a reason; drafts and unknown
	// purposes are refused; auditors may not record.
	bad := []ConsentRecord{
		{AccountID: "LC-T0001", Purpose: PurposePolicy, Event: ConsentGiven, Reason: "x"},
		{AccountID: "LC-T0001", Purpose: PurposePolicy, Event: ConsentGiven, DocumentRef: "x"},
		{AccountID: "LC-T0001", Purpose: "no_such", Event: ConsentGiven, DocumentRef: "x", Reason: "x"},
		{AccountID: "LC-T0001", Purpose: PurposePolicy, Event: "maybe", DocumentRef: "x", Reason: "x"},
		{AccountID: "LC-NONE", Purpose: PurposePolicy, Event: ConsentGiven, DocumentRef: "x", Reason: "x"},
	}
	for i, r := range bad {
		if _, err := w.RecordConsent(ctx, r); err == nil {
			t.Errorf("bad record %d accepted", i)
		}
	}
}

func TestConsentLedgerRefusesUpdateAndDelete(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	threeEditions(t, w)
	addUsers(t, w, 2)
	e := record(t, w, "LC-T0001", PurposePolicy, ConsentGiven, 3, "2026-01-10T10:00:00+05:00")
	for _, q := range []string{
		`UPDATE consent_events SET event = 'withdrawn' WHERE id = ?`,
		`UPDATE consent_events SET at = at + 1 WHERE id = ?`,
		`DELETE FROM consent_events WHERE id = ?`,
	} {
		if _, err := w.db.ExecContext(ctx, q, e.ID); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v", q, err)
		}
	}
	if h, _ := w.ConsentHistory(ctx, "LC-T0001"); len(h) != 1 || h[0].Event != ConsentGiven {
		t.Fatalf("history after refused changes = %+v", h)
	}
	// The store has no way to edit an event: recording the same one again
	// is refused, and a withdrawal is a new event.
	if _, err := w.RecordConsent(ctx, ConsentRecord{AccountID: "LC-T0001", Purpose: PurposePolicy, Event: ConsentGiven, Edition: 3,
		Channel: "paper", Language: "kk", DocumentRef: "№ 12/2026-01-10", Reason: "again", At: at("2026-01-10T10:00:00+05:00")}); err == nil {
		t.Fatal("the same event recorded twice")
	}
	// Destroying the user's data is the one way their events go.
	if _, err := w.DestroyUser(ctx, "LC-T0001", "court order"); err != nil {
		t.Fatal(err)
	}
	var n int
	w.db.QueryRow(`SELECT count(*) FROM consent_events`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d events left after destruction", n)
	}
	var states, counted int
	w.db.QueryRow(`SELECT count(*) FROM consent_state`).Scan(&states)
	w.db.QueryRow(`SELECT coalesce(sum(n), 0) FROM consent_state_counts`).Scan(&counted)
	if states != 0 || counted != 0 {
		t.Fatalf("after destruction: %d states, %d counted", states, counted)
	}
	if v, err := w.VerifyAudit(ctx, "", nil); err != nil || v == nil {
		t.Fatalf("audit chain: %v", err)
	}
}

func TestConsentBacklogThreeEditions(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	threeEditions(t, w)
	addUsers(t, w, 8)
	// 1: accepted 1 only; 2: 1 then 2; 3: 1, 2, 3; 4: 3 only; 5: 2 only;
	// 6: accepted 1 then withdrew; 7: never accepted; 8: 1, then sms only.
	for _, r := range []struct {
		acc string
		ed  int
		ev  ConsentEventKind
		at  string
	}{
		{"LC-T0001", 1, ConsentGiven, "2024-01-05T10:00:00Z"},
		{"LC-T0002", 1, ConsentGiven, "2024-01-05T10:00:00Z"},
		{"LC-T0002", 2, ConsentGiven, "2025-01-05T10:00:00Z"},
		{"LC-T0003", 1, ConsentGiven, "2024-01-05T10:00:00Z"},
		{"LC-T0003", 2, ConsentGiven, "2025-01-05T10:00:00Z"},
		{"LC-T0003", 3, ConsentGiven, "2026-01-05T10:00:00Z"},
		{"LC-T0004", 3, ConsentGiven, "2026-01-07T10:00:00Z"},
		{"LC-T0005", 2, ConsentGiven, "2025-03-05T10:00:00Z"},
		{"LC-T0006", 1, ConsentGiven, "2024-01-05T10:00:00Z"},
		{"LC-T0006", 1, ConsentWithdrawn, "2024-06-05T10:00:00Z"},
		{"LC-T0008", 1, ConsentGiven, "2024-02-05T10:00:00Z"},
	} {
		record(t, w, r.acc, PurposePolicy, r.ev, r.ed, r.at)
	}
	record(t, w, "LC-T0008", PurposeSMSThirdParty, ConsentGiven, 3, "2026-01-09T10:00:00Z")
	b, err := w.ConsentBacklog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []BacklogCount{{1, 2}, {2, 2}} // users 1, 8 on edition 1; 2, 5 on edition 2
	if b.Current != 3 || b.Total != 4 || b.Accepted != 2 || fmt.Sprint(b.ByEdition) != fmt.Sprint(want) {
		t.Fatalf("backlog = %+v, want current 3, %v, total 4, accepted 2", b, want)
	}
	ids, err := w.ConsentBacklogIDs(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	us, _ := w.UsersByID(ctx, ids)
	var accs []string
	for _, u := range us {
		accs = append(accs, u.AccountID)
	}
	if strings.Join(accs, " ") != "LC-T0001 LC-T0008" {
		t.Fatalf("edition 1 backlog = %v", accs)
	}
	// A re-consent takes the user out of the backlog.
	record(t, w, "LC-T0001", PurposePolicy, ConsentGiven, 3, "2026-01-20T10:00:00Z")
	if b, _ = w.ConsentBacklog(ctx); b.Total != 3 || b.ByEdition[0].Users != 1 {
		t.Fatalf("after re-consent: %+v", b)
	}
}

func TestConsentReceiptFields(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	threeEditions(t, w)
	addUsers(t, w, 1)
	if err := w.SetOperator(ctx, Operator{NameRU: "ТОО «K&T Partners»", NameKK: "«K&T Partners» ЖШС", BIN: "190240012344",
		AddressRU: "г. Алматы, пр. Абая, 1", AddressKK: "Алматы қ., Абай даңғ., 1", Contact: "privacy@legco.kz"}, "details"); err != nil {
		t.Fatal(err)
	}
	e := record(t, w, "LC-T0001", PurposeCounterpartyDisclosure, ConsentGiven, 2, "2025-02-01T10:00:00+05:00")
	r, err := w.ConsentReceipt(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(r)
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, k := range []string{"version", "jurisdiction", "consentTimestamp", "collectionMethod", "consentReceiptID", "language",
		"piiPrincipalId", "piiControllers", "policyUrl", "services", "sensitive", "spiCat"} {
		if _, ok := m[k]; !ok {
			t.Errorf("receipt lacks Kantara field %s", k)
		}
	}
	p := r.Services[0].Purposes[0]
	if p.Purpose == "" || len(p.PurposeCategory) == 0 || p.ConsentType == "" || len(p.PiiCategory) == 0 || p.Termination == "" ||
		!p.ThirdPartyDisclosure || p.ThirdPartyName == "" {
		t.Errorf("purpose fields = %+v", p)
	}
	ed, _ := w.PolicyEdition(ctx, 2)
	x := r.LegCo
	if x.EditionSHA256 != ed.SHA256 || x.Edition != 2 || x.AuditHash == "" || x.AuditSeq == 0 {
		t.Errorf("extension = %+v", x)
	}
	// The audit entry named is the one that recorded the event.
	es, _ := w.AuditEntries(ctx, AuditFilter{Object: "user:LC-T0001", Action: "consent."})
	if len(es) != 1 || es[0].Seq != x.AuditSeq || es[0].Hash != x.AuditHash {
		t.Errorf("audit entry %+v, receipt names #%d %s", es, x.AuditSeq, x.AuditHash)
	}
	a := x.Art8
	if a.OperatorName != "«K&T Partners» ЖШС" || a.OperatorBIN != "190240012344" || !strings.Contains(a.SubjectName, "Ұлжан") ||
		a.Term == "" || !a.ThirdParty || a.CrossBorder || a.PublicSources || a.Data == "" {
		t.Errorf("Art. 8 fields = %+v", a)
	}
	if r.Language != "kk" || r.PiiPrincipalID != "LC-T0001" || r.ConsentTimestamp != e.At.Unix() || r.PiiControllers[0].PiiController == "" ||
		x.Evidence.DocumentRef == "" || len(r.ConsentReceiptID) != 36 {
		t.Errorf("receipt = %s", b)
	}
	r2, _ := w.ConsentReceipt(ctx, e.ID)
	if r2.ConsentReceiptID != r.ConsentReceiptID {
		t.Error("receipt id changes between calls")
	}
	// The text the CLI prints and the app shows: the operator's name as
	// written, and the same receipt when read back.
	text, err := r.JSON()
	if err != nil || !bytes.Contains(text, []byte("«K&T Partners» ЖШС")) || bytes.Contains(text, []byte(`\u0026`)) {
		t.Errorf("receipt text (%v):\n%s", err, text)
	}
	var back ConsentReceipt
	if err := json.Unmarshal(text, &back); err != nil || back.ConsentReceiptID != r.ConsentReceiptID || back.LegCo.Art8.OperatorName != a.OperatorName {
		t.Errorf("receipt text does not read back: %v", err)
	}
}

func TestConsentImportBadRowsAndReimport(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	threeEditions(t, w)
	addUsers(t, w, 3)
	// CRLF, semicolons, a BOM, a quoted newline in a user agent.
	lines := []string{
		"account_id;purpose;event;edition;language;channel;time;ip;user_agent;document_ref",
		"LC-T0001;policy;given;1;ru;web;2024-01-05T10:00:00+05:00;10.0.0.1;Mozilla/5.0;",                               // 2 good
		"LC-T0001;sms_third_party;given;1;kk;ios;2024-01-05T10:00:01+05:00;;Legco iOS 17;\"Заявление\nот 05.01.2024\"", // 3-4 good
		"LC-T0002;no_such_purpose;given;1;ru;web;2024-01-05T10:00:00+05:00;;;",                                         // 5 purpose
		"LC-T0002;policy;accepted;1;ru;web;2024-01-05T10:00:00+05:00;;;",                                               // 6 event
		"LC-T0002;policy;given;9;ru;web;2024-01-05T10:00:00+05:00;;;",                                                  // 7 edition
		"LC-NOPE;policy;given;1;ru;web;2024-01-05T10:00:00+05:00;;;",                                                   // 8 account
		"LC-T0002;policy;given;1;ru;web;05.01.2024 10:00;;;",                                                           // 9 time
		"LC-T0002;policy;given;1;en;web;2024-01-05T10:00:00+05:00;;;",                                                  // 10 language
		"LC-T0002;policy;given;1;ru;fax;2024-01-05T10:00:00+05:00;;;",                                                  // 11 channel
		"LC-T0002;policy;withdrawn;1;ru;paper;2024-02-05T10:00:00+05:00;;;Заявление № 5",                               // 12 good
		"LC-T0003;policy;given;2;kk;android;2025-01-05T10:00:00+05:00",                                                 // 13 truncated
		"LC-T0003;policy;given;3;kk;egov;2026-01-05T10:00:00+05:00;;;",                                                 // 14 good
	}
	data := "\ufeff" + strings.Join(lines, "\r\n") + "\r\n"
	path := filepath.Join(t.TempDir(), "consents.csv")
	os.WriteFile(path, []byte(data), 0o600)
	imp := func(strict bool) *ImportResult {
		f, _ := os.Open(path)
		defer f.Close()
		res, err := w.ImportConsents(ctx, f, "consents.csv", exportfile.CSV, ImportOptions{Strict: strict})
		if err != nil && !strict {
			t.Fatal(err)
		}
		return res
	}
	res := imp(false)
	wantBad := map[int]string{5: "purpose", 6: "event", 7: "edition", 8: "account_id", 9: "time", 10: "language", 11: "channel", 13: ""}
	if res.New != 4 || res.Rejected != len(wantBad) {
		t.Fatalf("import: %d new, %d rejected (%v)", res.New, res.Rejected, res.Errors)
	}
	for _, e := range res.Errors {
		col, ok := wantBad[e.Line]
		if !ok || e.Column != col || e.File != "consents.csv" {
			t.Errorf("unexpected error %v (want line in %v)", e, wantBad)
		}
		delete(wantBad, e.Line)
	}
	if len(wantBad) > 0 {
		t.Errorf("bad rows not reported: %v", wantBad)
	}
	h, _ := w.ConsentHistory(ctx, "LC-T0001")
	if len(h) != 2 || h[1].DocumentRef != "Заявление\nот 05.01.2024" || h[0].IP != "10.0.0.1" || h[0].BatchID == 0 {
		t.Fatalf("imported history = %+v", h)
	}
	s, _ := w.ConsentStateAt(ctx, "LC-T0002", PurposePolicy, at("2024-03-01T00:00:00Z"))
	if s.State != ConsentWithdrawn {
		t.Fatalf("LC-T0002 state = %+v", s)
	}
	var events, daily int
	head, _ := w.AuditHead(ctx)
	again := imp(false)
	if again.New != 0 || again.Same != 4 || again.Rejected != 8 {
		t.Fatalf("re-import: %+v", again)
	}
	w.db.QueryRow(`SELECT count(*) FROM consent_events`).Scan(&events)
	w.db.QueryRow(`SELECT sum(n) FROM consent_daily`).Scan(&daily)
	if events != 4 || daily != 4 {
		t.Fatalf("after re-import: %d events, %d counted", events, daily)
	}
	// Strict keeps nothing (the batch and its audit entry roll back too).
	w.db.Exec(`DELETE FROM consent_import_batches`)
	if res := imp(true); res.Rejected == 0 || res.New != 0 {
		t.Fatalf("strict: %+v", res)
	}
	if h2, _ := w.AuditHead(ctx); h2.Seq != head.Seq+1 {
		t.Fatalf("audit head moved from %d to %d: the re-import should add one entry, strict none", head.Seq, h2.Seq)
	}
	// JSON Lines, the same rules.
	jl := `{"account_id":"LC-T0003","purpose":"targeted_ads","event":"given","edition":"3","language":"ru","channel":"web","time":"2026-01-06T10:00:00Z"}` + "\n" +
		`{"account_id":"LC-T0003","purpose":"targeted_ads","event":"given","edition":"3","language":"ru","channel":"web"}` + "\n"
	res, err := w.ImportConsents(ctx, strings.NewReader(jl), "c.jsonl", exportfile.JSONL, ImportOptions{})
	if err != nil || res.New != 1 || res.Rejected != 1 || res.Errors[0].Line != 2 || res.Errors[0].Column != "time" {
		t.Fatalf("jsonl: %+v %v", res, err)
	}
}

func TestConsentRolesAndDestroyedUsers(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	threeEditions(t, w)
	addUsers(t, w, 1)
	w.me.Role = RoleAuditor
	_, err := w.RecordConsent(ctx, ConsentRecord{AccountID: "LC-T0001", Purpose: PurposePolicy, Event: ConsentGiven, DocumentRef: "x", Reason: "x"})
	var fe *ForbiddenError
	if !errors.As(err, &fe) {
		t.Fatalf("auditor recorded a consent: %v", err)
	}
	if _, err := w.ImportConsents(ctx, strings.NewReader("account_id\n"), "x.csv", exportfile.CSV, ImportOptions{}); !errors.As(err, &fe) {
		t.Fatalf("auditor imported consents: %v", err)
	}
	// Auditors read and report.
	if _, err := w.ConsentBacklog(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ConsentReport(ctx, ConsentFilter{}, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// demoConsentWorkspace is a demo workspace of n users with the generated
// consent history across the three demo editions.
func demoConsentWorkspace(t *testing.T, n int) *Workspace {
	t.Helper()
	ctx := context.Background()
	w, _ := newWorkspace(t)
	if err := w.PublishDemoEditions(ctx, demo.DemoEditions); err != nil {
		t.Fatal(err)
	}
	if _, err := w.LoadDemo(ctx, n, 7, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.LoadDemoConsents(ctx, n, 7, demo.DemoEditions, nil); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestConsentReportEqualsDirectSQL(t *testing.T) {
	ctx := context.Background()
	w := demoConsentWorkspace(t, 400)
	loc := w.Location()
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	for _, f := range []ConsentFilter{{}, {Edition: 2}, {From: day("2024-06-01"), To: day("2025-08-31")}, {Purpose: PurposeTargetedAds, Channel: "web"}} {
		d, err := w.ConsentReport(ctx, f, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, r := range d.Rows {
			got[fmt.Sprintf("%d %s given", r.Edition, r.Purpose)] += r.Total.Given
			got[fmt.Sprintf("%d %s withdrawn", r.Edition, r.Purpose)] += r.Total.Withdrawn
			got[fmt.Sprintf("%d %s expired", r.Edition, r.Purpose)] += r.Total.Expired
			got[fmt.Sprintf("%d %s current", r.Edition, r.Purpose)] += r.Total.Current
			sum := 0
			for _, c := range r.ByChannel {
				sum += c.Given + c.Withdrawn + c.Expired
			}
			if sum != r.Total.Given+r.Total.Withdrawn+r.Total.Expired {
				t.Errorf("%+v: by channel %d, total %d", f, sum, r.Total.Given+r.Total.Withdrawn+r.Total.Expired)
			}
		}
		lo, hi := int64(0), int64(1<<62)
		if !f.From.IsZero() {
			lo = nanos(time.Date(f.From.Year(), f.From.Month(), f.From.Day(), 0, 0, 0, 0, loc))
		}
		if !f.To.IsZero() {
			hi = nanos(time.Date(f.To.Year(), f.To.Month(), f.To.Day()+1, 0, 0, 0, 0, loc))
		}
		want := map[string]int{}
		rows, err := w.db.Query(`SELECT edition, purpose, event, count(*) FROM consent_events WHERE at >= ? AND at < ?
			AND (?3 = 0 OR edition = ?3) AND (?4 = '' OR purpose = ?4) AND (?5 = '' OR channel = ?5) GROUP BY 1, 2, 3`,
			lo, hi, f.Edition, f.Purpose, f.Channel)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var ed, n int
			var p, e string
			rows.Scan(&ed, &p, &e, &n)
			want[fmt.Sprintf("%d %s %s", ed, p, e)] = n
		}
		rows.Close()
		// "Current": the latest event of each user and purpose is "given",
		// straight from the ledger (not the derived table).
		rows, err = w.db.Query(`SELECT edition, purpose, count(*) FROM (SELECT edition, purpose, event, channel,
			row_number() OVER (PARTITION BY user_id, purpose ORDER BY at DESC, id DESC) AS k FROM consent_events)
			WHERE k = 1 AND event = 'given' AND (?1 = 0 OR edition = ?1) AND (?2 = '' OR purpose = ?2) AND (?3 = '' OR channel = ?3) GROUP BY 1, 2`,
			f.Edition, f.Purpose, f.Channel)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var ed, n int
			var p string
			rows.Scan(&ed, &p, &n)
			want[fmt.Sprintf("%d %s current", ed, p)] = n
		}
		rows.Close()
		for k, v := range want {
			if got[k] != v {
				t.Errorf("filter %s: %s = %d in the report, %d by SQL", f.Describe(), k, got[k], v)
			}
		}
		for k, v := range got {
			if v != want[k] {
				t.Errorf("filter %s: %s = %d in the report, %d by SQL", f.Describe(), k, v, want[k])
			}
		}
		if len(want) < 4 {
			t.Errorf("filter %s: only %d figures: demo data too thin", f.Describe(), len(want))
		}
	}
	// The backlog equals the ledger's answer too.
	var want int
	w.db.QueryRow(`SELECT count(*) FROM (SELECT edition, event, row_number() OVER (PARTITION BY user_id ORDER BY at DESC, id DESC) AS k
		FROM consent_events WHERE purpose = 'policy') WHERE k = 1 AND event = 'given' AND edition < 3`).Scan(&want)
	b, err := w.ConsentBacklog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if b.Total != want || want == 0 || len(b.ByEdition) != 2 {
		t.Fatalf("backlog %+v, SQL %d", b, want)
	}
}

func TestConsentCatalogPerEdition(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	threeEditions(t, w)
	addUsers(t, w, 1)
	cat, err := w.ConsentCatalog(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{PurposePolicy: "1.4", PurposeSMSThirdParty: "1.5", PurposeCounterpartyDisclosure: "1.6", PurposeTargetedAds: "2.2.5"}
	for _, p := range cat {
		if !strings.Contains(p.Clauses, want[p.Code]) || p.DataRU == "" || p.DataKK == "" || p.TitleKK == "" {
			t.Errorf("purpose %+v", p)
		}
		delete(want, p.Code)
	}
	if len(want) > 0 {
		t.Fatalf("catalog lacks %v", want)
	}
	// The legal team adds a purpose to edition 3; edition 2 keeps its own.
	newsletter := ConsentPurpose{Edition: 3, Code: "newsletter", Clauses: "2.2.3", TitleRU: "Рассылка новостей", TitleKK: "Жаңалықтар таратылымы",
		TitleEN: "Newsletter", TermDays: 730, DataRU: "адрес электронной почты", DataKK: "электрондық пошта мекенжайы", DataEN: "e-mail address"}
	if err := w.SetConsentPurpose(ctx, newsletter, "legal: new purpose"); err != nil {
		t.Fatal(err)
	}
	if p, err := w.ConsentPurposeOf(ctx, 3, "newsletter"); err != nil || p.TermDays != 730 {
		t.Fatalf("new purpose: %+v %v", p, err)
	}
	if _, err := w.ConsentPurposeOf(ctx, 2, "newsletter"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("edition 2 has the new purpose: %v", err)
	}
	// Once a consent refers to it, its terms are frozen.
	record(t, w, "LC-T0001", "newsletter", ConsentGiven, 3, "2026-01-10T10:00:00+05:00")
	newsletter.ThirdParty = true
	if err := w.SetConsentPurpose(ctx, newsletter, "change"); err == nil {
		t.Fatal("the terms of a purpose users consented to were changed")
	}
	w.me.Role = RoleCompliance
	var fe *ForbiddenError
	if err := w.SetConsentPurpose(ctx, ConsentPurpose{Edition: 3, Code: "x", TitleRU: "x", TitleKK: "x", DataRU: "x", DataKK: "x"}, "x"); !errors.As(err, &fe) {
		t.Fatalf("compliance edited the catalog: %v", err)
	}
}
