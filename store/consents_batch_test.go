package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"

	"legco.kz/compliance/store/exportfile"
)

// consentFiles are two consent exports for users LC-T0001..n: the first
// in user order (given, withdrawn, given again, expired, accepted again
// under newer editions; some lines twice, a few bad rows), the second
// later, in no order (events before and after the states of the first,
// some events of the first again).
func consentFiles(n int) (string, string) {
	r := rand.New(rand.NewSource(7))
	// uaOf, when set, gives the user agent of the next lines: by default
	// five user agents share the events (the ledger stores each once).
	var uaOf func(i int) string
	line := func(b *strings.Builder, i int, purpose, event string, ed int, t time.Time) {
		lang, ch, doc, ip, ua := "ru", []string{"web", "ios", "android", "egov"}[i%4], "", "10.1.2.3", fmt.Sprintf("Mozilla/5.0 (тест %d, \"x\")", i%5)
		if uaOf != nil {
			ua = uaOf(i)
		}
		if i%3 == 0 {
			lang = "kk"
		}
		if event == "withdrawn" && i%2 == 0 {
			ch, doc, ip, ua = "paper", fmt.Sprintf("Заявление № %d", i), "", ""
		}
		fmt.Fprintf(b, "LC-T%04d,%s,%s,%d,%s,%s,%s,%s,\"%s\",%s\n", i, purpose, event, ed, lang, ch, t.Format(time.RFC3339), ip,
			strings.ReplaceAll(ua, `"`, `""`), doc)
	}
	head := consentCSVHead
	var a strings.Builder
	a.WriteString(head)
	for i := 1; i <= n; i++ {
		t0 := time.Date(2024, 1, 10, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * 37 * time.Minute)
		line(&a, i, PurposePolicy, "given", 1, t0)
		line(&a, i, PurposeSMSThirdParty, "given", 1, t0.Add(time.Second))
		if i%50 == 0 {
			line(&a, i, PurposeSMSThirdParty, "given", 1, t0.Add(time.Second)) // twice in the file
		}
		if i%3 == 0 {
			line(&a, i, PurposeSMSThirdParty, "withdrawn", 1, t0.Add(30*24*time.Hour))
			if i%6 == 0 {
				line(&a, i, PurposeSMSThirdParty, "given", 1, t0.Add(60*24*time.Hour))
			}
		}
		t2 := time.Date(2025, 2, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(r.Intn(90*24*60)) * time.Minute)
		if i%2 == 0 {
			line(&a, i, PurposePolicy, "given", 2, t2)
			line(&a, i, PurposeTargetedAds, "given", 2, t2.Add(time.Second))
			if i%4 == 0 {
				line(&a, i, PurposeTargetedAds, "expired", 2, t2.Add(365*24*time.Hour))
			}
		}
		if i%5 != 0 {
			line(&a, i, PurposePolicy, "given", 3, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Hour))
		}
		if i%97 == 0 {
			fmt.Fprintf(&a, "LC-X%04d,policy,given,1,ru,web,2024-03-01T00:00:00Z,,,\n", i)  // no such user
			fmt.Fprintf(&a, "LC-T%04d,nothing,given,1,ru,web,2024-03-01T00:00:00Z,,,\n", i) // no such purpose
		}
	}
	var lines []string
	first := strings.Split(strings.TrimSuffix(a.String(), "\n"), "\n")[1:]
	for i := 1; i <= n; i += 2 {
		t := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.Intn(100*24)) * time.Hour)
		var b strings.Builder
		switch i % 7 {
		case 0, 1, 2: // later: withdrawn, then given again by some
			line(&b, i, PurposePolicy, "withdrawn", 3, t)
			if i%3 == 0 {
				line(&b, i, PurposePolicy, "given", 3, t.Add(time.Hour))
			}
		case 3: // earlier than the state: the ledger grows, the state stays
			line(&b, i, PurposeCounterpartyDisclosure, "given", 1, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Minute))
			line(&b, i, PurposePolicy, "withdrawn", 1, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Minute))
		case 4: // a purpose new to the user
			line(&b, i, PurposeCounterpartyDisclosure, "given", 3, t)
		default: // the same time as the state's event, another event
			line(&b, i, PurposeSMSThirdParty, "withdrawn", 3, t)
			line(&b, i, PurposeSMSThirdParty, "given", 3, t)
		}
		if i%11 == 0 {
			// An event of the first file again, sent by a user agent of
			// its own: the event is known, and its user agent must not be
			// stored.
			uaOf = func(i int) string { return fmt.Sprintf("Once/%d", i) }
			t0 := time.Date(2024, 1, 10, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * 37 * time.Minute)
			line(&b, i, PurposePolicy, "given", 1, t0)
			uaOf = nil
		}
		lines = append(lines, strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")...)
	}
	for k := 0; k < len(first); k += 5 {
		lines = append(lines, first[k])
	}
	r.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	return a.String(), head + strings.Join(lines, "\n") + "\n"
}

// consentCSVHead is the header line of a consent export in CSV.
const consentCSVHead = "account_id,purpose,event,edition,language,channel,time,ip,user_agent,document_ref\n"

// consentTables is what an import leaves: the ledger, the current
// states, their counts and the day counts.
func consentTables(t *testing.T, w *Workspace) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for name, q := range map[string]string{
		"events": `SELECT e.id, user_id, purpose, event, edition, language, channel, at, ip, a.id, a.text, document_ref, reason, coalesce(batch_id, 0), audit_seq
			FROM consent_events e LEFT JOIN consent_user_agents a ON a.id = e.user_agent_id ORDER BY e.id`,
		// Each user agent is named by n events, at least one.
		"useragents": `SELECT count(*), sum(n = 0 OR n <> (SELECT count(*) FROM consent_events e WHERE e.user_agent_id = a.id)),
			(SELECT count(*) FROM consent_events WHERE user_agent_id IS NOT NULL AND user_agent_id NOT IN (SELECT id FROM consent_user_agents))
			FROM consent_user_agents a`,
		"state":  `SELECT user_id, purpose, state, edition, channel, language, at, event_id FROM consent_state ORDER BY user_id, purpose`,
		"counts": `SELECT purpose, state, edition, channel, language, n FROM consent_state_counts WHERE n != 0 ORDER BY 1, 2, 3, 4, 5`,
		"daily":  `SELECT day, edition, purpose, event, channel, language, n FROM consent_daily ORDER BY 1, 2, 3, 4, 5, 6`,
		// What the counts and the states must be, from the ledger.
		"recount": `SELECT purpose, state, edition, channel, language, count(*) FROM consent_state GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
		"latest": `SELECT e.user_id, e.purpose, e.event, e.edition, e.channel, e.language, e.at, e.id FROM consent_events e
			WHERE e.id = (SELECT f.id FROM consent_events f WHERE f.user_id = e.user_id AND f.purpose = e.purpose ORDER BY f.at DESC, f.id DESC LIMIT 1)
			ORDER BY e.user_id, e.purpose`,
		// The batched path binds texts as bytes (textArg): they must be
		// stored as text, as the per-row path stores them.
		"types": `SELECT typeof(e.purpose), typeof(e.event), typeof(e.language), typeof(e.channel), typeof(e.ip), typeof(e.user_agent_id), typeof(e.document_ref),
			typeof(s.purpose), typeof(s.channel), count(*) FROM consent_events e LEFT JOIN consent_state s ON s.event_id = e.id GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
		"daysum": `SELECT (SELECT sum(n) FROM consent_daily) = (SELECT count(*) FROM consent_events)`,
		"perday": `SELECT strftime('%Y-%m-%d', at / 1000000000, 'unixepoch'), edition, purpose, event, channel, language, count(*) FROM consent_events
			GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`,
	} {
		rows, err := w.db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[name] = append(out[name], fmt.Sprint(vals...))
		}
		rows.Close()
	}
	return out
}

// TestConsentImportBatchedEqualsPerRow imports the same files through
// the batched path (multi-row inserts, range reads of accounts and
// states) and the one-statement-per-row path: the ledger, the states,
// the counts and the results must be the same, in small chunks (states
// change across chunks) and with withdrawals, re-consents, duplicate
// lines, bad rows, an unordered file and re-imports.
func TestConsentImportBatchedEqualsPerRow(t *testing.T) {
	ctx := context.Background()
	const n = 700
	first, second := consentFiles(n)
	type run struct {
		w    *Workspace
		res  []ImportResult
		tabs map[string][]string
	}
	do := func(perRow bool, chunk int) run {
		consentPerRow = perRow
		defer func() { consentPerRow = false }()
		w, _ := newWorkspace(t)
		threeEditions(t, w)
		addUsers(t, w, n)
		var r run
		r.w = w
		for k, f := range []string{first, second, first, second} {
			res, err := w.ImportConsents(ctx, strings.NewReader(f), fmt.Sprintf("c%d.csv", k), exportfile.CSV, ImportOptions{ChunkRows: chunk})
			if err != nil {
				t.Fatal(err)
			}
			res.BatchID, res.File, res.SHA256 = 0, "", ""
			var errs []string
			for _, e := range res.Errors {
				errs = append(errs, fmt.Sprintf("%d %s", e.Line, e.Column))
			}
			res.Errors = nil
			r.res = append(r.res, *res)
			if k == 1 {
				r.tabs = consentTables(t, w)
			}
			t.Logf("perRow %v chunk %d file %d: %+v (%d errors)", perRow, chunk, k, *res, len(errs))
		}
		if got := consentTables(t, w); !reflect.DeepEqual(got, r.tabs) {
			t.Fatalf("perRow %v chunk %d: the re-imports changed the tables", perRow, chunk)
		}
		return r
	}
	for _, chunk := range []int{113, 50000} {
		want := do(true, chunk)
		got := do(false, chunk)
		if !reflect.DeepEqual(got.res, want.res) {
			t.Fatalf("chunk %d: results\n%+v\nper row\n%+v", chunk, got.res, want.res)
		}
		if got.res[0].Same == 0 || got.res[0].Rejected == 0 || got.res[1].New == 0 || got.res[1].Same == 0 ||
			got.res[2].New != 0 || got.res[3].New != 0 {
			t.Fatalf("chunk %d: the files do not test what they should: %+v", chunk, got.res)
		}
		for name, rows := range want.tabs {
			if !reflect.DeepEqual(got.tabs[name], rows) {
				t.Fatalf("chunk %d: %s differs: %d rows batched, %d per row", chunk, name, len(got.tabs[name]), len(rows))
			}
		}
		tabs := got.tabs
		if ua := tabs["useragents"][0]; ua != "5 0 0" {
			t.Fatalf("chunk %d: user agents (stored, miscounted, missing): %s, want 5 0 0 (the Once/ user agents of known events not stored)", chunk, ua)
		}
		if len(tabs["events"]) == 0 || tabs["daysum"][0] != "1" || !reflect.DeepEqual(tabs["state"], tabs["latest"]) || !reflect.DeepEqual(tabs["counts"], tabs["recount"]) {
			t.Fatalf("chunk %d: states or counts do not follow the ledger", chunk)
		}
		if rep, err := got.w.Verify(ctx, VerifyOptions{}); err != nil || !rep.OK() {
			t.Fatalf("chunk %d: verify: %v %+v", chunk, err, rep)
		}
	}
}

// consentImportWorkspace is a workspace with three editions and n users,
// its path, and the first consent file of consentFiles(n).
func consentImportWorkspace(t *testing.T, n int) (*Workspace, string, string) {
	first, _ := consentFiles(n)
	w, path := newWorkspace(t)
	threeEditions(t, w)
	addUsers(t, w, n)
	return w, path, first
}

// importCancelledAfter imports file in chunks of chunk events and
// cancels the import once after chunks of them have been committed.
func importCancelledAfter(w *Workspace, file string, chunk, chunks int) (*ImportResult, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := 0
	return w.ImportConsents(ctx, strings.NewReader(file), "c.csv", exportfile.CSV, ImportOptions{ChunkRows: chunk,
		Progress: func(ImportProgress) {
			if done++; done == chunks {
				cancel()
			}
		}})
}

// TestConsentImportCancelledKeepsChunksWhole cancels a batched import
// after its first chunks: what was committed is whole chunks, with states,
// counts and day counts that follow the ledger, and importing the file
// again completes it with the same tables as one uninterrupted run.
func TestConsentImportCancelledKeepsChunksWhole(t *testing.T) {
	w, _, first := consentImportWorkspace(t, 400)
	res, err := importCancelledAfter(w, first, 300, 2)
	if !errors.Is(err, context.Canceled) || !res.Cancelled {
		t.Fatalf("cancel: %+v %v", res, err)
	}
	tabs := consentTables(t, w)
	if len(tabs["events"]) != res.New || res.New == 0 || res.New+res.Same+res.Rejected > 2*300+16 {
		t.Fatalf("after cancel: %d events in the ledger, result %+v", len(tabs["events"]), res)
	}
	if !reflect.DeepEqual(tabs["state"], tabs["latest"]) || !reflect.DeepEqual(tabs["counts"], tabs["recount"]) || tabs["daysum"][0] != "1" {
		t.Fatal("after cancel: states or counts do not follow the ledger")
	}
	again, err := w.ImportConsents(context.Background(), strings.NewReader(first), "c.csv", exportfile.CSV, ImportOptions{ChunkRows: 300})
	if err != nil || again.Same < res.New {
		t.Fatalf("re-import after cancel: %+v %v", again, err)
	}
	w2, _, _ := consentImportWorkspace(t, 400)
	one, err := w2.ImportConsents(context.Background(), strings.NewReader(first), "c.csv", exportfile.CSV, ImportOptions{ChunkRows: 300})
	if err != nil || one.New != res.New+again.New || one.Rejected != again.Rejected {
		t.Fatalf("one run %+v, cancelled %+v, then %+v, %v", one, res, again, err)
	}
	got, want := consentTables(t, w), consentTables(t, w2)
	for _, name := range []string{"state", "counts", "daily"} {
		if !reflect.DeepEqual(got[name], want[name]) {
			t.Fatalf("%s after cancel and re-import differs from one run", name)
		}
	}
	if rep, err := w.Verify(context.Background(), VerifyOptions{}); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %+v", err, rep)
	}
}

// TestConsentImportKilledCountsDays: an import that ends after some
// chunks without writing its day counts (killed) leaves its batch listed
// in consent_uncounted; the report counts its events from the ledger
// meanwhile, and the next open counts them into consent_daily, so that
// finishing the import gives the tables of one uninterrupted run.
func TestConsentImportKilledCountsDays(t *testing.T) {
	w, path, first := consentImportWorkspace(t, 400)
	consentDailyKilled = true
	_, err := importCancelledAfter(w, first, 300, 2)
	consentDailyKilled = false
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancel: %v", err)
	}
	var listed, events, counted int
	w.db.QueryRow(`SELECT count(*) FROM consent_uncounted`).Scan(&listed)
	w.db.QueryRow(`SELECT count(*) FROM consent_events`).Scan(&events)
	w.db.QueryRow(`SELECT coalesce(sum(n), 0) FROM consent_daily`).Scan(&counted)
	if listed != 1 || events == 0 || counted >= events {
		t.Fatalf("killed import: %d listed, %d events, %d counted", listed, events, counted)
	}
	filters := []ConsentFilter{{}, {Purpose: PurposePolicy}, {Edition: 1, Channel: "web"},
		{From: time.Date(2024, 1, 11, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 2, 10, 0, 0, 0, 0, time.UTC)}}
	report := func(w *Workspace) [][]ConsentReportRow {
		var out [][]ConsentReportRow
		for _, f := range filters {
			d, err := w.ConsentReport(context.Background(), f, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, d.Rows)
		}
		return out
	}
	total := func(w *Workspace) int {
		d, err := w.ConsentReport(context.Background(), ConsentFilter{}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range d.Rows {
			n += r.Total.Given + r.Total.Withdrawn + r.Total.Expired
		}
		return n
	}
	if got := total(w); got != events {
		t.Fatalf("report while the import's days are not counted: %d events, want %d", got, events)
	}
	before := report(w)
	w.Close()
	w, err = Open(context.Background(), path, "Админ", []byte("correct horse"), testOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.db.QueryRow(`SELECT count(*) FROM consent_uncounted`).Scan(&listed)
	w.db.QueryRow(`SELECT coalesce(sum(n), 0) FROM consent_daily`).Scan(&counted)
	if listed != 0 || counted != events {
		t.Fatalf("after open: %d listed, %d counted of %d events", listed, counted, events)
	}
	if after := report(w); !reflect.DeepEqual(after, before) {
		t.Fatalf("report from the ledger and from the counted days differ:\n%v\n%v", before, after)
	}
	if _, err := w.ImportConsents(context.Background(), strings.NewReader(first), "c.csv", exportfile.CSV, ImportOptions{ChunkRows: 300}); err != nil {
		t.Fatal(err)
	}
	w2, _, _ := consentImportWorkspace(t, 400)
	if _, err := w2.ImportConsents(context.Background(), strings.NewReader(first), "c.csv", exportfile.CSV, ImportOptions{ChunkRows: 300}); err != nil {
		t.Fatal(err)
	}
	got, want := consentTables(t, w), consentTables(t, w2)
	for _, name := range []string{"state", "counts", "daily"} {
		if !reflect.DeepEqual(got[name], want[name]) {
			t.Fatalf("%s after a killed import, open and re-import differs from one run", name)
		}
	}
}
