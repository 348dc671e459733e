package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"legco.kz/compliance/store/keyslot"
)

// Upgrade fixtures: testdata/upgrade/vN holds a small workspace written
// by the code of a commit whose schema version was N (made in a temporary
// `git worktree` of that commit; see README part docs/readme/i15-package.md):
// admin and "Ұлжан Әлібекова" (compliance), passphrase fixturePass,
// auto-lock 20 minutes; from v2 users; from v3 a published policy edition.
// A release that adds a migration adds the fixture of the version before
// it (TestWriteUpgradeFixture writes one for the current version).
const fixturePass = "legco-fixture-2026"

func upgradeFixtures(t *testing.T) map[int]string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("testdata", "upgrade", "v*"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]string{}
	for _, d := range dirs {
		v, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(d), "v"))
		if err != nil {
			t.Fatalf("upgrade fixture %s: want a folder named vN", d)
		}
		out[v] = d
	}
	return out
}

// copyWorkspace copies a workspace's database and key file into a new
// temporary folder (whose name has Cyrillic letters and a space, as staff
// folders do) and returns the new database path.
func copyWorkspace(t *testing.T, dir string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "Рабочая папка")
	if err := os.MkdirAll(dst, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"workspace.db", "workspace.db.keys"} {
		in, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.OpenFile(filepath.Join(dst, name), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, in); err != nil {
			t.Fatal(err)
		}
		in.Close()
		out.Close()
	}
	return filepath.Join(dst, "workspace.db")
}

// rawSchemaVersion reads schema_migrations without migrating.
func rawSchemaVersion(t *testing.T, path, staff, pass string) int {
	t.Helper()
	slots, err := keyslot.Load(keyslot.Path(path))
	if err != nil {
		t.Fatal(err)
	}
	u, err := slots.Unlock(staff, []byte(pass))
	if err != nil {
		t.Fatal(err)
	}
	db, err := openDB(path, u.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow(`SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestUpgradeFromEveryEarlierSchemaVersion(t *testing.T) {
	ctx := context.Background()
	fx := upgradeFixtures(t)
	var versions []int
	for v := range fx {
		versions = append(versions, v)
	}
	sort.Ints(versions)
	// One fixture per released schema version from 0001 on: 1–4 were
	// released before this test existed, 11 by the next release (5–10
	// never left a development branch).
	for _, v := range []int{1, 2, 3, 4, 11} {
		if fx[v] == "" {
			t.Fatalf("no upgrade fixture for schema version %d", v)
		}
	}
	for _, v := range versions {
		t.Run(fmt.Sprintf("v%d", v), func(t *testing.T) {
			path := copyWorkspace(t, fx[v])
			if got := rawSchemaVersion(t, path, "admin", fixturePass); got != v {
				t.Fatalf("fixture v%d has schema version %d", v, got)
			}
			opts := testOpts
			var upgrades [][2]int
			opts.Upgrading = func(from, to int) { upgrades = append(upgrades, [2]int{from, to}) }
			w, err := Open(ctx, path, "admin", []byte(fixturePass), opts)
			if err != nil {
				t.Fatalf("open a v%d workspace: %v", v, err)
			}
			defer w.Close()
			// The unlock screen is told before the migrations run.
			if len(upgrades) != 1 || upgrades[0] != [2]int{v, SchemaVersion()} {
				t.Errorf("Upgrading called with %v, want once with %d → %d", upgrades, v, SchemaVersion())
			}
			if got := rawSchemaVersion(t, path, "admin", fixturePass); got != SchemaVersion() {
				t.Fatalf("after open: schema version %d, want %d", got, SchemaVersion())
			}
			rep, err := w.VerifyAudit(ctx, "", nil)
			if err != nil || rep.Broken != nil || rep.Entries < 3 {
				t.Fatalf("audit after upgrade: %+v, %v", rep, err)
			}
			if bad, err := w.IntegrityCheck(ctx); err != nil || len(bad) > 0 {
				t.Fatalf("integrity after upgrade: %v %v", bad, err)
			}
			s, err := w.Settings(ctx)
			if err != nil || s.AutoLock != 20*time.Minute {
				t.Fatalf("settings after upgrade: %+v %v", s, err)
			}
			staff, err := w.ListStaff(ctx, false)
			if err != nil || len(staff) != 2 {
				t.Fatalf("staff after upgrade: %+v %v", staff, err)
			}
			if v >= 2 {
				n, err := w.CountUsers(ctx, UserFilter{})
				if err != nil || n == 0 {
					t.Fatalf("users after upgrade: %d %v", n, err)
				}
				ids, err := w.UserIDs(ctx, UserFilter{})
				if err != nil || len(ids) == 0 {
					t.Fatalf("user ids: %v %v", ids, err)
				}
				us, err := w.UsersByID(ctx, ids[:1])
				if err != nil || len(us) != 1 {
					t.Fatalf("user: %v %v", us, err)
				}
				// The search index (rebuilt by migration 0004 for older
				// workspaces) finds the user by IIN and by surname.
				surname := strings.Fields(us[0].FullName)[0]
				for _, q := range []string{us[0].IIN, surname} {
					if q == "" {
						continue
					}
					found, err := w.SearchUsers(ctx, q, 50)
					if err != nil {
						t.Fatal(err)
					}
					ok := false
					for _, f := range found {
						ok = ok || f.AccountID == us[0].AccountID
					}
					if !ok {
						t.Errorf("search %q after upgrade does not find %s", q, us[0].AccountID)
					}
				}
			}
			if v >= 3 {
				eds, err := w.PolicyEditions(ctx)
				if err != nil || len(eds) != 1 || eds[0].Status != EditionPublished {
					t.Fatalf("policy editions after upgrade: %+v %v", eds, err)
				}
			}
			if v >= 11 {
				ids, err := w.UserIDs(ctx, UserFilter{})
				if err != nil || len(ids) == 0 {
					t.Fatalf("user ids: %v %v", ids, err)
				}
				us, err := w.UsersByID(ctx, ids[:1])
				if err != nil {
					t.Fatal(err)
				}
				st, err := w.ConsentStates(ctx, us[0].AccountID, time.Time{})
				if err != nil || !hasGiven(st, "sms_third_party") {
					t.Fatalf("consent after upgrade: %+v %v", st, err)
				}
				rs, err := w.ListRequests(ctx, RequestFilter{})
				if err != nil || len(rs) != 1 {
					t.Fatalf("requests after upgrade: %+v %v", rs, err)
				}
			}
			if v >= 13 {
				// The imported history keeps each event's evidence.
				us, err := w.UsersByID(ctx, []int64{1})
				if err != nil || len(us) != 1 {
					t.Fatalf("user 1: %v %v", us, err)
				}
				h, err := w.ConsentHistory(ctx, us[0].AccountID)
				if err != nil || len(h) < 2 {
					t.Fatalf("consent history after upgrade: %+v %v", h, err)
				}
				withUA := 0
				for _, e := range h {
					if e.UserAgent != "" && e.IP != "" {
						withUA++
					}
				}
				if withUA == 0 {
					t.Fatalf("no event with its IP and user agent after upgrade: %+v", h)
				}
				// Migration 0014 counted each user agent's events.
				var uas, wrong int
				if err := w.db.QueryRow(`SELECT count(*), coalesce(sum(n <> (SELECT count(*) FROM consent_events e WHERE e.user_agent_id = a.id)), 0)
					FROM consent_user_agents a`).Scan(&uas, &wrong); err != nil || uas == 0 || wrong != 0 {
					t.Fatalf("user agents after upgrade: %d stored, %d miscounted, %v", uas, wrong, err)
				}
			}
			// The records as the fixture left them verify against the log,
			// including sealers this build has and the fixture's did not.
			if full, err := w.Verify(ctx, VerifyOptions{}); err != nil || !full.OK() {
				t.Fatalf("audit verify after upgrade: %v %+v %+v %+v", err, full.Broken, full.Integrity, full.Tampered)
			}
			// The second member still unlocks with their own slot, with
			// nothing left to upgrade.
			upgrades = nil
			w2, err := Open(ctx, path, "Ұлжан Әлібекова", []byte(fixturePass), opts)
			if err != nil {
				t.Fatalf("second member after upgrade: %v", err)
			}
			w2.Close()
			if len(upgrades) != 0 {
				t.Errorf("an upgraded workspace upgrades again: %v", upgrades)
			}
		})
	}
}

// A workspace written by a newer build is refused, naming both versions,
// and no file changes.
func TestNewerWorkspaceRefusedUnchanged(t *testing.T) {
	ctx := context.Background()
	w, path := newWorkspace(t)
	newer := SchemaVersion() + 1
	if _, err := w.db.ExecContext(ctx, `INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, 'from_the_future', '2030-01-01T00:00:00Z')`, newer); err != nil {
		t.Fatal(err)
	}
	w.Close()
	before := fileHashes(t, filepath.Dir(path))
	_, err := Open(ctx, path, "Админ", []byte("correct horse"), testOpts)
	if err == nil {
		t.Fatal("a newer workspace opened")
	}
	for _, want := range []string{strconv.Itoa(newer), strconv.Itoa(SchemaVersion()), "newer"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	after := fileHashes(t, filepath.Dir(path))
	if len(after) != len(before) {
		t.Fatalf("files: %d before, %d after", len(before), len(after))
	}
	for name, h := range before {
		if after[name] != h {
			t.Errorf("%s changed when the newer workspace was refused", name)
		}
	}
}

// TestWriteUpgradeFixture writes testdata/upgrade/vN for the current
// schema version N when LEGCO_WRITE_UPGRADE_FIXTURE=1: run it on the
// last commit before a new migration, then commit the folder.
func TestWriteUpgradeFixture(t *testing.T) {
	if os.Getenv("LEGCO_WRITE_UPGRADE_FIXTURE") != "1" {
		t.Skip("set LEGCO_WRITE_UPGRADE_FIXTURE=1 to write a fixture")
	}
	ctx := context.Background()
	dir := filepath.Join("testdata", "upgrade", fmt.Sprintf("v%d", SchemaVersion()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "workspace.db")
	w, err := Create(ctx, path, "admin", []byte(fixturePass), Options{KDF: keyslot.TestParams})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.AddStaff(ctx, "Ұлжан Әлібекова", RoleCompliance, []byte(fixturePass), keyslot.TestParams); err != nil {
		t.Fatal(err)
	}
	if err := w.SetAutoLock(ctx, 20*time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := w.LoadDemo(ctx, 12, 3, nil); err != nil {
		t.Fatal(err)
	}
	ed, err := w.ImportBuiltinPolicy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	if _, err := w.PublishPolicy(ctx, ed.Number, d, d, "fixture"); err != nil {
		t.Fatal(err)
	}
	// From v11 (the first released build with consents and requests): a
	// paper consent and an access request, so their upgrades are tested
	// with data (the request sealer, for one, came after v11).
	ids, err := w.UserIDs(ctx, UserFilter{})
	if err != nil || len(ids) == 0 {
		t.Fatalf("fixture users: %v %v", ids, err)
	}
	us, err := w.UsersByID(ctx, ids[:1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.RecordConsent(ctx, ConsentRecord{AccountID: us[0].AccountID, Purpose: "sms_third_party", Event: ConsentGiven,
		DocumentRef: "заявление № 7", Reason: "қағаз түрінде келісім", At: d.AddDate(0, 1, 0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.CreateRequest(ctx, NewRequest{Kind: KindAccess, Accounts: []string{us[0].AccountID}, Reason: "субъектінің хаты"}); err != nil {
		t.Fatal(err)
	}
	// From v13: the users' imported consent history, with the IP and
	// user agent of each event (migration 0014 moved user agents to a
	// table of their own).
	if SchemaVersion() >= 13 {
		if _, err := w.LoadDemoConsents(ctx, 12, 3, []time.Time{d}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.db.ExecContext(ctx, "VACUUM"); err != nil {
		t.Fatal(err)
	}
}

func hasGiven(st []ConsentState, purpose string) bool {
	for _, s := range st {
		if s.Purpose == purpose && s.State == ConsentGiven {
			return true
		}
	}
	return false
}
