package store

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"legco.kz/compliance/store/exportfile"
)

// The ledger stores each user agent once (migration 0014): events read
// back with their own text, n counts the events that name it, and
// destroying a user's data takes a user agent only they sent with it.
func TestConsentUserAgentsStoredOnceAndDestroyed(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	threeEditions(t, w)
	addUsers(t, w, 2)
	const rare, shared = "Rare/1.0 (Қазақстан; әсем)", "Shared/2.0"
	file := consentCSVHead +
		"LC-T0001,policy,given,3,kk,web,2026-02-01T10:00:00+05:00,10.0.0.1," + rare + ",\n" +
		"LC-T0001,sms_third_party,given,3,kk,web,2026-02-01T10:00:05+05:00,10.0.0.1," + shared + ",\n" +
		"LC-T0002,policy,given,3,ru,web,2026-02-02T10:00:00+05:00,10.0.0.2," + shared + ",\n" +
		"LC-T0002,sms_third_party,given,3,ru,web,2026-02-02T10:00:05+05:00,10.0.0.2," + shared + ",\n" +
		"LC-T0002,targeted_ads,given,3,ru,paper,2026-02-02T10:00:09+05:00,,,№ 5\n"
	res, err := w.ImportConsents(ctx, strings.NewReader(file), "c.csv", exportfile.CSV, ImportOptions{})
	if err != nil || res.New != 5 {
		t.Fatalf("import: %+v %v", res, err)
	}
	uas := func() map[string]int {
		t.Helper()
		rows, err := w.db.Query(`SELECT text, n FROM consent_user_agents`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var s string
			var n int
			if err := rows.Scan(&s, &n); err != nil {
				t.Fatal(err)
			}
			out[s] = n
		}
		return out
	}
	if got := uas(); len(got) != 2 || got[rare] != 1 || got[shared] != 3 {
		t.Fatalf("user agents after import: %v", got)
	}
	h, err := w.ConsentHistory(ctx, "LC-T0001")
	if err != nil || len(h) != 2 || h[0].UserAgent != rare || h[1].UserAgent != shared {
		t.Fatalf("history of LC-T0001: %+v %v", h, err)
	}
	if h, _ := w.ConsentHistory(ctx, "LC-T0002"); len(h) != 3 || h[2].UserAgent != "" || h[2].DocumentRef != "№ 5" {
		t.Fatalf("history of LC-T0002: %+v", h)
	}
	// A stored user agent's text is fixed.
	if _, err := w.db.ExecContext(ctx, `UPDATE consent_user_agents SET text = 'x' WHERE text = ?`, rare); err == nil {
		t.Fatal("a user agent's text was changed")
	}
	// The same file again stores nothing.
	if res, err := w.ImportConsents(ctx, strings.NewReader(file), "c.csv", exportfile.CSV, ImportOptions{}); err != nil || res.Same != 5 {
		t.Fatalf("re-import: %+v %v", res, err)
	}
	if got := uas(); len(got) != 2 || got[rare] != 1 || got[shared] != 3 {
		t.Fatalf("user agents after re-import: %v", got)
	}
	if !bytes.Contains(plainCopy(t, w), []byte(rare)) {
		t.Fatal("the decrypted copy lacks the rare user agent before the destruction; the check below would prove nothing")
	}
	if _, err := w.DestroyUser(ctx, "LC-T0001", "retention period over"); err != nil {
		t.Fatal(err)
	}
	if got := uas(); len(got) != 1 || got[shared] != 2 {
		t.Fatalf("user agents after the destruction: %v", got)
	}
	if bytes.Contains(plainCopy(t, w), []byte(rare)) {
		t.Fatal("the decrypted copy still holds the user agent only the destroyed user sent")
	}
	if h, _ := w.ConsentHistory(ctx, "LC-T0002"); len(h) != 3 || h[0].UserAgent != shared {
		t.Fatalf("history of LC-T0002 after the destruction: %+v", h)
	}
}

// An import keeps the user-agent ids it met from chunk to chunk; a
// destruction between two chunks that deletes a user agent makes it read
// them again, so a later event of the same user agent stores it anew
// instead of naming a deleted id.
func TestConsentImportUserAgentReleasedBetweenChunks(t *testing.T) {
	ctx := context.Background()
	w, _ := newWorkspace(t)
	threeEditions(t, w)
	addUsers(t, w, 3)
	const solo = "Solo/1.0 (Әсел)"
	file := consentCSVHead +
		"LC-T0001,policy,given,3,kk,web,2026-02-01T10:00:00+05:00,10.0.0.1," + solo + ",\n" +
		"LC-T0002,policy,given,3,ru,web,2026-02-01T10:00:00+05:00,10.0.0.2,Other/2.0,\n" +
		"LC-T0003,policy,given,3,ru,web,2026-02-02T10:00:00+05:00,10.0.0.3," + solo + ",\n"
	chunks := 0
	var destroyErr error
	res, err := w.ImportConsents(ctx, strings.NewReader(file), "c.csv", exportfile.CSV, ImportOptions{ChunkRows: 2,
		Progress: func(ImportProgress) {
			if chunks++; chunks == 1 {
				_, destroyErr = w.DestroyUser(ctx, "LC-T0001", "retention period over")
			}
		}})
	if err != nil || destroyErr != nil || res.New != 3 {
		t.Fatalf("import: %+v %v; destruction between chunks: %v", res, err, destroyErr)
	}
	h, err := w.ConsentHistory(ctx, "LC-T0003")
	if err != nil || len(h) != 1 || h[0].UserAgent != solo {
		t.Fatalf("the event after the destruction lost its user agent: %+v %v", h, err)
	}
	var n int
	if err := w.db.QueryRow(`SELECT n FROM consent_user_agents WHERE text = ?`, solo).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%q counted %d times (%v), want 1", solo, n, err)
	}
}
