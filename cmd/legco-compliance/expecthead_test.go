package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"legco.kz/compliance/store"
)

// --expect-head tells a typo (exit 2) from a log that lost entries or
// was rewritten (exit 4), and accepts the short form reports print.
func TestExpectHeadMessages(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ws.db")
	if r := cli(t, adminEnv(), "init", "--db", db, "--admin", "admin"); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	for i := 0; i < 3; i++ {
		if r := cli(t, adminEnv(), "settings", "timezone", "--db", db, []string{"Asia/Aqtobe", "Asia/Almaty", "Asia/Oral"}[i]); r.code != 0 {
			t.Fatalf("settings: %+v", r)
		}
	}
	w, err := store.Open(context.Background(), db, "admin", []byte(pass), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	head, _ := w.AuditHead(context.Background())
	w.Close()
	if head.Seq != 4 {
		t.Fatalf("head %v", head)
	}
	cases := []struct {
		head  string
		code  int
		wants []string
	}{
		{head.Short(), 0, []string{"intact"}},
		{head.String(), 0, []string{"intact"}},
		{head.Hash, 0, []string{"intact"}},
		{"#4 " + head.Hash[:16] + "...", 0, []string{"intact"}},
		{"#4 " + head.Hash[:12], exitUsage, []string{"only 12 hex digits"}},
		{head.Hash[:20], exitUsage, []string{"no entry number"}},
		{"#4 " + strings.Repeat("z", 16), exitUsage, []string{"not hexadecimal"}},
		{"#four " + head.Hash[:16], exitUsage, []string{"not an entry number"}},
		{"#11 0000000000000000", exitAuditBroken, []string{"the log has 4 entries; entries were removed, or the head belongs to another workspace"}},
		{"#3 0000000000000000", exitAuditBroken, []string{"entry #3 exists", "mistyped", "rewritten from entry #3"}},
	}
	for _, c := range cases {
		r := cli(t, adminEnv(), "audit", "verify", "--quick", "--db", db, "--expect-head", c.head)
		if r.code != c.code {
			t.Errorf("--expect-head %q: exit %d, want %d\n%s%s", c.head, r.code, c.code, r.stdout, r.stderr)
			continue
		}
		for _, want := range c.wants {
			if !strings.Contains(r.stdout+r.stderr, want) {
				t.Errorf("--expect-head %q: no %q in\n%s%s", c.head, want, r.stdout, r.stderr)
			}
		}
		if c.code == exitAuditBroken && strings.Contains(r.stderr, "#12") {
			t.Errorf("--expect-head %q names an entry that does not exist: %s", c.head, r.stderr)
		}
	}
}
