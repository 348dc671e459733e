package demo

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"legco.kz/compliance/store/exportfile"
)

type deviceKind int

const (
	chromeWindows deviceKind = iota
	chromeAndroid
	safariIPhone
	safariMac
	firefoxWindows
	edgeWindows
	yandexWindows
	appIOS
	appAndroid
)

var deviceWeights = []struct {
	kind   deviceKind
	weight int
}{
	{chromeWindows, 30}, {chromeAndroid, 15}, {safariIPhone, 12}, {safariMac, 5}, {firefoxWindows, 6},
	{edgeWindows, 7}, {yandexWindows, 5}, {appIOS, 8}, {appAndroid, 12},
}

func (k deviceKind) mobile() bool {
	return k == chromeAndroid || k == safariIPhone || k == appIOS || k == appAndroid
}

type device struct {
	kind   deviceKind
	cookie string
	v4     string // "/16" prefix, or "" for IPv6
	v6     netip.Prefix
	host   [2]int
	host6  [2]uint64
	model  string
	lag    int // years the OS lags behind the newest release
}

const hexDigits = "0123456789abcdef"

func newDevice(r *rng) device {
	total := 0
	for _, w := range deviceWeights {
		total += w.weight
	}
	n := r.intn(total)
	d := device{}
	for _, w := range deviceWeights {
		if n < w.weight {
			d.kind = w.kind
			break
		}
		n -= w.weight
	}
	var hx [32]byte
	x, y := r.next(), r.next()
	for k := range hx {
		w := x
		if k >= 16 {
			w = y
		}
		hx[k] = hexDigits[w>>(4*(k%16))&15]
	}
	hx[12] = '4'              // UUID version 4
	hx[16] = "89ab"[hx[16]&3] // RFC 4122 variant
	if d.kind == appIOS || d.kind == appAndroid {
		// The app sends its installation id, formatted as a UUID.
		d.cookie = string(hx[:8]) + "-" + string(hx[8:12]) + "-" + string(hx[12:16]) + "-" + string(hx[16:20]) + "-" + string(hx[20:])
	} else {
		d.cookie = string(hx[:])
	}
	if r.chance(0.1) {
		d.v6 = netip.MustParsePrefix(pick(r, ipv6Prefixes))
		d.host6 = [2]uint64{r.next(), r.next()}
	} else {
		d.v4 = pick(r, ipv4Prefixes)
	}
	d.host = [2]int{r.between(0, 255), r.between(1, 254)}
	switch d.kind {
	case chromeAndroid, appAndroid:
		d.model = pick(r, androidModels)
	case safariIPhone, appIOS:
		d.model = pick(r, iphoneModels)
	}
	d.lag = r.intn(3)
	return d
}

func (d *device) ip(r *rng, newSession bool) string {
	if newSession && d.kind.mobile() {
		// Mobile carriers hand out a new address for each session.
		d.host = [2]int{r.between(0, 255), r.between(1, 254)}
		d.host6 = [2]uint64{r.next(), r.next()}
	}
	if d.v6.IsValid() {
		// Keep the /32 (or /48) network, randomise the rest.
		a := d.v6.Addr().As16()
		for k := d.v6.Bits() / 8; k < 16; k++ {
			a[k] = byte(d.host6[k/8] >> (8 * (k % 8)))
			if k == 15 && a[k] == 0 {
				a[k] = 1
			}
		}
		return netip.AddrFrom16(a).String()
	}
	return d.v4 + "." + strconv.Itoa(d.host[0]) + "." + strconv.Itoa(d.host[1])
}

// monthsSince returns the (fractional) number of months from ref to t.
func monthsSince(t, ref time.Time) float64 { return t.Sub(ref).Hours() / 24 / 30.44 }

var (
	chrome72  = time.Date(2019, 1, 29, 0, 0, 0, 0, time.UTC)
	firefox65 = time.Date(2019, 1, 29, 0, 0, 0, 0, time.UTC)
)

func chromeVersion(t time.Time) int  { return 72 + int(monthsSince(t, chrome72)*59/69.5) }
func firefoxVersion(t time.Time) int { return 65 + int(monthsSince(t, firefox65)*68/70) }

// appleVersion is the iOS/Safari major version current at t (a new one
// each September; version 26 followed 18 in 2025).
func appleVersion(t time.Time) int {
	y := t.Year()
	if t.Month() < time.September {
		y--
	}
	if y >= 2025 {
		return y - 1999
	}
	return y - 2006
}

func androidVersion(t time.Time, lag int) int {
	v := t.Year() - 2010 - lag
	if t.Month() >= time.September {
		v++
	}
	return max(v, 9)
}

// appVersion is the LegCo app version current at t: a minor release every
// three months, a patch release every month.
func appVersion(t time.Time) string {
	m := int(monthsSince(t, RegisteredFrom))
	return fmt.Sprintf("%d.%d.%d", 1+m/30, (m%30)/3, m%3)
}

// userAgent returns the User-Agent string the device sent at time t.
func (d *device) userAgent(t time.Time) string {
	chrome := strconv.Itoa(chromeVersion(t))
	apple := appleVersion(t) - d.lag
	switch d.kind {
	case chromeAndroid:
		return "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + chrome + ".0.0.0 Mobile Safari/537.36"
	case safariIPhone:
		return fmt.Sprintf("Mozilla/5.0 (iPhone; CPU iPhone OS %d_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%d.0 Mobile/15E148 Safari/604.1", apple, apple)
	case safariMac:
		return fmt.Sprintf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%d.0 Safari/605.1.15", apple)
	case firefoxWindows:
		v := firefoxVersion(t)
		return fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:%d.0) Gecko/20100101 Firefox/%d.0", v, v)
	case edgeWindows:
		return "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + chrome + ".0.0.0 Safari/537.36 Edg/" + chrome + ".0.0.0"
	case yandexWindows:
		return fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%s.0.0.0 YaBrowser/%d.%d.0.0 Safari/537.36", chrome, t.Year()%100, int(t.Month()))
	case appIOS:
		minor := (int(t.Month()) + 3) % 12 / 2 // x.0 in September, about x.5 by August
		return fmt.Sprintf("LegCo/%s (iOS %d.%d; %s)", appVersion(t), apple, minor, d.model)
	case appAndroid:
		return fmt.Sprintf("LegCo/%s (Android %d; %s)", appVersion(t), androidVersion(t, d.lag), d.model)
	}
	return "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + chrome + ".0.0.0 Safari/537.36"
}

func page(r *rng) string {
	total := 0
	for _, p := range pages {
		total += p.weight
	}
	n := r.intn(total)
	for _, p := range pages {
		if n < p.weight {
			return strings.Replace(p.path, "{n}", strconv.Itoa(r.between(1000, 99999)), 1)
		}
		n -= p.weight
	}
	return "/"
}

// AccessLog returns the access-log entries of user i (clause 1.1.2 data):
// between 0 and 20 entries (binomially distributed, 5 on average), in time
// order, all after u.RegisteredAt and before RegisteredUntil, from one to
// three devices (browsers or the LegCo iOS/Android app), each with its own
// cookie id. Times are in UTC, as server logs keep them. The result
// depends only on the seed, i and u.RegisteredAt.
func (g *Generator) AccessLog(u exportfile.User, i int) []exportfile.Access {
	r := newRNG(g.seed, streamAccess, i)
	count := r.binomial(20, 0.25)
	if count == 0 {
		return nil
	}
	devices := make([]device, 1+r.binomial(2, 0.3))
	for k := range devices {
		devices[k] = newDevice(&r)
	}
	start := u.RegisteredAt.UTC()
	if start.IsZero() || start.Before(RegisteredFrom) {
		start = RegisteredFrom
	}
	span := RegisteredUntil.Sub(start)
	if span <= 0 {
		return nil
	}
	out := make([]exportfile.Access, 0, count+4)
	for session := 0; len(out) < count; session++ {
		var t time.Time
		if session == 0 {
			t = start.Add(time.Duration(r.between(1, 300)) * time.Second) // right after registering
		} else {
			t = localTime(&r, start, RegisteredUntil, utc5)
		}
		d := &devices[r.intn(len(devices))]
		ip := d.ip(&r, true)
		for n := 1 + r.binomial(3, 0.4); n > 0 && len(out) < count; n-- {
			if t.After(RegisteredUntil) {
				break
			}
			p := page(&r)
			if session == 0 && len(out) == 0 {
				p = "/profile"
			}
			out = append(out, exportfile.Access{
				AccountID: u.AccountID,
				Time:      t.UTC().Truncate(time.Second),
				IP:        ip,
				CookieID:  d.cookie,
				UserAgent: d.userAgent(t),
				Page:      p,
			})
			t = t.Add(time.Duration(r.between(3, 240)) * time.Second)
		}
	}
	slices.SortStableFunc(out, func(a, b exportfile.Access) int { return a.Time.Compare(b.Time) })
	return out
}
