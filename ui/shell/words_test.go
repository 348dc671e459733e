package shell_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/auditlog"
	"legco.kz/compliance/ui/i18n"
	"legco.kz/compliance/ui/internal/uitest"
	"legco.kz/compliance/ui/shell"
	"legco.kz/compliance/ui/staff"
)

// storeSources reads the store's Go files (tests excluded).
func storeSources(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("../../store/*.go")
	if err != nil || len(files) < 10 {
		t.Fatalf("store sources: %v (%d files)", err, len(files))
	}
	out := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = string(b)
	}
	return out
}

var (
	actionCode = regexp.MustCompile(`"((?:user|staff|policy|import|settings|workspace|consent|request|audit|register|report|act|demo)\.[a-z_-]+(?:\.[a-z_-]+)?)"`)
	permLine   = regexp.MustCompile(`Permission\s*=`)
)

// auditActions finds every audit action the store writes: dotted codes
// in its sources, the role permissions (same shape) left out.
func auditActions(t *testing.T) []string {
	var out []string
	for f, src := range storeSources(t) {
		for _, line := range strings.Split(src, "\n") {
			if permLine.MatchString(line) || strings.Contains(line, "Perm") && !strings.Contains(line, "Action") {
				continue
			}
			for _, m := range actionCode.FindAllStringSubmatch(line, -1) {
				_ = f
				out = append(out, m[1])
			}
		}
	}
	// consents.go writes "consent." + the event kind.
	for _, k := range []store.ConsentEventKind{store.ConsentGiven, store.ConsentWithdrawn, store.ConsentExpired} {
		out = append(out, "consent."+string(k))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestEveryAuditActionHasWords(t *testing.T) {
	actions := auditActions(t)
	for _, want := range []string{"user.destroy", "policy.publish", "import.demo", "staff.reenrol", "settings.timezone",
		"policy.glossary.put", "act.export", "demo.requests"} {
		if !slices.Contains(actions, want) {
			t.Fatalf("the scan of store/ missed %s (found %v)", want, actions)
		}
	}
	for _, l := range []string{i18n.Russian, i18n.Kazakh, i18n.English} {
		if _, err := i18n.Load(l); err != nil {
			t.Fatal(err)
		}
		seen := map[string]string{}
		for _, a := range actions {
			w := shell.ActionWord(a)
			if w == a || strings.Contains(w, ".") || w == "" {
				t.Errorf("%s: audit action %s has no words (shown %q): add it to shell.ActionWord and assets/i18n/screens", l, a, w)
			}
			if other, dup := seen[w]; dup {
				t.Errorf("%s: actions %s and %s both read %q", l, other, a, w)
			}
			seen[w] = a
		}
	}
	i18n.Load(i18n.Russian)
}

var detailsKey = regexp.MustCompile(`"([a-z][a-z0-9_]*)":`)

// TestEveryDetailsKeyHasALabel reads the keys of the details maps the
// store writes (map literals and c.Details["…"]) and the operator's keys.
func TestEveryDetailsKeyHasALabel(t *testing.T) {
	var keys []string
	detailsIndex := regexp.MustCompile(`(?:Details|details)\["([a-z0-9_]+)"\]`)
	operatorKey := regexp.MustCompile(`"operator\.([a-z_]+)"`)
	for _, src := range storeSources(t) {
		open := false // inside a details map literal spanning lines
		for _, line := range strings.Split(src, "\n") {
			if i := strings.Index(line, "map[string]any{"); i >= 0 && strings.Contains(strings.ToLower(line), "details") {
				open = !strings.Contains(line[i:], "}")
				for _, m := range detailsKey.FindAllStringSubmatch(line, -1) {
					keys = append(keys, m[1])
				}
			} else if open {
				open = !strings.Contains(line, "}")
				for _, m := range detailsKey.FindAllStringSubmatch(line, -1) {
					keys = append(keys, m[1])
				}
			}
			for _, m := range detailsIndex.FindAllStringSubmatch(line, -1) {
				keys = append(keys, m[1])
			}
			for _, m := range operatorKey.FindAllStringSubmatch(line, -1) {
				keys = append(keys, m[1])
			}
		}
	}
	keys = append(keys, "request") // store.WithRequest adds it to any change
	slices.Sort(keys)
	keys = slices.Compact(keys)
	for _, want := range []string{"act", "counts", "file_sha256", "rejected", "effective_on", "autolock_seconds", "name_kk", "full_name",
		"backup_created_at", "lost_entries", "replaced", "working_days", "public_sources"} {
		if !slices.Contains(keys, want) {
			t.Fatalf("the scan of store/ missed details key %s (found %v)", want, keys)
		}
	}
	for _, l := range []string{i18n.Russian, i18n.Kazakh, i18n.English} {
		i18n.Load(l)
		for _, k := range keys {
			if lbl := shell.DetailLabel(k); lbl == k || lbl == "" || strings.Contains(lbl, "Audit detail") {
				t.Errorf("%s: audit details key %q has no label", l, k)
			}
		}
	}
	i18n.Load(i18n.Russian)
}

func TestSystemReasonsAndStatuses(t *testing.T) {
	i18n.Load(i18n.Kazakh)
	defer i18n.Load(i18n.Russian)
	cases := map[string]string{
		"import of demo":                      "демо деректер жасалды",
		"import of users.csv":                 "users.csv файлын импорттау",
		"enrol staff member":                  "қызметкерді тіркеу",
		"passphrase changed by its owner":     shell.ActionWord("staff.passphrase"),
		"detected on open":                    "жұмыс кеңістігін ашқан кезде анықталды",
		"suggested correction: term.law":      "ұсынылған түзету (term.law)",
		"restore from backup":                 shell.ActionWord("workspace.restore"),
		"demo: new edition":                   "демо: жаңа редакция",
		"demo: withdrawal of the SMS consent": "демо: SMS келісімін кері қайтару",
		"the user asked":                      "the user asked", // typed by a person: as typed
	}
	for in, want := range cases {
		if got := shell.SystemReason(in); got != want {
			t.Errorf("SystemReason(%q) = %q, want %q", in, got, want)
		}
	}
	if got := shell.StatusWord("active"); got == "active" || got == "" {
		t.Errorf("StatusWord(active) = %q in Kazakh", got)
	}
	got := shell.DetailsText(`{"field":"phone","source":"import","complete":true}`)
	for _, want := range []string{"Өріс", "импорт", "иә"} {
		if !strings.Contains(got, want) {
			t.Errorf("DetailsText = %q, want it to hold %q", got, want)
		}
	}
	if strings.ContainsAny(got, "{}\"") {
		t.Errorf("DetailsText shows JSON: %q", got)
	}
}

// TestOneClock: a change made at 06:08 UTC reads 11:08 +05:00 (Asia/Almaty,
// the workspace's default zone) in the audit log's list and detail, the
// audit-entry dialog and the staff list.
func TestOneClock(t *testing.T) {
	at := time.Date(2026, 11, 28, 6, 8, 30, 0, time.UTC)
	ws := uitest.NewWorkspaceAt(t, at)
	loop := uitest.Install(t)
	test.NewTempApp(t)
	i18n.Load(i18n.Russian)
	w := ws.Open(t)
	win := test.NewTempWindow(t, nil)
	win.Resize(fyne.NewSize(1024, 700))
	env := shell.NewEnv(w, win, shell.Options{})
	t.Cleanup(func() { env.Stop(); env.Wait() })

	const want = "28.11.2026 11:08"
	if got := shell.FormatTime(env, at); got != "28.11.2026 11:08 +05:00" {
		t.Errorf("FormatTime = %q", got)
	}
	a := auditlog.NewScreen(env)
	win.SetContent(a)
	loop.Settle(t)
	a.List.Select(0)
	loop.Settle(t)
	if !uitest.HasText(win.Canvas(), want+":30 +05:00") || uitest.HasText(win.Canvas(), "+00:00") {
		t.Errorf("audit log does not show the change at %s +05:00: %q", want, uitest.Texts(win.Canvas()))
	}
	entries, err := w.AuditEntries(context.Background(), store.AuditFilter{Limit: 1})
	if err != nil || len(entries) != 1 {
		t.Fatal(err)
	}
	shell.ShowAuditEntry(env, entries[0])
	if !uitest.HasText(win.Canvas(), want+":30 +05:00") {
		t.Errorf("audit entry dialog: %q", uitest.Texts(win.Canvas()))
	}
	s := staff.NewScreen(env)
	win.SetContent(s)
	loop.Settle(t)
	if !uitest.HasText(win.Canvas(), want+" +05:00") {
		t.Errorf("staff list does not show the enrolment at %s +05:00: %q", want, uitest.Texts(win.Canvas()))
	}
	i18n.Load(i18n.English)
	if got := shell.FormatTime(env, at); got != "2026-11-28 11:08 +05:00" {
		t.Errorf("English FormatTime = %q", got)
	}
	i18n.Load(i18n.Russian)
}
