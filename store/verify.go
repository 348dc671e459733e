package store

import (
	"context"
	"fmt"
	"sync"
)

// VerifyOptions tune Verify.
type VerifyOptions struct {
	// ExpectHead is a head recorded earlier (see ParseExpectedHead).
	ExpectHead string
	// Quick skips the record pass and SQLite's integrity_check, keeping
	// the chain, the payload rules and SQLCipher's page check.
	Quick bool
	// Progress gets the phase ("chain", "pages", "btrees", "records") and
	// how far it got; total is 0 when unknown.
	Progress func(phase string, done, total int64)
}

// Verify checks everything a workspace file can be checked for: the
// audit chain and payload rules (VerifyAudit), every page's HMAC
// (cipher_integrity_check), the b-trees (integrity_check) and every
// sealed record against the log (seal.go). The report's OK says whether
// anything was found.
func (w *Workspace) Verify(ctx context.Context, o VerifyOptions) (*VerifyReport, error) {
	phase := func(name string) func(done, total int64) {
		if o.Progress == nil {
			return nil
		}
		return func(done, total int64) { o.Progress(name, done, total) }
	}
	rep, err := w.VerifyAudit(ctx, o.ExpectHead, phase("chain"))
	if IsCorrupt(err) && ctx.Err() == nil {
		// A damaged page under the log: the page checks below say which.
		rep, err = &VerifyReport{Head: AuditHead{Hash: GenesisHash}}, nil
		rep.Integrity = append(rep.Integrity, IntegrityFinding{"audit chain", "the log cannot be read: " + err.Error()})
	}
	if err != nil {
		return nil, err
	}
	rep.Quick = o.Quick
	// The page check, SQLite's b-tree check and the record pass read the
	// file independently, each on its own connection: the b-tree check,
	// the longest, runs beside the other two, so a full verify takes
	// about as long as integrity_check alone on a machine with two cores.
	var mu sync.Mutex // serialises Progress, which the caller need not make safe
	phaseAt := func(name string) func(done, total int64) {
		p := phase(name)
		if p == nil {
			return nil
		}
		return func(done, total int64) { mu.Lock(); defer mu.Unlock(); p(done, total) }
	}
	var pages, btrees []IntegrityFinding
	var pagesErr, btreesErr, recordsErr error
	var wg sync.WaitGroup
	if !o.Quick {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if p := phaseAt("btrees"); p != nil {
				p(0, 0)
			}
			btrees, btreesErr = w.pragmaCheck(ctx, "integrity_check")
		}()
	}
	if p := phaseAt("pages"); p != nil {
		p(0, 0)
	}
	// SQLCipher's page check, done in Go on every core (pagecheck.go):
	// the bundled pragma crashes on a file over 2 GiB.
	pages, pagesErr = w.checkPages(ctx, phaseAt("pages"))
	if pagesErr == nil && !o.Quick {
		var rp func(int64)
		if p := phaseAt("records"); p != nil {
			rp = func(done int64) { p(done, 0) }
			rp(0)
		}
		var tampered []Tampering
		var total int64
		tampered, total, recordsErr = w.verifySeals(ctx, rep.Head.Seq, func(done int64) {
			mu.Lock()
			rep.Records = done
			mu.Unlock()
			if rp != nil {
				rp(done)
			}
		})
		rep.Tampered, rep.TamperedTotal = tampered, total
	}
	wg.Wait()
	for _, err := range []error{pagesErr, btreesErr} {
		if err != nil {
			return nil, err
		}
	}
	rep.Integrity = append(rep.Integrity, pages...)
	rep.Integrity = append(rep.Integrity, btrees...)
	if IsCorrupt(recordsErr) && ctx.Err() == nil {
		rep.Integrity = append(rep.Integrity, IntegrityFinding{"records", "the record pass stopped at a damaged page: " + recordsErr.Error()})
		recordsErr = nil
	}
	if recordsErr != nil {
		return nil, recordsErr
	}
	return rep, nil
}

// pragmaCheck runs an integrity pragma; "ok" and an empty answer mean
// sound. A damaged page can also make the pragma itself fail: that is a
// finding too, not an error of the verification.
func (w *Workspace) pragmaCheck(ctx context.Context, pragma string) ([]IntegrityFinding, error) {
	rows, err := w.db.QueryContext(ctx, "PRAGMA "+pragma)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return []IntegrityFinding{{pragma, err.Error()}}, nil
	}
	defer rows.Close()
	var out []IntegrityFinding
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		if s != "ok" && len(out) < maxFindings {
			out = append(out, IntegrityFinding{pragma, s})
		}
	}
	if err := rows.Err(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		out = append(out, IntegrityFinding{pragma, err.Error()})
	}
	return out, nil
}

// Damage turns a report's findings into a *DamageError (nil when the
// report is OK), naming the first check that failed.
func (r *VerifyReport) Damage() error {
	switch {
	case len(r.Integrity) > 0:
		return &DamageError{Check: r.Integrity[0].Check, Detail: r.Integrity[0].Detail}
	case r.Broken != nil:
		return &DamageError{Check: "audit chain", Detail: r.Broken.Error()}
	case r.TamperedTotal > 0:
		return &DamageError{Check: "seals", Detail: fmt.Sprintf("%d records disagree with the audit log; first: %s", r.TamperedTotal, r.Tampered[0])}
	}
	return nil
}
