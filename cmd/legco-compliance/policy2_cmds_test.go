package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestPolicyCheckGlossaryNotice(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ws.db")
	cli(t, adminEnv(), "init", "--db", db, "--admin", "admin")
	cli(t, adminEnv(), "policy", "import", "--db", db, "--file", "../../assets/policy/legco-privacy-policy.ru-kk.txt")
	r := cli(t, adminEnv(), "policy", "check", "--db", db, "--edition", "1")
	if r.code != exitPolicyCheck {
		t.Fatalf("check: %+v", r)
	}
	for _, want := range []string{
		"error 1.6 [kk] missing-translation: ",
		"warning 1.4[9] [kk] term-mismatch: «обезличивание» (depersonalization) has none of its accepted Kazakh forms",
		"warning 2.2.5 [kk] term-mismatch: ",
		"warning 2.2.6 [kk] term-mismatch: ",
		"warning ¶2 [kk] doc-type: ",
		"warning 3.2.5 [kk] doubled-word: ",
		"warning 1.4[10] [kk] kazakh-letter: «окшаулау» is written with a Russian letter: «оқшаулау»",
		"warning 2.2.6 [kk] layout-hyphen: ", "warning 6.1 [kk] layout-hyphen: «редакция-сына»", "warning 6.1 [kk] layout-hyphen: «жария-ланған»",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("check lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if !strings.HasPrefix(line, "error ") && !strings.HasPrefix(line, "warning ") {
			t.Errorf("not a finding line: %q", line)
		}
		for _, never := range []string{"«кез-келген»", "«веб-қызмет»", "«LegCo»", "«K&T", "«Partners»"} {
			if strings.Contains(line, never) {
				t.Errorf("finding on %s: %s", never, line)
			}
		}
	}
	r = cli(t, adminEnv(), "policy", "check", "--db", db, "--edition", "1", "--min-severity", "error")
	if r.code != exitPolicyCheck || strings.Contains(r.stdout, "warning") || !strings.Contains(r.stdout, "1.6") {
		t.Fatalf("--min-severity error: %+v", r)
	}
	r = cli(t, adminEnv(), "policy", "check", "--db", db, "--edition", "1", "--format", "json")
	var fs []findingJSON
	if err := json.Unmarshal([]byte(r.stdout), &fs); err != nil || r.code != exitPolicyCheck {
		t.Fatalf("json: %v %+v", err, r)
	}
	fixes := 0
	for _, f := range fs {
		if f.Fix != nil {
			fixes++
		}
	}
	if fixes < 9 {
		t.Errorf("%d findings with a fix in JSON, want at least 9", fixes)
	}
	if r := cli(t, adminEnv(), "policy", "check", "--db", db, "--edition", "1", "--min-severity", "info"); r.code != exitUsage {
		t.Errorf("--min-severity info: %+v", r)
	}
	// Glossary edits.
	r = cli(t, adminEnv(), "policy", "glossary", "list", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "depersonalization") || !strings.Contains(r.stdout, "иесіздендіру") {
		t.Fatalf("glossary list: %+v", r)
	}
	if r := cli(t, adminEnv(), "policy", "glossary", "add", "--db", db, "--id", "targeting", "--kind", "policy", "--ru", "таргетирование", "--kk", "таргеттеу|шектеу", "--reason", "accept"); r.code != 0 {
		t.Fatalf("glossary add: %+v", r)
	}
	r = cli(t, adminEnv(), "policy", "check", "--db", db, "--edition", "1")
	if strings.Contains(r.stdout, "2.2.5 [kk] term-mismatch") {
		t.Errorf("2.2.5 still reported after «шектеу» was accepted in the glossary")
	}
	if r := cli(t, adminEnv(), "policy", "glossary", "remove", "--db", db, "--id", "no-such"); r.code == 0 {
		t.Errorf("remove of an unknown entry: %+v", r)
	}
	// Notice between the published seed and a draft.
	cli(t, adminEnv(), "policy", "publish", "--db", db, "--edition", "1", "--updated", "2021-03-01")
	cli(t, adminEnv(), "policy", "new-draft", "--db", db)
	if r := cli(t, adminEnv(), "policy", "reconsent", "--db", db, "--edition", "2", "--needed", "yes", "--reason", "r"); r.code != 0 {
		t.Fatalf("reconsent: %+v", r)
	}
	r = cli(t, adminEnv(), "policy", "fix", "--db", db, "--edition", "2", "--kind", "layout-hyphen")
	if r.code != 0 || !strings.Contains(r.stdout, "3 corrections applied") {
		t.Fatalf("fix: %+v", r)
	}
	for _, lang := range []string{"ru", "kk", "ru+kk"} {
		out := filepath.Join(dir, "notice-"+lang+".pdf")
		txt := filepath.Join(dir, "notice-"+lang+".txt")
		r := cli(t, adminEnv(), "policy", "notice", "--db", db, "--from", "1", "--to", "2", "--lang", lang, "--out", out, "--text", txt)
		if r.code != 0 {
			t.Fatalf("notice %s: %+v", lang, r)
		}
		b, _ := os.ReadFile(out)
		if !strings.HasPrefix(string(b), "%PDF") {
			t.Fatalf("notice %s: not a PDF", lang)
		}
		tb, _ := os.ReadFile(txt)
		if lang == "kk" && (!strings.Contains(string(tb), "Бұрын:") || !strings.Contains(string(tb), "жарияланған")) {
			t.Errorf("notice lacks the old and new wording:\n%s", tb)
		}
		if _, err := exec.LookPath("qpdf"); err == nil {
			if out, err := exec.Command("qpdf", "--check", out).CombinedOutput(); err != nil {
				t.Errorf("qpdf: %v %s", err, out)
			}
		}
	}
	if r := cli(t, adminEnv(), "policy", "notice", "--db", db, "--from", "1", "--to", "2", "--lang", "en", "--out", "x.pdf"); r.code != exitUsage {
		t.Errorf("--lang en: %+v", r)
	}
}
