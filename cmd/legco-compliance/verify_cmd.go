package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"legco.kz/compliance/store"
)

// cmdAuditVerify checks the chain, the payload rules, every page and
// b-tree and every sealed record (store.Verify); exit 4 names what it
// found, exit 2 is a malformed --expect-head.
func cmdAuditVerify(ctx context.Context, e *env, args []string) error {
	f := newFlags(e, "audit verify", "audit verify --db FILE [--expect-head \"#N HASH\"] [--quick]")
	expect := f.String("expect-head", "", "a head `\"#N HASH\"` recorded earlier (as printed on a report; the short form \"#4 4b997c0d1e2f3a4b…\" will do) that must still be in the chain")
	quick := f.Bool("quick", false, "skip the record pass and SQLite's integrity_check (chain, payload rules and page check only)")
	if err := f.parse(args); err != nil {
		return err
	}
	// A typo in the expected head is the user's mistake, not tampering:
	// refuse it before opening anything.
	if _, err := store.ParseExpectedHead(*expect); err != nil {
		return usageErr("audit verify --expect-head: %v", err)
	}
	w, err := e.open(ctx, f)
	if err != nil {
		return err
	}
	defer w.Close()
	rep, err := w.Verify(ctx, store.VerifyOptions{ExpectHead: *expect, Quick: *quick})
	var hf *store.HeadFormatError
	if errors.As(err, &hf) {
		return usageErr("audit verify --expect-head: %v", err)
	}
	if err != nil {
		return err
	}
	for _, warn := range rep.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", warn)
	}
	var problems []string
	for _, f := range rep.Integrity {
		problems = append(problems, fmt.Sprintf("PRAGMA %s: %s", f.Check, f.Detail))
	}
	if rep.Broken != nil {
		problems = append(problems, fmt.Sprintf("audit chain BROKEN at entry #%d: %s (%d entries read; entries before #%d verify)",
			rep.Broken.Seq, rep.Broken.Reason, rep.Entries, rep.Broken.Seq))
	}
	if rep.Expect != nil {
		problems = append(problems, "expected head NOT FOUND: "+rep.Expect.Reason)
	}
	for _, t := range rep.Tampered {
		problems = append(problems, "record "+t.String())
	}
	if rep.TamperedTotal > int64(len(rep.Tampered)) {
		problems = append(problems, fmt.Sprintf("… %d record findings in all", rep.TamperedTotal))
	}
	if len(problems) > 0 {
		for _, p := range problems[:len(problems)-1] {
			fmt.Fprintln(e.stderr, p)
		}
		return &exitError{code: exitAuditBroken, err: fmt.Errorf("%s\nTAMPERING OR DAMAGE FOUND: keep this file and its .keys file unchanged as evidence, restore both from a backup, and verify the restored copy", problems[len(problems)-1])}
	}
	what := "chain, payloads, pages, b-trees and " + fmt.Sprint(rep.Records) + " sealed records"
	if rep.Quick {
		what = "chain, payloads and pages (--quick: records and b-trees not checked)"
	}
	fmt.Fprintf(e.stdout, "audit chain intact: %d entries, head %s\nchecked: %s\n", rep.Entries, rep.Head, what)
	if rep.Erased > 0 {
		fmt.Fprintf(e.stdout, "%d entries had their personal-data payload erased by destruction acts (their digests still verify the chain)\n", rep.Erased)
	}
	if *expect != "" {
		fmt.Fprintf(e.stdout, "expected head %s is in the chain\n", strings.TrimSpace(*expect))
	}
	return nil
}
