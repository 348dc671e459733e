package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"legco.kz/compliance/store/keyslot"
)

// testClock is a settable clock for deadline tests.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

var almaty = time.FixedZone("UTC+5", 5*3600)

// requestsWorkspace is a workspace at 19 March 2026 10:00 Almaty time
// with the sample users, an admin ("Админ") and a compliance officer,
// opened as each.
func requestsWorkspace(t *testing.T) (admin, officer *Workspace, clock *testClock) {
	t.Helper()
	ctx := context.Background()
	clock = &testClock{t: time.Date(2026, 3, 19, 10, 0, 0, 0, almaty)}
	opts := testOpts
	opts.Now = clock.now
	path := filepath.Join(t.TempDir(), "ws.db")
	admin, err := Create(ctx, path, "Админ", []byte("correct horse"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	if err := admin.AddStaff(ctx, "Ұлжан", RoleCompliance, []byte("ұзын құпия сөз"), keyslot.TestParams); err != nil {
		t.Fatal(err)
	}
	seedUsers(t, admin)
	officer, err = Open(ctx, path, "Ұлжан", []byte("ұзын құпия сөз"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { officer.Close() })
	return admin, officer, clock
}

// withConsents installs a fake consent ledger for the test: consent to
// every purpose from 2020 on, withdrawn at the times given.
func withConsents(t *testing.T, withdrawn map[string]time.Time) {
	t.Helper()
	old := consentValidAt
	consentValidAt = func(ctx context.Context, q queryer, accountID, purpose string, at time.Time) (bool, error) {
		if w, ok := withdrawn[accountID]; ok && !at.Before(w) {
			return false, nil
		}
		return true, nil
	}
	t.Cleanup(func() { consentValidAt = old })
}

func mustCreate(t *testing.T, w *Workspace, n NewRequest) string {
	t.Helper()
	num, err := w.CreateRequest(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	return num
}

func move(t *testing.T, w *Workspace, num string, to RequestState, fields ...string) {
	t.Helper()
	if err := w.TransitionRequest(context.Background(), num, Decision{To: to, Reason: "test: " + string(to), Fields: fields}); err != nil {
		t.Fatalf("%s → %s: %v", num, to, err)
	}
}

func TestAccessRequestDueDateSkipsNauryz(t *testing.T) {
	ctx := context.Background()
	_, w, clock := requestsWorkspace(t)
	num := mustCreate(t, w, NewRequest{Kind: KindAccess, Accounts: []string{"LC-000001"}})
	if !strings.HasPrefix(num, "RQ-2026-") {
		t.Fatalf("number %q", num)
	}
	r, err := w.GetRequest(ctx, num)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Due.Format("2006-01-02"); got != "2026-03-27" {
		t.Fatalf("due %s, want 2026-03-27 (20 March, then 21–25 March off, 26 and 27)", got)
	}
	if r.DaysLeft != 3 || r.Overdue {
		t.Fatalf("days left %d overdue %v, want 3 false", r.DaysLeft, r.Overdue)
	}
	blocking := mustCreate(t, w, NewRequest{Kind: KindBlocking, Accounts: []string{"LC-000002"}})
	if b, _ := w.GetRequest(ctx, blocking); b.Due.Format("2006-01-02") != "2026-03-20" {
		t.Fatalf("blocking due %s, want 2026-03-20", b.Due.Format("2006-01-02"))
	}
	clock.set(time.Date(2026, 3, 30, 9, 0, 0, 0, almaty))
	r, _ = w.GetRequest(ctx, num)
	if !r.Overdue || r.DaysLeft != -1 {
		t.Fatalf("on 30 March: overdue %v days left %d, want true -1", r.Overdue, r.DaysLeft)
	}
	rows, err := w.ListRequests(ctx, RequestFilter{Overdue: true})
	if err != nil || len(rows) != 2 || rows[0].Number != blocking {
		t.Fatalf("overdue list %+v %v, want both, blocking first (due first)", rows, err)
	}
	today, over, err := w.RequestCounts(ctx)
	if err != nil || today != 0 || over != 2 {
		t.Fatalf("counts %d %d %v", today, over, err)
	}
	// A deadline setting applies to requests received from then on.
	if err := w.SetRequestDeadline(ctx, KindAccess, 5, "test"); err == nil {
		t.Fatal("a compliance officer changed a deadline setting")
	}
}

func TestDisclosureConsentRefusedAfterWithdrawal(t *testing.T) {
	ctx := context.Background()
	admin, officer, clock := requestsWorkspace(t)
	newConsentDisclosure := func(account string) string {
		num := mustCreate(t, officer, NewRequest{Kind: KindDisclosure, Accounts: []string{account}, Ground: GroundConsent,
			RequesterType: RequesterCounterparty, Requester: "ТОО «Серіктес»", LetterNo: "12/3", Fields: []string{"full_name", "phone"}})
		move(t, officer, num, RequestVerifying)
		move(t, officer, num, RequestUnderReview)
		return num
	}

	// No ledger in the build: such a disclosure is refused, saying why.
	old := consentValidAt
	consentValidAt = nil
	num := newConsentDisclosure("LC-000001")
	err := admin.TransitionRequest(ctx, num, Decision{To: RequestApproved, Reason: "ok"})
	var re *RuleError
	if !errors.As(err, &re) || re.Rule != "no_ledger" || !errors.Is(err, ErrRuleRefused) || !strings.Contains(err.Error(), "no consent ledger") {
		t.Fatalf("without a ledger: %v", err)
	}
	consentValidAt = old

	// The user withdrew yesterday: refused at approval.
	withConsents(t, map[string]time.Time{"LC-000001": clock.now().Add(-24 * time.Hour), "LC-000002": clock.now().Add(48 * time.Hour)})
	err = admin.TransitionRequest(ctx, num, Decision{To: RequestApproved, Reason: "ok"})
	if !errors.As(err, &re) || re.Rule != "consent" || re.Account != "LC-000001" {
		t.Fatalf("after withdrawal: %v, want a consent RuleError", err)
	}
	if r, _ := admin.GetRequest(ctx, num); r.State != RequestUnderReview {
		t.Fatalf("state %s after a refused approval", r.State)
	}

	// Consent in force at approval, withdrawn before fulfilment: refused again.
	num2 := newConsentDisclosure("LC-000002")
	move(t, admin, num2, RequestApproved)
	if _, err := officer.PrepareFulfilment(ctx, num2); err != nil {
		t.Fatalf("consent in force: %v", err)
	}
	clock.set(clock.now().Add(72 * time.Hour))
	if _, err := officer.PrepareFulfilment(ctx, num2); !errors.As(err, &re) || re.Rule != "consent" {
		t.Fatalf("withdrawn before fulfilment: %v", err)
	}
}

func TestSameStaffCannotPrepareAndApprove(t *testing.T) {
	ctx := context.Background()
	admin, officer, _ := requestsWorkspace(t)
	num := mustCreate(t, officer, NewRequest{Kind: KindDisclosure, Accounts: []string{"LC-000003"}, Ground: GroundLaw,
		RequesterType: RequesterInvestigator, Requester: "ДП г. Алматы", Officer: "следователь Иванов И.И.", LetterNo: "3-17/1024",
		LetterDate: "2026-03-18", Fields: []string{"full_name", "iin", "phone"}})
	move(t, officer, num, RequestVerifying)
	move(t, officer, num, RequestUnderReview)
	err := officer.TransitionRequest(ctx, num, Decision{To: RequestApproved, Reason: "lawful request"})
	var fe *FourEyesError
	if !errors.As(err, &fe) || fe.Preparer != "Ұлжан" || !errors.Is(err, ErrRuleRefused) {
		t.Fatalf("preparer approving: %v, want *FourEyesError", err)
	}
	err = officer.TransitionRequest(ctx, num, Decision{To: RequestPartiallyApproved, Reason: "x", Fields: []string{"full_name"}})
	if !errors.As(err, &fe) {
		t.Fatalf("preparer partially approving: %v", err)
	}
	if err := admin.TransitionRequest(ctx, num, Decision{To: RequestPartiallyApproved, Reason: "IIN and name only", Fields: []string{"full_name", "email"}}); err == nil {
		t.Fatal("approved a field that was not requested")
	}
	move(t, admin, num, RequestPartiallyApproved, "full_name", "iin")
	r, _ := admin.GetRequest(ctx, num)
	if r.ApprovedBy != "Админ" || r.PreparedBy != "Ұлжан" || strings.Join(r.ApprovedFields, ",") != "full_name,iin" {
		t.Fatalf("request after approval: %+v", r)
	}
	es, _ := admin.AuditEntries(ctx, AuditFilter{Object: "request:" + num})
	if len(es) != 4 || es[0].Staff != "Админ" || es[0].Reason != "test: partially_approved" {
		t.Fatalf("audit of the request: %+v", es)
	}
	tl, _ := admin.RequestTimeline(ctx, num)
	if len(tl) != 4 || tl[3].To != RequestPartiallyApproved || tl[3].Staff != "Админ" {
		t.Fatalf("timeline %+v", tl)
	}
}

func TestWorkflowRules(t *testing.T) {
	ctx := context.Background()
	admin, officer, _ := requestsWorkspace(t)
	num := mustCreate(t, officer, NewRequest{Kind: KindAccess, Accounts: []string{"LC-000001"}})
	var re *RuleError
	if err := officer.TransitionRequest(ctx, num, Decision{To: RequestApproved, Reason: "skip"}); !errors.As(err, &re) || re.Rule != "state" {
		t.Fatalf("received → approved: %v", err)
	}
	var ve *ValidationError
	if err := officer.TransitionRequest(ctx, num, Decision{To: RequestRejected}); !errors.As(err, &ve) || ve.Field != "reason" {
		t.Fatalf("rejection without a reason: %v", err)
	}
	if err := officer.AssignRequest(ctx, num, "Админ", ""); err != nil {
		t.Fatal(err)
	}
	if rows, _ := officer.ListRequests(ctx, RequestFilter{Assignee: "Админ"}); len(rows) != 1 {
		t.Fatalf("assignee filter: %+v", rows)
	}
	// Blocked users are disclosed only under 3.2.3.
	if err := admin.BlockUser(ctx, "LC-000004", "test"); err != nil {
		t.Fatal(err)
	}
	for _, g := range []Ground{GroundService, GroundLaw} {
		d := mustCreate(t, officer, NewRequest{Kind: KindDisclosure, Accounts: []string{"LC-000004"}, Ground: g,
			RequesterType: RequesterCourt, Requester: "Суд", Fields: []string{"full_name"}})
		move(t, officer, d, RequestVerifying)
		move(t, officer, d, RequestUnderReview)
		err := admin.TransitionRequest(ctx, d, Decision{To: RequestApproved, Reason: "ok"})
		if g == GroundLaw && err != nil {
			t.Fatalf("blocked user under 3.2.3: %v", err)
		}
		if g != GroundLaw && (!errors.As(err, &re) || re.Rule != "blocked") {
			t.Fatalf("blocked user under %s: %v", g, err)
		}
	}
	// Auditors change nothing.
	var fe *ForbiddenError
	if _, err := admin.CreateRequest(ctx, NewRequest{Kind: KindAccess, Accounts: []string{"LC-000001"}}); err != nil {
		t.Fatal(err)
	}
	if err := admin.AddStaff(ctx, "Аудитор", RoleAuditor, []byte("auditor pass"), keyslot.TestParams); err != nil {
		t.Fatal(err)
	}
	aud, err := Open(ctx, admin.Path(), "Аудитор", []byte("auditor pass"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer aud.Close()
	if _, err := aud.CreateRequest(ctx, NewRequest{Kind: KindAccess, Accounts: []string{"LC-000001"}}); !errors.As(err, &fe) {
		t.Fatalf("auditor creating a request: %v", err)
	}
	// Intake validation names the field.
	for _, n := range []NewRequest{
		{Kind: "x", Accounts: []string{"A"}},
		{Kind: KindAccess},
		{Kind: KindDisclosure, Accounts: []string{"A"}, Ground: "9.9", RequesterType: RequesterCourt, Requester: "x", Fields: []string{"iin"}},
		{Kind: KindDisclosure, Accounts: []string{"A"}, Ground: GroundLaw, RequesterType: RequesterCourt, Requester: "x", Fields: []string{"salary"}},
		{Kind: KindRectification, Accounts: []string{"A"}, Details: "phone"},
		{Kind: KindAccess, Accounts: []string{"A"}, Received: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if _, err := officer.CreateRequest(ctx, n); !errors.As(err, &ve) {
			t.Errorf("%+v: %v, want a ValidationError", n, err)
		}
	}
}

func TestDestructionRequestRunsUnderTheRequest(t *testing.T) {
	ctx := context.Background()
	admin, officer, _ := requestsWorkspace(t)
	num := mustCreate(t, officer, NewRequest{Kind: KindDestruction, Accounts: []string{"LC-000002"}})
	move(t, officer, num, RequestVerifying)
	move(t, officer, num, RequestUnderReview)
	move(t, admin, num, RequestApproved)
	move(t, officer, num, RequestFulfilled)
	if _, err := officer.GetUser(ctx, "LC-000002"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("user still there: %v", err)
	}
	es, err := officer.AuditEntries(ctx, AuditFilter{Object: "user:LC-000002", Action: "user.destroy"})
	if err != nil || len(es) != 1 {
		t.Fatalf("destroy entries %v %v", es, err)
	}
	if !strings.Contains(es[0].Details, `"request":"`+num+`"`) || !strings.Contains(es[0].Reason, num) {
		t.Fatalf("destruction audit entry does not name the request: %s / %s", es[0].Details, es[0].Reason)
	}
	r, _ := officer.GetRequest(ctx, num)
	act, ok, _ := officer.DestroyedUnder(ctx, "LC-000002")
	if !ok || r.State != RequestFulfilled || r.Accounts[0].Outcome != OutcomeDestroyed || r.Accounts[0].Act != act {
		t.Fatalf("request after destruction: %+v (act %s)", r, act)
	}
	// A later access request reports the destruction with its act.
	acc := mustCreate(t, officer, NewRequest{Kind: KindAccess, Accounts: []string{"LC-000002"}})
	move(t, officer, acc, RequestVerifying)
	move(t, officer, acc, RequestUnderReview)
	move(t, officer, acc, RequestApproved) // four eyes only for disclosures
	ex, err := officer.PrepareFulfilment(ctx, acc)
	if err != nil || ex.Subjects[0].Outcome != OutcomeDestroyed || ex.Subjects[0].Act != act {
		t.Fatalf("access to a destroyed account: %+v %v", ex, err)
	}
}

func TestUnknownAccountIsKeptAndAnsweredNoData(t *testing.T) {
	ctx := context.Background()
	admin, officer, _ := requestsWorkspace(t)
	num := mustCreate(t, officer, NewRequest{Kind: KindDisclosure, Accounts: []string{"LC-999999", "LC-000001"}, Ground: GroundLaw,
		RequesterType: RequesterProsecutor, Requester: "Прокуратура", Fields: []string{"full_name", "email"}})
	move(t, officer, num, RequestVerifying)
	move(t, officer, num, RequestUnderReview)
	move(t, admin, num, RequestApproved)
	ex, err := officer.PrepareFulfilment(ctx, num)
	if err != nil {
		t.Fatal(err)
	}
	if ex.Subjects[1].AccountID != "LC-999999" || ex.Subjects[1].Outcome != OutcomeNoData || len(ex.Subjects[1].Values) != 0 {
		t.Fatalf("unknown account: %+v", ex.Subjects)
	}
	if err := officer.FulfilRequest(ctx, ex, strings.Repeat("a", 64), ""); err != nil {
		t.Fatal(err)
	}
	reg, err := officer.DisclosureRegister(ctx, time.Time{}, time.Time{})
	if err != nil || len(reg) != 1 || reg[0].AccountID != "LC-000001" || reg[0].Request != num || reg[0].Ground != GroundLaw ||
		strings.Join(reg[0].Fields, ",") != "full_name,email" || reg[0].ApprovedBy != "Админ" {
		t.Fatalf("register %+v %v", reg, err)
	}
	r, _ := officer.GetRequest(ctx, num)
	if r.State != RequestFulfilled || r.Accounts[1].Outcome != OutcomeNoData {
		t.Fatalf("request %+v", r)
	}
	tr, err := officer.TransparencyReport(ctx, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC))
	if err != nil || tr.Total.Received != 1 || len(tr.ByRequester) != 1 || tr.ByRequester[0].Key != "prosecutor" ||
		tr.ByRequester[0].Complied != 1 || tr.ByRequester[0].Accounts != 2 || tr.Total.Late != 0 {
		t.Fatalf("transparency %+v %v", tr, err)
	}
}

func TestAttachmentsAreTypeCheckedAndKept(t *testing.T) {
	ctx := context.Background()
	_, officer, _ := requestsWorkspace(t)
	num := mustCreate(t, officer, NewRequest{Kind: KindAccess, Accounts: []string{"LC-000001"}})
	pdf := []byte("%PDF-1.4\n% scanned letter\n")
	if err := officer.AddRequestAttachment(ctx, num, "/tmp/письмо.pdf", pdf); err != nil {
		t.Fatal(err)
	}
	var ve *ValidationError
	for name, b := range map[string][]byte{"fake.pdf": []byte("MZ\x90\x00 not a pdf"), "empty.png": nil, "big.pdf": append([]byte("%PDF-"), make([]byte, MaxAttachmentSize)...)} {
		if err := officer.AddRequestAttachment(ctx, num, name, b); !errors.As(err, &ve) || ve.Field != "attachment" {
			t.Errorf("%s: %v", name, err)
		}
	}
	as, err := officer.RequestAttachments(ctx, num)
	if err != nil || len(as) != 1 || as[0].Name != "письмо.pdf" || as[0].MIME != "application/pdf" {
		t.Fatalf("attachments %+v %v", as, err)
	}
	b, err := officer.AttachmentData(ctx, as[0].ID)
	if err != nil || string(b) != string(pdf) {
		t.Fatalf("data %q %v", b, err)
	}
}

func TestCalendarEditIsAuditedAndChecked(t *testing.T) {
	ctx := context.Background()
	admin, officer, _ := requestsWorkspace(t)
	text, edited, err := admin.CalendarText(ctx)
	if err != nil || edited {
		t.Fatal(edited, err)
	}
	var ve *ValidationError
	if err := admin.SetCalendar(ctx, text+"\ndayoff 2026-03-20\n", "decree"); !errors.As(err, &ve) || !strings.Contains(ve.Reason, "line") {
		t.Fatalf("bad calendar: %v", err)
	}
	var fe *ForbiddenError
	if err := officer.SetCalendar(ctx, text, "x"); !errors.As(err, &fe) {
		t.Fatalf("officer editing the calendar: %v", err)
	}
	if err := admin.SetCalendar(ctx, text+"\ndayoff 2026-03-20 Постановление (тест)\n", "decree of the government"); err != nil {
		t.Fatal(err)
	}
	num := mustCreate(t, officer, NewRequest{Kind: KindAccess, Accounts: []string{"LC-000001"}})
	if r, _ := officer.GetRequest(ctx, num); r.Due.Format("2006-01-02") != "2026-03-30" {
		t.Fatalf("due with 20 March off: %s", r.Due.Format("2006-01-02"))
	}
	es, _ := admin.AuditEntries(ctx, AuditFilter{Action: "settings.calendar"})
	if len(es) != 1 || !strings.Contains(es[0].Details, "new_sha256") {
		t.Fatalf("calendar audit %+v", es)
	}
}

// The queue splits one text value on control characters: a requester
// typed with them is cleaned at intake and listed intact.
func TestQueueSurvivesControlCharacters(t *testing.T) {
	ctx := context.Background()
	_, officer, _ := requestsWorkspace(t)
	num := mustCreate(t, officer, NewRequest{Kind: KindDisclosure, Accounts: []string{"LC-000001"}, Ground: GroundLaw,
		RequesterType: RequesterCourt, Requester: "Суд\x1fг.\x1eАлматы", Fields: []string{"full_name"}})
	mustCreate(t, officer, NewRequest{Kind: KindAccess, Accounts: []string{"LC-000002"}})
	rows, err := officer.ListRequests(ctx, RequestFilter{})
	if err != nil || len(rows) != 2 {
		t.Fatalf("%+v %v", rows, err)
	}
	for _, r := range rows {
		if r.Number == num && (r.Requester != "Суд г. Алматы" || r.Kind != KindDisclosure || r.State != RequestReceived || r.Due == "") {
			t.Fatalf("row %+v", r)
		}
	}
	if rows, _ := officer.ListRequests(ctx, RequestFilter{Kind: KindRecipients}); len(rows) != 0 {
		t.Fatalf("empty filter gave %+v", rows)
	}
}
