package demo

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/kz"
)

func TestDeterminism(t *testing.T) {
	g1, g2, other := New(42), New(42), New(43)
	idx := []int{0, 1, 2, 17, 999, 123456, 10_000_000, 500_000_000}
	// Generate in a different order (and concurrently) on g2.
	got := make([]exportfile.User, len(idx))
	var wg sync.WaitGroup
	for k := len(idx) - 1; k >= 0; k-- {
		wg.Add(1)
		go func(k int) { defer wg.Done(); got[k] = g2.User(idx[k]) }(k)
	}
	wg.Wait()
	differ := 0
	for k, i := range idx {
		u := g1.User(i)
		if !reflect.DeepEqual(u, got[k]) {
			t.Errorf("User(%d) differs between calls:\n%+v\n%+v", i, u, got[k])
		}
		if !reflect.DeepEqual(g1.AccessLog(u, i), g2.AccessLog(u, i)) {
			t.Errorf("AccessLog(%d) differs", i)
		}
		if !reflect.DeepEqual(g1.PublicData(u, i), g2.PublicData(u, i)) {
			t.Errorf("PublicData(%d) differs", i)
		}
		o := other.User(i)
		if o.AccountID != u.AccountID {
			t.Errorf("account id depends on seed")
		}
		if o.FullName != u.FullName || o.IIN != u.IIN {
			differ++
		}
	}
	if differ < len(idx)-1 {
		t.Errorf("seeds 42 and 43 give the same user for %d of %d indices", len(idx)-differ, len(idx))
	}
}

// TestGolden guards against accidental changes of the generated data:
// demos, screenshots and bug reports refer to users by seed and index.
// Update the table only for deliberate changes of the generator.
func TestGolden(t *testing.T) {
	want := []struct{ name, iin, phone, email string }{
		{"Абдирахманова Дана Габитовна", "730119407786", "+77479777733", "d.abdirakhmanova57411@yandex.ru"},
		{"Семёнова Ксения Петровна", "030203630535", "+77473926258", "kseniya_semenova777896@gmail.com"},
		{"Тилеуберди Магжан Женисович", "750822331430", "", "tileuberdi.magzhan48195@mail.ru"},
	}
	g := New(1)
	for i, w := range want {
		u := g.User(i)
		if u.AccountID != AccountID(i) || u.FullName != w.name || u.IIN != w.iin || u.Phone != w.phone || u.Email != w.email {
			t.Errorf("User(%d) = %q %q %q %q, want %+v", i, u.FullName, u.IIN, u.Phone, u.Email, w)
		}
	}
}

func TestUsersValid(t *testing.T) {
	g := New(7)
	const n = 20000
	iins, phones, emails := map[string]int{}, map[string]int{}, map[string]int{}
	var stats struct{ kazLetters, yo, entity, noEmail, noPhone, extra, kkAddr, ruAddr, public int }
	kazakh := "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
	for i := range n {
		u := g.User(i)
		if u.AccountID != AccountID(i) || u.FullName == "" {
			t.Fatalf("user %d: %+v", i, u)
		}
		if parts := strings.Fields(u.FullName); len(parts) < 2 || len(parts) > 3 {
			t.Fatalf("user %d: name %q", i, u.FullName)
		}
		if kz.NFC(u.FullName) != u.FullName || kz.NFC(u.Address) != u.Address || kz.NFC(u.EntityName) != u.EntityName {
			t.Fatalf("user %d: not NFC", i)
		}
		if u.IIN != "" {
			if err := kz.ValidateIIN(u.IIN); err != nil {
				t.Fatalf("user %d: IIN %s: %v", i, u.IIN, err)
			}
			bd, _ := kz.IINBirthDate(u.IIN)
			if u.BirthDate != "" && bd.Format(time.DateOnly) != u.BirthDate {
				t.Fatalf("user %d: IIN %s does not match birth date %s", i, u.IIN, u.BirthDate)
			}
			male, _ := kz.IINMale(u.IIN)
			if sexOfName(u.FullName) != 0 && (sexOfName(u.FullName) == 1) != male {
				t.Fatalf("user %d: IIN %s sex does not match name %q", i, u.IIN, u.FullName)
			}
			if age := u.RegisteredAt.Year() - bd.Year(); age < 17 || age > 90 {
				t.Fatalf("user %d: registered at age %d", i, age)
			}
			if j, dup := iins[u.IIN]; dup {
				t.Fatalf("users %d and %d share IIN %s", j, i, u.IIN)
			}
			iins[u.IIN] = i
		}
		if u.Phone == "" {
			stats.noPhone++
		} else {
			if p, err := kz.NormalizePhone(u.Phone); err != nil || p != u.Phone || !strings.HasPrefix(p, "+77") {
				t.Fatalf("user %d: phone %q: %v", i, u.Phone, err)
			}
			if j, dup := phones[u.Phone]; dup {
				t.Fatalf("users %d and %d share phone %s", j, i, u.Phone)
			}
			phones[u.Phone] = i
		}
		if u.Email == "" {
			stats.noEmail++
		} else {
			if e, err := kz.NormalizeEmail(u.Email); err != nil || e != u.Email {
				t.Fatalf("user %d: e-mail %q: %v", i, u.Email, err)
			}
			if j, dup := emails[u.Email]; dup {
				t.Fatalf("users %d and %d share e-mail %s", j, i, u.Email)
			}
			emails[u.Email] = i
		}
		if (u.EntityBIN == "") != (u.EntityName == "") {
			t.Fatalf("user %d: entity %q %q", i, u.EntityBIN, u.EntityName)
		}
		if u.EntityBIN != "" {
			stats.entity++
			if err := kz.ValidateBIN(u.EntityBIN); err != nil {
				t.Fatalf("user %d: BIN %s: %v", i, u.EntityBIN, err)
			}
			if !strings.Contains(u.EntityName, "«") {
				t.Fatalf("user %d: entity name %q", i, u.EntityName)
			}
		}
		if u.RegisteredAt.Before(RegisteredFrom) || !u.RegisteredAt.Before(RegisteredUntil) {
			t.Fatalf("user %d: registered_at %v", i, u.RegisteredAt)
		}
		if strings.ContainsAny(u.FullName, kazakh) {
			stats.kazLetters++
		}
		if strings.ContainsAny(u.FullName, "ёЁ") {
			stats.yo++
		}
		if len(u.Extra) > 0 {
			stats.extra++
			for _, f := range u.Extra {
				if f.Name != "position" && f.Name != "preferred_language" {
					t.Fatalf("user %d: extra %+v", i, f)
				}
			}
		}
		switch {
		case strings.Contains(u.Address, " қ., "):
			stats.kkAddr++
		case strings.Contains(u.Address, "г. "):
			stats.ruAddr++
		}
		if len(g.PublicData(u, i)) > 0 {
			stats.public++
		}
	}
	pct := func(k int) float64 { return 100 * float64(k) / n }
	checks := []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{"names with Kazakh letters", pct(stats.kazLetters), 30, 60},
		{"names with ё", pct(stats.yo), 3, 25},
		{"entity representatives", pct(stats.entity), 12, 18},
		{"without e-mail", pct(stats.noEmail), 10, 20},
		{"without phone", pct(stats.noPhone), 4, 10},
		{"with extra fields", pct(stats.extra), 25, 50},
		{"Kazakh-language addresses", pct(stats.kkAddr), 20, 45},
		{"Russian-language addresses", pct(stats.ruAddr), 45, 75},
		{"with public data", pct(stats.public), 20, 40},
	}
	for _, c := range checks {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s: %.1f%%, want %.0f–%.0f%%", c.name, c.got, c.lo, c.hi)
		}
	}
}

// sexOfName guesses the sex from the patronymic or surname ending:
// 1 male, 2 female, 0 unknown.
func sexOfName(name string) int {
	parts := strings.Fields(name)
	last := parts[len(parts)-1]
	for _, s := range []string{"ович", "евич", "ьич", "ұлы", "улы"} {
		if strings.HasSuffix(last, s) {
			return 1
		}
	}
	for _, s := range []string{"овна", "евна", "ьевна", "қызы", "кызы", "ична"} {
		if strings.HasSuffix(last, s) {
			return 2
		}
	}
	return 0
}

func TestAccessLog(t *testing.T) {
	g := New(3)
	const n = 5000
	total, maxN := 0, 0
	hist := map[string]int{}
	v6 := 0
	for i := range n {
		u := g.User(i)
		log := g.AccessLog(u, i)
		if len(log) > 20 {
			t.Fatalf("user %d: %d entries", i, len(log))
		}
		total += len(log)
		maxN = max(maxN, len(log))
		for k, a := range log {
			if a.AccountID != u.AccountID || a.Page == "" || a.UserAgent == "" || len(a.CookieID) < 32 {
				t.Fatalf("user %d: entry %+v", i, a)
			}
			if !a.Time.After(u.RegisteredAt) || a.Time.After(RegisteredUntil) || a.Time.Location() != time.UTC {
				t.Fatalf("user %d: time %v, registered %v", i, a.Time, u.RegisteredAt)
			}
			if k > 0 && a.Time.Before(log[k-1].Time) {
				t.Fatalf("user %d: entries out of order", i)
			}
			ip, err := netip.ParseAddr(a.IP)
			if err != nil || ip.String() != a.IP {
				t.Fatalf("user %d: IP %q", i, a.IP)
			}
			if ip.Is6() {
				v6++
			}
			switch {
			case strings.HasPrefix(a.UserAgent, "LegCo/"):
				hist["app"]++
			case strings.Contains(a.UserAgent, "Firefox/"):
				hist["firefox"]++
			case strings.Contains(a.UserAgent, "Chrome/"):
				hist["chrome"]++
			case strings.Contains(a.UserAgent, "Safari/"):
				hist["safari"]++
			}
			hist[strings.SplitN(a.Page[1:], "/", 2)[0]]++
		}
	}
	if avg := float64(total) / n; avg < 4.5 || avg > 5.5 {
		t.Errorf("average %.2f entries per user", avg)
	}
	if maxN < 12 {
		t.Errorf("max entries %d", maxN)
	}
	for _, k := range []string{"app", "firefox", "chrome", "safari", "deals", "counterparties", "profile", "docs", ""} {
		if hist[k] == 0 {
			t.Errorf("no %q entries", k)
		}
	}
	if v6 == 0 || v6 > total/4 {
		t.Errorf("%d IPv6 entries of %d", v6, total)
	}
}

func TestVersionsByDate(t *testing.T) {
	tests := []struct {
		t              time.Time
		chrome, apple  int
		firefoxAtLeast int
	}{
		{time.Date(2019, 2, 1, 0, 0, 0, 0, time.UTC), 72, 12, 65},
		{time.Date(2024, 11, 15, 0, 0, 0, 0, time.UTC), 131, 18, 131},
		{time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC), 141, 26, 140},
	}
	for _, tt := range tests {
		if c := chromeVersion(tt.t); c < tt.chrome-2 || c > tt.chrome+2 {
			t.Errorf("%v: Chrome %d, want about %d", tt.t, c, tt.chrome)
		}
		if a := appleVersion(tt.t); a != tt.apple {
			t.Errorf("%v: iOS %d, want %d", tt.t, a, tt.apple)
		}
		if f := firefoxVersion(tt.t); f < tt.firefoxAtLeast-3 || f > tt.firefoxAtLeast+5 {
			t.Errorf("%v: Firefox %d", tt.t, f)
		}
	}
}

func TestPublicData(t *testing.T) {
	g := New(5)
	for i := range 3000 {
		u := g.User(i)
		recs := g.PublicData(u, i)
		if u.EntityBIN != "" && (len(recs) == 0 || !strings.Contains(recs[0].Value, u.EntityBIN) || recs[0].Source != SourceLegalEntities) {
			t.Fatalf("user %d: entity records %+v", i, recs)
		}
		for _, r := range recs {
			if r.Field == "" || r.Value == "" || r.Source == "" || r.LegalBasis == "" || r.CollectedAt.Before(u.RegisteredAt) {
				t.Fatalf("user %d: record %+v", i, r)
			}
		}
	}
}

func TestPerm(t *testing.T) {
	for _, n := range []uint64{1, 2, 3, 10, 1000, 4097} {
		p := newPerm(99, n)
		seen := make([]bool, n)
		for x := range n {
			y := p.apply(x)
			if y >= n || seen[y] {
				t.Fatalf("n=%d: apply(%d) = %d repeats or is out of range", n, x, y)
			}
			seen[y] = true
		}
	}
}

func TestWriteExports(t *testing.T) {
	for _, format := range []exportfile.Format{exportfile.CSV, exportfile.JSONL} {
		dir := t.TempDir()
		const n = 3000
		var calls []int
		up, ap, err := New(11).WriteExports(dir, n, format, func(done int) { calls = append(calls, done) })
		if err != nil {
			t.Fatal(err)
		}
		if len(calls) == 0 || calls[len(calls)-1] != n {
			t.Errorf("progress calls %v", calls)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 2 {
			t.Errorf("%d files in dir (temporary files left?)", len(entries))
		}
		g := New(11)
		f, _ := os.Open(up)
		ur, err := exportfile.NewUserReader(f, up, format)
		if err != nil {
			t.Fatal(err)
		}
		users := 0
		for {
			u, err := ur.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%v: %v", format, err)
			}
			want := g.User(users)
			want.Line = u.Line
			if !u.RegisteredAt.Equal(want.RegisteredAt) {
				t.Fatalf("%v: user %d registered_at %v, want %v", format, users, u.RegisteredAt, want.RegisteredAt)
			}
			u.RegisteredAt, want.RegisteredAt = time.Time{}, time.Time{}
			if !reflect.DeepEqual(u, want) {
				t.Fatalf("%v: read back %+v\nwant %+v", format, u, want)
			}
			users++
		}
		f.Close()
		if users != n {
			t.Errorf("%v: %d users read back", format, users)
		}
		f, _ = os.Open(ap)
		ar, err := exportfile.NewAccessReader(f, ap, format)
		if err != nil {
			t.Fatal(err)
		}
		entries2 := 0
		for {
			_, err := ar.Next()
			if err == io.EOF {
				break
			}
			var re *exportfile.RowError
			if errors.As(err, &re) || err != nil {
				t.Fatalf("%v: %v", format, err)
			}
			entries2++
		}
		f.Close()
		if entries2 < 4*n || entries2 > 6*n {
			t.Errorf("%v: %d access entries", format, entries2)
		}
	}
	if _, _, err := New(1).WriteExports(t.TempDir(), 10, exportfile.Format(0), nil); err == nil {
		t.Error("invalid format accepted")
	}
	if _, _, err := New(1).WriteExports("/nonexistent/dir", 10, exportfile.CSV, nil); err == nil {
		t.Error("missing directory accepted")
	}
}

func BenchmarkUser(b *testing.B) {
	g := New(1)
	i := 0
	for b.Loop() {
		g.User(i)
		i++
	}
}

func BenchmarkUserWithAccessLog(b *testing.B) {
	g := New(1)
	i := 0
	for b.Loop() {
		g.AccessLog(g.User(i), i)
		i++
	}
}

func BenchmarkWriteExportsCSV(b *testing.B) {
	dir := b.TempDir()
	const n = 20000
	for b.Loop() {
		if _, _, err := New(1).WriteExports(dir, n, exportfile.CSV, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "users/s")
}

// BenchmarkReadExports measures importing a generated users file of
// 100,000 users with store/exportfile.
func BenchmarkReadExports(b *testing.B) {
	const n = 100000
	for _, format := range []exportfile.Format{exportfile.CSV, exportfile.JSONL} {
		b.Run(format.String(), func(b *testing.B) {
			up, _, err := New(1).WriteExports(b.TempDir(), n, format, nil)
			if err != nil {
				b.Fatal(err)
			}
			users, err := os.ReadFile(up)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(users)))
			for b.Loop() {
				ur, err := exportfile.NewUserReader(bytes.NewReader(users), up, format)
				if err != nil {
					b.Fatal(err)
				}
				for {
					if _, err := ur.Next(); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "users/s")
		})
	}
}
