package demo

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"time"

	"legco.kz/compliance/store/exportfile"
)

const streamConsent uint64 = 100

// DemoEditions are the effective dates of the demo's policy editions:
// the seed edition and two later ones made from it.
var DemoEditions = []time.Time{
	time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC),
	time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC),
	time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC),
}

// consentPurposes other than the policy acceptance, with the chance a
// user gives each at registration and withdraws it later.
var consentPurposes = []struct {
	code            string
	give, withdraw  float64
	termDays        int
	regiveOnNewEdtn float64
}{
	{"sms_third_party", 0.4, 0.12, 0, 0.35},
	{"counterparty_disclosure", 0.3, 0.06, 0, 0.35},
	{"targeted_ads", 0.15, 0.15, 365, 0.25},
}

// Consents returns the consent history of user u (index i) under the
// editions that took effect at the given dates (edition k+1 at
// effective[k]), in time order: acceptance of the edition in force at
// registration, separate consents given then, withdrawals (some on
// paper), targeted-advertising consents expiring after their year,
// re-acceptance of each new edition by most users some weeks after it
// took effect (and not by all: some never re-accept), with the separate
// consents given again under it. Depends only on the seed, i, u and
// effective.
func (g *Generator) Consents(u exportfile.User, i int, effective []time.Time) []exportfile.Consent {
	r := newRNG(g.seed, streamConsent, i)
	reg := u.RegisteredAt.UTC()
	if reg.IsZero() {
		reg = RegisteredFrom
	}
	lang := "ru"
	if r.chance(0.38) {
		lang = "kk"
	}
	dev := newDevice(&r)
	channel := "web"
	switch dev.kind {
	case appIOS:
		channel = "ios"
	case appAndroid:
		channel = "android"
	}
	if r.chance(0.03) {
		channel = "egov"
	}
	ip := dev.ip(&r, true)
	var out []exportfile.Consent
	add := func(purpose, event string, edition int, t time.Time, ch string) {
		c := exportfile.Consent{AccountID: u.AccountID, Purpose: purpose, Event: event, Edition: edition, Language: lang, Channel: ch,
			Time: t.In(utc5).Truncate(time.Second)}
		if ch == "paper" {
			c.DocumentRef = fmt.Sprintf("Заявление № %d от %s", 1+r.intn(9000), c.Time.Format("02.01.2006"))
		} else {
			c.IP = ip
			c.UserAgent = dev.userAgent(t)
		}
		out = append(out, c)
	}
	editionAt := func(t time.Time) int {
		n := 1
		for k, e := range effective {
			if !t.Before(e) {
				n = k + 1
			}
		}
		return n
	}
	until := RegisteredUntil
	ed := editionAt(reg)
	t0 := reg.Add(time.Duration(r.between(1, 120)) * time.Second)
	add("policy", "given", ed, t0, channel)
	given := map[string]time.Time{}
	for _, p := range consentPurposes {
		if r.chance(p.give) {
			t := t0.Add(time.Duration(r.between(1, 30)) * time.Second)
			add(p.code, "given", ed, t, channel)
			given[p.code] = t
		}
	}
	// Later editions: most users accept each within weeks; some never do
	// and stay in the backlog.
	accepted := true
	for k := ed; k < len(effective); k++ {
		if !accepted || !r.chance(0.75) {
			accepted = false
			continue
		}
		t := effective[k].Add(time.Duration(r.exp(30*24)) * time.Hour).Add(time.Duration(r.intn(86400)) * time.Second)
		if t.After(until) {
			accepted = false
			continue
		}
		add("policy", "given", k+1, t, channel)
		for _, p := range consentPurposes {
			if _, ok := given[p.code]; ok && r.chance(p.regiveOnNewEdtn) {
				tt := t.Add(time.Duration(r.between(1, 30)) * time.Second)
				add(p.code, "given", k+1, tt, channel)
				given[p.code] = tt
			}
		}
	}
	// Withdrawals and expiries of the separate consents.
	for _, p := range consentPurposes {
		last, ok := given[p.code]
		if !ok {
			continue
		}
		if r.chance(p.withdraw) {
			span := until.Sub(last)
			if span > time.Hour {
				t := last.Add(time.Duration(r.float() * float64(span)))
				ch := channel
				if r.chance(0.3) {
					ch = "paper"
				}
				add(p.code, "withdrawn", editionAt(t), t, ch)
				continue
			}
		}
		if p.termDays > 0 {
			if exp := last.Add(time.Duration(p.termDays) * 24 * time.Hour); exp.Before(until) {
				add(p.code, "expired", edOf(out, p.code), exp, channel)
			}
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Time.Before(out[b].Time) })
	return out
}

// edOf is the edition of the latest "given" event of purpose in cs.
func edOf(cs []exportfile.Consent, purpose string) int {
	ed := 1
	var last time.Time
	for _, c := range cs {
		if c.Purpose == purpose && c.Event == "given" && !c.Time.Before(last) {
			ed, last = c.Edition, c.Time
		}
	}
	return ed
}

// WriteConsentExport writes the consent events of users 0…n-1 to path as
// a LegCo consent export in format; it returns the number of events.
func (g *Generator) WriteConsentExport(path string, n int, format exportfile.Format, effective []time.Time) (int, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	cw := exportfile.NewConsentWriter(bw, format)
	events := 0
	for i := 0; i < n; i++ {
		for _, c := range g.Consents(g.User(i), i, effective) {
			if err := cw.Write(c); err != nil {
				return events, err
			}
			events++
		}
	}
	if err := cw.Flush(); err != nil {
		return events, err
	}
	if err := bw.Flush(); err != nil {
		return events, err
	}
	return events, f.Close()
}
