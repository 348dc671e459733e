package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/mutecomm/go-sqlcipher/v4" // the raw driver, for the tampering test

	"legco.kz/compliance/store"
	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/keyslot"
)

// TestMain lets tests run this test binary as the real CLI (a subprocess
// that can be killed), without a separate build.
func TestMain(m *testing.M) {
	if os.Getenv("LEGCO_TEST_AS_CLI") == "1" {
		main()
		return
	}
	// The CLI's production Argon2id cost is tested by the store benchmarks;
	// here slots are cheap so the suite stays fast.
	keyslot.DefaultParams = keyslot.TestParams
	// Subprocesses (the real CLI and app) inherit this: they must never
	// write the real user's config folder.
	cfg, err := os.MkdirTemp("", "legco-test-config-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CONFIG_HOME", cfg)
	os.Setenv("LEGCO_CONFIG_DIR", "")
	code := m.Run()
	os.RemoveAll(cfg)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// cli runs a command in-process with the given environment.
func cli(t *testing.T, envv map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, stdin: strings.NewReader(""), getenv: func(k string) string { return envv[k] }}
	code := run(context.Background(), e, args)
	return result{code, out.String(), errb.String()}
}

const pass = "correct horse battery"

func adminEnv() map[string]string {
	return map[string]string{"LEGCO_PASSPHRASE": pass, "LEGCO_STAFF": "admin"}
}

func hashes(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	m := map[string][32]byte{}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = sha256.Sum256(b)
	}
	return m
}

func TestInitStaffAndWrongPassphrase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ws.db")
	if r := cli(t, adminEnv(), "init", "--db", db, "--admin", "admin"); r.code != 0 {
		t.Fatalf("init: %+v", r)
	}
	env := adminEnv()
	env["LEGCO_NEW_PASSPHRASE"] = "Әсел құпия сөзі"
	if r := cli(t, env, "staff", "add", "--db", db, "--name", "Әсел", "--role", "auditor"); r.code != 0 {
		t.Fatalf("staff add: %+v", r)
	}
	if r := cli(t, adminEnv(), "staff", "add", "--db", db, "--name", "x", "--role", "boss"); r.code != exitUsage {
		t.Fatalf("bad role: %+v", r)
	}
	r := cli(t, adminEnv(), "staff", "list", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "Әсел") || !strings.Contains(r.stdout, "auditor") {
		t.Fatalf("staff list: %+v", r)
	}
	before := hashes(t, dir)
	for _, env := range []map[string]string{
		{"LEGCO_PASSPHRASE": "wrong horse", "LEGCO_STAFF": "admin"},
		{"LEGCO_PASSPHRASE": pass, "LEGCO_STAFF": "nobody"},
	} {
		r := cli(t, env, "staff", "list", "--db", db)
		if r.code != exitCredentials || !strings.Contains(r.stderr, "wrong staff name or passphrase") {
			t.Fatalf("bad credentials: %+v", r)
		}
	}
	after := hashes(t, dir)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed after a failed unlock", k)
		}
	}
	if len(after) != len(before) {
		t.Errorf("files appeared or vanished: %d → %d", len(before), len(after))
	}
	// An auditor cannot enrol anyone.
	aud := map[string]string{"LEGCO_PASSPHRASE": "Әсел құпия сөзі", "LEGCO_STAFF": "Әсел", "LEGCO_NEW_PASSPHRASE": "whatever123"}
	if r := cli(t, aud, "staff", "add", "--db", db, "--name", "y", "--role", "admin"); r.code != exitFailure || !strings.Contains(r.stderr, "may not") {
		t.Fatalf("auditor staff add: %+v", r)
	}
	if r := cli(t, adminEnv(), "staff", "list"); r.code != exitUsage {
		t.Fatalf("missing --db: %+v", r)
	}
}

func TestAuditVerifyNamesTamperedEntry(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ws.db")
	if r := cli(t, adminEnv(), "demo", "--db", db, "--users", "50"); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	if r := cli(t, adminEnv(), "audit", "verify", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "intact") {
		t.Fatalf("verify: %+v", r)
	}
	// Someone holding the key alters entry 3 with raw SQL, behind the
	// program's back: the key from the slot, the driver directly.
	slots, err := keyslot.Load(keyslot.Path(db))
	if err != nil {
		t.Fatal(err)
	}
	u, err := slots.Unlock("admin", []byte(pass))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", "file:"+db+"?_pragma_key="+url.QueryEscape("x'"+hex.EncodeToString(u.Key)+"'"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DROP TRIGGER audit_log_no_update; UPDATE audit_log SET reason = 'rewritten' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	r := cli(t, adminEnv(), "audit", "verify", "--db", db)
	if r.code != exitAuditBroken || !strings.Contains(r.stderr, "entry #3") {
		t.Fatalf("tampered verify: %+v", r)
	}
}

func TestDemoLeavesNoPlaintext(t *testing.T) {
	dir := t.TempDir()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	db := filepath.Join(dir, "demo.db")
	if r := cli(t, adminEnv(), "demo", "--db", db, "--users", "1000", "--seed", "3"); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	var files [][]byte
	for _, f := range []string{db, db + "-wal", db + "-shm", db + ".keys"} {
		if b, err := os.ReadFile(f); err == nil {
			files = append(files, b)
		}
	}
	filepath.Walk(tmp, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			files = append(files, b)
		}
		return nil
	})
	g := demo.New(3)
	checked := 0
	for i := 0; i < 1000; i++ {
		u := g.User(i)
		for _, v := range []string{u.FullName, u.IIN, u.Phone, strings.TrimPrefix(u.Phone, "+"), u.Email} {
			if len(v) < 6 {
				continue
			}
			checked++
			for _, b := range files {
				if bytes.Contains(b, []byte(v)) {
					t.Fatalf("user %d: %q appears in plain bytes", i, v)
				}
			}
		}
	}
	if checked < 3000 {
		t.Fatalf("only %d values checked", checked)
	}
}

func TestSIGKILLDuringDemoLeavesUsableWorkspace(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	db := filepath.Join(t.TempDir(), "big.db")
	cmd := exec.Command(os.Args[0], "demo", "--db", db, "--users", "100000")
	cmd.Env = append(os.Environ(), "LEGCO_TEST_AS_CLI=1", "LEGCO_PASSPHRASE="+pass)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill in the middle of the user chunks: once checkpoints have grown
	// the database past 12 MiB, at least one chunk of 20,000 users has
	// committed and the next is being written.
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		if st, err := os.Stat(db); err == nil && st.Size() > 12<<20 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if err == nil {
		t.Fatalf("demo finished before the kill; make it larger (stderr %s)", errb.String())
	}
	ctx := context.Background()
	w, err := store.Open(ctx, db, "admin", []byte(pass), store.Options{})
	if err != nil {
		t.Fatalf("open after kill: %v", err)
	}
	defer w.Close()
	if probs, err := w.IntegrityCheck(ctx); err != nil || len(probs) > 0 {
		t.Fatalf("integrity_check: %v %v", probs, err)
	}
	rep, err := w.VerifyAudit(ctx, "", nil)
	if err != nil || rep.Broken != nil {
		t.Fatalf("audit after kill: %v %v", rep.Broken, err)
	}
	n, _ := w.CountUsers(ctx, store.UserFilter{})
	t.Logf("killed with %d users committed, %d audit entries", n, rep.Entries)
	// Chunks end after 20,000 users or about a second of work: the users
	// kept are exactly those of the chunks whose audit entries committed.
	es, err := w.AuditEntries(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	committed := 0
	for _, e := range es {
		if e.Action == "import.demo" {
			var d struct{ New int }
			json.Unmarshal([]byte(e.Details), &d)
			committed += d.New
		}
	}
	if n == 0 || n != committed || n == 100000 {
		t.Fatalf("%d users after the kill, %d in committed chunks: want whole chunks, fewer than all", n, committed)
	}
	if r := cli(t, adminEnv(), "audit", "verify", "--db", db); r.code != 0 {
		t.Fatalf("audit verify CLI: %+v", r)
	}
}

func TestPolicyCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ws.db")
	cli(t, adminEnv(), "init", "--db", db, "--admin", "admin")
	r := cli(t, adminEnv(), "policy", "import", "--db", db, "--file", "../../assets/policy/legco-privacy-policy.ru-kk.txt")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "1" {
		t.Fatalf("import: %+v", r)
	}
	r = cli(t, adminEnv(), "policy", "check", "--db", db, "--edition", "1")
	if r.code != exitPolicyCheck || !strings.Contains(r.stdout, "1.6") {
		t.Fatalf("check: %+v", r)
	}
	if r := cli(t, adminEnv(), "policy", "publish", "--db", db, "--edition", "1", "--updated", "2021-03-01"); r.code != 0 {
		t.Fatalf("publish: %+v", r)
	}
	if r := cli(t, adminEnv(), "policy", "publish", "--db", db, "--edition", "1", "--updated", "2021-03-01"); r.code == 0 {
		t.Fatalf("second publish accepted: %+v", r)
	}
	if r := cli(t, adminEnv(), "policy", "new-draft", "--db", db, "--reason", "2026"); r.code != 0 || strings.TrimSpace(r.stdout) != "2" {
		t.Fatalf("new-draft: %+v", r)
	}
	r = cli(t, adminEnv(), "policy", "diff", "--db", db, "--from", "1", "--to", "2")
	if r.code != 0 || !strings.Contains(r.stdout, "same text") {
		t.Fatalf("diff of a copy: %+v", r)
	}
	for _, lang := range []string{"ru", "kk", "ru+kk"} {
		out := filepath.Join(dir, "privacy-"+lang+".pdf")
		if r := cli(t, adminEnv(), "policy", "pdf", "--db", db, "--edition", "1", "--lang", lang, "--out", out); r.code != 0 {
			t.Fatalf("pdf %s: %+v", lang, r)
		}
		first, _ := os.ReadFile(out)
		cli(t, adminEnv(), "policy", "pdf", "--db", db, "--edition", "1", "--lang", lang, "--out", out)
		second, _ := os.ReadFile(out)
		if !bytes.HasPrefix(first, []byte("%PDF")) || !bytes.Equal(first, second) {
			t.Fatalf("pdf %s: not a PDF or not byte-identical across runs", lang)
		}
	}
	r = cli(t, adminEnv(), "policy", "list", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "published") || !strings.Contains(r.stdout, "draft") {
		t.Fatalf("list: %+v", r)
	}
}

func TestImportAndUserOperations(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ws.db")
	cli(t, adminEnv(), "init", "--db", db, "--admin", "admin")
	src, _ := os.ReadFile("../../store/exportfile/testdata/users.csv")
	users := filepath.Join(dir, "users.csv")
	os.WriteFile(users, src, 0o600)
	r := cli(t, adminEnv(), "import", "users", "--db", db, "--file", users)
	if r.code != exitRejectedRow || !strings.Contains(r.stdout, "line 5") || !strings.Contains(r.stderr, "errors.csv") {
		t.Fatalf("import: %+v", r)
	}
	rep, err := os.ReadFile(users + ".errors.csv")
	if err != nil || !strings.Contains(string(rep), "users.csv,5,iin,") {
		t.Fatalf("error report: %v %q", err, rep)
	}
	r = cli(t, adminEnv(), "import", "users", "--db", db, "--file", users)
	if !strings.Contains(r.stdout, "0 new, 0 updated") {
		t.Fatalf("re-import: %+v", r)
	}
	r = cli(t, adminEnv(), "users", "search", "--db", db, "әлібеков")
	if r.code != 0 || !strings.Contains(r.stdout, "LC-000001") {
		t.Fatalf("search: %+v", r)
	}
	r = cli(t, adminEnv(), "users", "show", "--db", db, "LC-000001")
	if r.code != 0 || !strings.Contains(r.stdout, "1.1.1") || !strings.Contains(r.stdout, "870315348215") {
		t.Fatalf("show: %+v", r)
	}
	if r := cli(t, adminEnv(), "users", "block", "--db", db, "LC-000001"); r.code != exitUsage {
		t.Fatalf("block without reason: %+v", r)
	}
	if r := cli(t, adminEnv(), "users", "block", "--db", db, "LC-000001", "--reason", "disputed"); r.code != 0 {
		t.Fatalf("block: %+v", r)
	}
	act := filepath.Join(dir, "act.pdf")
	r = cli(t, adminEnv(), "users", "destroy", "--db", db, "LC-000002", "--reason", "user request", "--act", act)
	if r.code != 0 || !strings.Contains(r.stdout, "DA-") {
		t.Fatalf("destroy: %+v", r)
	}
	if b, err := os.ReadFile(act); err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("act: %v", err)
	}
	r = cli(t, adminEnv(), "users", "show", "--db", db, "LC-000002")
	if r.code == 0 || !strings.Contains(r.stderr, "under act DA-") {
		t.Fatalf("show destroyed: %+v", r)
	}
}
