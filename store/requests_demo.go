package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand"
	"strings"
	"time"

	"legco.kz/compliance/store/demo"
)

var demoRequesters = []struct {
	t      RequesterType
	org    string
	ground Ground
}{
	{RequesterInvestigator, "Департамент полиции г. Алматы", GroundLaw},
	{RequesterCourt, "Специализированный межрайонный экономический суд г. Астаны", GroundLaw},
	{RequesterProsecutor, "Прокуратура Медеуского района г. Алматы", GroundLaw},
	{RequesterStateBody, "Қазақстан Республикасы Қаржылық мониторинг агенттігі", GroundLaw},
	{RequesterCounterparty, "ТОО «Дала Трейд»", GroundCounterparty},
	{RequesterBuyer, "АО «Сенім Холдинг»", GroundSale},
	{RequesterOther, "ИП «Әлімжанов»", GroundConsent},
	{RequesterCounterparty, "ТОО «Bilim Cloud»", GroundService},
	{RequesterOther, "Адвокатская контора «Заң және Құқық»", GroundRights},
}

var demoOfficers = []string{"следователь Сейітов Қ.Б.", "судья Ахметова Г.Н.", "прокурор Жұмабеков Е.С.", "главный специалист Омарова Д.К.", ""}

// LoadDemoRequests adds n synthetic requests about the first `users` demo
// accounts, in every state of the workflow, received over the last 40
// days (so some open ones are overdue), with their timelines, and the
// disclosure register rows of the fulfilled disclosures. The decisions
// are recorded as made by the demo staff "compliance" (preparer) and
// "admin" (approver). One audit entry covers the lot. Demo data only:
// real requests go through CreateRequest and TransitionRequest.
func (w *Workspace) LoadDemoRequests(ctx context.Context, n, users int, seed int64) error {
	if n <= 0 || users <= 0 {
		return nil
	}
	cal, err := w.Calendar(ctx)
	if err != nil {
		return err
	}
	dl, err := w.RequestDeadlines(ctx)
	if err != nil {
		return err
	}
	r := rand.New(rand.NewSource(seed))
	today := w.today()
	path := [][]RequestState{
		{RequestReceived},
		{RequestReceived, RequestVerifying},
		{RequestReceived, RequestVerifying, RequestUnderReview},
		{RequestReceived, RequestVerifying, RequestUnderReview, RequestApproved},
		{RequestReceived, RequestVerifying, RequestUnderReview, RequestPartiallyApproved},
		{RequestReceived, RequestVerifying, RequestRejected},
		{RequestReceived, RequestVerifying, RequestUnderReview, RequestApproved, RequestFulfilled},
		{RequestReceived, RequestVerifying, RequestUnderReview, RequestApproved, RequestFulfilled, RequestClosed},
		{RequestReceived, RequestVerifying, RequestUnderReview, RequestRejected, RequestClosed},
	}
	reasons := map[RequestState]string{
		RequestVerifying:         "личность заявителя и полномочия проверяются / өтініш берушінің жеке басы мен өкілеттігі тексерілуде",
		RequestUnderReview:       "проверено, решение подготовлено / тексерілді, шешім дайындалды",
		RequestApproved:          "основание подтверждено / негіз расталды",
		RequestPartiallyApproved: "предоставляются только необходимые данные / тек қажетті деректер беріледі",
		RequestRejected:          "нет законного основания / заңды негіз жоқ",
		RequestFulfilled:         "ответ направлен / жауап жіберілді",
		RequestClosed:            "закрыт / жабылды",
	}
	return w.change(ctx, Change{Perm: PermRequestsWrite, Action: "demo.requests", Object: "requests", Reason: "demo requests",
		Details: map[string]any{"requests": n, "seed": seed}},
		func(tx *sql.Tx, c *Change) error {
			ins, err := tx.PrepareContext(ctx, `INSERT INTO requests(number, kind, state, received_on, due_on, requester_type, requester, officer,
				letter_no, letter_date, ground, purpose, fields, approved_fields, details, assignee, prepared_by, approved_by, decision_reason,
				decision, package_sha256, answered_on, created_by, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
			if err != nil {
				return err
			}
			defer ins.Close()
			acct, err := tx.PrepareContext(ctx, `INSERT INTO request_accounts(request_id, account_id, outcome) VALUES (?, ?, ?)`)
			if err != nil {
				return err
			}
			defer acct.Close()
			ev, err := tx.PrepareContext(ctx, `INSERT INTO request_events(request_id, at, staff, action, from_state, to_state, reason) VALUES (?, ?, ?, ?, ?, ?, ?)`)
			if err != nil {
				return err
			}
			defer ev.Close()
			disc, err := tx.PrepareContext(ctx, `INSERT INTO disclosures(request_id, account_id, recipient, requester_type, ground, fields, disclosed_at,
				prepared_by, approved_by, package_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
			if err != nil {
				return err
			}
			defer disc.Close()
			last := map[string]int{}
			loc := w.Location()
			for i := 0; i < n; i++ {
				// The first requests run through every path, newest first,
				// so a small demo shows every state; the rest are random.
				p := path[i%len(path)]
				if i >= 3*len(path) {
					p = path[r.Intn(len(path))]
				}
				kind := RequestKinds[r.Intn(len(RequestKinds))]
				if i < 2*len(path) && i%2 == 0 {
					kind = KindDisclosure
				}
				received := today.AddDate(0, 0, -r.Intn(40))
				if p[len(p)-1].Open() && r.Intn(5) != 0 {
					received = today.AddDate(0, 0, -r.Intn(2)) // most open ones are recent; one in five is overdue
				}
				due := cal.Add(received, dl.Days(kind))
				year := received.Format("2006")
				if _, ok := last[year]; !ok {
					if last[year], err = lastNumber(ctx, tx, year); err != nil {
						return err
					}
				}
				last[year]++
				number := fmt.Sprintf("RQ-%s-%06d", year, last[year])
				rq := demoRequesters[r.Intn(len(demoRequesters))]
				final := p[len(p)-1]
				if kind == KindDisclosure && rq.ground.NeedsConsent() && (final == RequestApproved || final == RequestPartiallyApproved || final == RequestFulfilled || final == RequestClosed) {
					rq = demoRequesters[r.Intn(4)] // consent grounds need the ledger: keep them undecided or rejected
				}
				var rtype RequesterType = RequesterSubject
				org, officer, letter, letterDate, ground, purpose := "", "", "", "", Ground(""), ""
				fields := ""
				if kind == KindDisclosure {
					rtype, org, ground = rq.t, rq.org, rq.ground
					officer = demoOfficers[r.Intn(len(demoOfficers))]
					letter = fmt.Sprintf("%d-%02d/%d", 1+r.Intn(9), 1+r.Intn(30), 100+r.Intn(9000))
					letterDate = dayText(received.AddDate(0, 0, -1-r.Intn(3)))
					fields = []string{"full_name,iin,phone", "full_name,phone,email,access_log", "full_name,iin,address,public_data", "full_name,entity_name"}[r.Intn(4)]
					if ground == GroundConsent {
						purpose = DefaultConsentPurpos
					} else if ground == GroundCounterparty {
						purpose = PurposeCounterparty
					}
				}
				details := ""
				if kind == KindRectification {
					details = "address=г. Алматы, ул. Сатпаева, д. " + fmt.Sprint(1+r.Intn(120))
				}
				nAcc := 1
				if kind == KindDisclosure {
					nAcc = 1 + r.Intn(3)
				}
				var accounts []string
				for k := 0; k < nAcc; k++ {
					accounts = append(accounts, demo.AccountID(r.Intn(users)))
				}
				assignee := []string{"", "compliance", "admin", "compliance"}[r.Intn(4)]
				prepared, approved, reason, decision, approvedFields, answered := "", "", "", "", "", ""
				at := time.Date(received.Year(), received.Month(), received.Day(), 9+r.Intn(8), r.Intn(60), 0, 0, loc)
				var events [][5]string
				for k, s := range p {
					if k > 0 {
						at = at.Add(time.Duration(2+r.Intn(20)) * time.Hour)
						if at.After(w.now()) {
							at = w.now().Add(-time.Duration(len(p)-k) * time.Minute)
						}
					}
					staff := "compliance"
					switch s {
					case RequestUnderReview:
						prepared = staff
					case RequestApproved, RequestPartiallyApproved:
						staff, approved, decision, reason = "admin", "admin", string(s), reasons[s]
						approvedFields = fields
						if s == RequestPartiallyApproved && strings.Contains(fields, ",") {
							approvedFields = fields[:strings.LastIndex(fields, ",")]
						}
					case RequestRejected:
						staff, decision, reason, answered = "admin", string(s), reasons[s], dayText(workdaysDate(at, loc))
					case RequestFulfilled:
						answered = dayText(workdaysDate(at, loc))
					}
					from := ""
					if k > 0 {
						from = string(p[k-1])
					}
					action, why := "transition", reasons[s]
					if k == 0 {
						action, why = "create", "request received"
					}
					events = append(events, [5]string{at.UTC().Format(time.RFC3339Nano), staff, action, from, string(s) + "\x00" + why})
				}
				if kind != KindDisclosure && approved != "" {
					approved = "compliance" // four eyes only for disclosures
				}
				created := events[0][0]
				c.Seal = append(c.Seal, "request:"+number)
				res, err := ins.ExecContext(ctx, number, string(kind), string(final), dayText(received), dayText(due), string(rtype), org, officer,
					letter, letterDate, string(ground), purpose, fields, approvedFields, details, assignee, prepared, approved, reason,
					decision, "", answered, "compliance", created, events[len(events)-1][0])
				if err != nil {
					return fmt.Errorf("demo request %d: %w", i, err)
				}
				id, _ := res.LastInsertId()
				for _, a := range accounts {
					outcome := ""
					if final == RequestFulfilled || final == RequestClosed {
						outcome = OutcomeHeld
					}
					if _, err := acct.ExecContext(ctx, id, a, outcome); err != nil && !strings.Contains(err.Error(), "UNIQUE") {
						return err
					}
					if kind == KindDisclosure && outcome != "" && approved != "" {
						if _, err := disc.ExecContext(ctx, id, a, org+func() string {
							if officer != "" {
								return ", " + officer
							}
							return ""
						}()+" ("+letter+" "+letterDate+")", string(rtype), string(ground), approvedFields, events[len(events)-1][0], prepared, approved, "demo"); err != nil {
							return err
						}
					}
				}
				for _, e := range events {
					to, why, _ := strings.Cut(e[4], "\x00")
					if _, err := ev.ExecContext(ctx, id, e[0], e[1], e[2], e[3], to, why); err != nil {
						return err
					}
				}
				if i%10000 == 9999 && ctx.Err() != nil {
					return ctx.Err()
				}
			}
			return nil
		})
}

func workdaysDate(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
