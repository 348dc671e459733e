// Package demo generates realistic synthetic LegCo users, access-log
// entries and public-source records, deterministically from a seed, for
// demonstrations, tests and load testing of the workstation.
//
// Every value is computed from (seed, index) alone, so users can be
// produced in any order or in parallel, and a million users need no
// memory beyond the one being built. Generated identifiers are valid
// (IIN, BIN, +7 phone numbers, e-mail addresses) but fictitious: IINs,
// phone numbers and e-mail addresses are distinct between users of one
// seed (for indices below 10^8), yet they may coincide with those of real
// people, so demo data must never be mixed with production data.
package demo

import (
	"strconv"
	"strings"
	"time"

	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/kz"
)

// Streams separate the random sequences used for different purposes.
const (
	streamUser uint64 = iota + 1
	streamAccess
	streamPublic
	streamIINPerm
	streamPhonePerm
	streamMailPerm
)

var (
	birthFirst = time.Date(1945, 1, 1, 0, 0, 0, 0, time.UTC)
	birthLast  = time.Date(2006, 12, 31, 0, 0, 0, 0, time.UTC)
	birthDays  = uint64(birthLast.Sub(birthFirst).Hours()/24) + 1

	// RegisteredFrom and RegisteredUntil bound registered_at and access
	// times of generated users.
	RegisteredFrom  = time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	RegisteredUntil = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

	// singleZone is when Kazakhstan moved to a single UTC+5 time zone.
	singleZone = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	utc5       = time.FixedZone("+05:00", 5*3600)
	utc6       = time.FixedZone("+06:00", 6*3600)
)

const (
	serialsPerDay = 9900 // 99 of every 100 serials are guaranteed valid
	iinSpace      = 2 * serialsPerDay
	phoneSpace    = 10_000_000
	mailSpace     = 1_000_000
)

// ExtraColumns are the names of the Extra fields generated users may have,
// in the order used for CSV export.
var ExtraColumns = []string{"position", "preferred_language"}

// Generator produces synthetic data for one seed. It is immutable and safe
// for concurrent use.
type Generator struct {
	seed      uint64
	iinPerm   perm
	phonePerm perm
	mailPerm  perm
}

// New returns the generator for seed.
func New(seed int64) *Generator {
	s := uint64(seed)
	return &Generator{
		seed:      s,
		iinPerm:   newPerm(mix64(s^streamIINPerm), birthDays*iinSpace),
		phonePerm: newPerm(mix64(s^streamPhonePerm), uint64(len(mobileCodes))*phoneSpace),
		mailPerm:  newPerm(mix64(s^streamMailPerm), mailSpace),
	}
}

// AccountID is the account id of user i: "LC-" and i+1 in at least seven
// digits.
func AccountID(i int) string {
	s := strconv.Itoa(i + 1)
	if len(s) < 7 {
		s = strings.Repeat("0", 7-len(s)) + s
	}
	return "LC-" + s
}

type ethnicity int

const (
	kazakh ethnicity = iota
	russian
	other
)

// User returns synthetic user i (i ≥ 0). The result depends only on the
// seed and i.
func (g *Generator) User(i int) exportfile.User {
	if i < 0 {
		panic("demo: negative user index")
	}
	r := newRNG(g.seed, streamUser, i)
	birth, male, serial := g.identity(i, &r)

	u := exportfile.User{AccountID: AccountID(i)}
	eth := kazakh
	switch f := r.float(); {
	case f >= 0.93:
		eth = other
	case f >= 0.62:
		eth = russian
	}
	u.FullName = fullName(&r, eth, male)
	kkLang := (eth == kazakh && r.chance(0.55)) || (eth != kazakh && r.chance(0.04))

	if r.chance(0.95) {
		u.IIN, _ = kz.MakeIIN(birth, male, serial)
		if r.chance(0.95) {
			u.BirthDate = birth.Format(time.DateOnly)
		}
	} else if r.chance(0.5) {
		u.BirthDate = birth.Format(time.DateOnly)
	}
	if r.chance(0.93) {
		u.Phone = g.phone(i, &r)
	}
	if r.chance(0.85) {
		u.Email = g.email(i, &r, u.FullName)
	}
	city := weightedCity(&r)
	if r.chance(0.92) {
		u.Address = address(&r, city, kkLang)
	}

	from := birth.AddDate(18, 0, 0)
	if from.Before(RegisteredFrom) {
		from = RegisteredFrom
	}
	zone := utc5
	if cities[city].east {
		zone = utc6
	}
	reg := localTime(&r, from, RegisteredUntil, zone)
	if reg.After(singleZone) {
		zone = utc5
	}
	u.RegisteredAt = reg.In(zone)

	if r.chance(0.15) {
		u.EntityBIN, u.EntityName = company(&r, reg, city, kkLang)
		if r.chance(0.8) {
			pos := pick(&r, positionsRu)
			if kkLang {
				pos = pick(&r, positionsKk)
			}
			u.Extra = append(u.Extra, exportfile.Field{Name: "position", Value: pos})
		}
	}
	if r.chance(0.3) {
		lang := "ru"
		switch f := r.float(); {
		case f < 0.08:
			lang = "en"
		case kkLang || (eth == kazakh && f < 0.5):
			lang = "kk"
		}
		u.Extra = append(u.Extra, exportfile.Field{Name: "preferred_language", Value: lang})
	}
	return u
}

// localTime returns a time in [from, until), truncated to seconds, whose
// time of day in zone is mostly between 08:00 and 23:00, as people's
// activity is.
func localTime(r *rng, from, until time.Time, zone *time.Location) time.Time {
	t := from.Add(time.Duration(r.float() * float64(until.Sub(from)))).Truncate(time.Second)
	if r.chance(0.85) {
		l := t.In(zone)
		sec := 8*3600 + r.intn(15*3600)
		day := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, zone)
		if d := day.Add(time.Duration(sec) * time.Second); !d.Before(from) && d.Before(until) {
			t = d
		}
	}
	return t
}

// identity returns the birth date, sex and IIN serial of user i. For
// i < birthDays·19800 (about 448 million) the triple is distinct for
// every i, so IINs never repeat within a seed.
func (g *Generator) identity(i int, r *rng) (birth time.Time, male bool, serial int) {
	var p uint64
	if uint64(i) < g.iinPerm.n {
		p = g.iinPerm.apply(uint64(i))
	} else {
		p = r.next() % g.iinPerm.n
	}
	day, rem := p/iinSpace, p%iinSpace
	birth = birthFirst.AddDate(0, 0, int(day))
	male = rem < serialsPerDay
	j := int(rem % serialsPerDay)
	// Serials come in blocks of 100 sharing the first two digits; at most
	// one serial per block has no valid check digit (the last two digits
	// have weights 10, 11 ≡ 0 and then 1, 2 mod 11). Offsets 0–98 map to
	// the same serial in the block, and the one offset whose serial is
	// invalid, if any, maps to serial 99 instead, which is then valid.
	block, off := j/99, j%99
	if _, ok := kz.MakeIIN(birth, male, block*100+off); ok {
		return birth, male, block*100 + off
	}
	if _, ok := kz.MakeIIN(birth, male, block*100+99); ok {
		return birth, male, block*100 + 99
	}
	panic("demo: IIN serial block without 99 valid serials")
}

func (g *Generator) phone(i int, r *rng) string {
	var p uint64
	if uint64(i) < g.phonePerm.n {
		p = g.phonePerm.apply(uint64(i))
	} else {
		p = r.next() % g.phonePerm.n
	}
	sub := strconv.FormatUint(p%phoneSpace, 10)
	return "+7" + mobileCodes[p/phoneSpace] + strings.Repeat("0", 7-len(sub)) + sub
}

func weightedCity(r *rng) int {
	total := 0
	for _, c := range cities {
		total += c.weight
	}
	n := r.intn(total)
	for i, c := range cities {
		if n < c.weight {
			return i
		}
		n -= c.weight
	}
	return 0
}

func femaleSurname(s string) string {
	if strings.HasSuffix(s, "ов") || strings.HasSuffix(s, "ев") || strings.HasSuffix(s, "ёв") || strings.HasSuffix(s, "ин") {
		return s + "а"
	}
	return s
}

// ruSpelling writes Kazakh-specific letters as in Russian-language
// documents (Нұрлан → Нурлан, Әлібеков → Алибеков).
var ruSpelling = strings.NewReplacer(
	"Ә", "А", "ә", "а", "Ғ", "Г", "ғ", "г", "Қ", "К", "қ", "к", "Ң", "Н", "ң", "н",
	"Ө", "О", "ө", "о", "Ұ", "У", "ұ", "у", "Ү", "У", "ү", "у", "Һ", "Х", "һ", "х", "І", "И", "і", "и",
)

var noYo = strings.NewReplacer("ё", "е", "Ё", "Е")

func fullName(r *rng, eth ethnicity, male bool) string {
	var surname, given, patronymic string
	switch eth {
	case kazakh:
		if male {
			given = pick(r, kazMaleGiven)
		} else {
			given = pick(r, kazFemaleGiven)
		}
		if r.chance(0.85) {
			surname = pick(r, kazSurnames)
			if !male {
				surname = femaleSurname(surname)
			}
		} else {
			surname = pick(r, kazNeutralSurnames)
		}
		russianDocs := r.chance(0.25)
		if r.chance(0.95) {
			f := pick(r, kazFathers)
			switch {
			case f.ruM != "" && (russianDocs || r.chance(0.3)):
				patronymic = f.ruF
				if male {
					patronymic = f.ruM
				}
			case male:
				patronymic = f.kk + "ұлы"
			default:
				patronymic = f.kk + "қызы"
			}
		}
		name := join(surname, given, patronymic)
		if russianDocs {
			name = ruSpelling.Replace(name)
		}
		return name
	case russian:
		if male {
			given = pick(r, rusMaleGiven)
		} else {
			given = pick(r, rusFemaleGiven)
		}
		surname = pick(r, rusSurnames)
		if !male {
			surname = femaleSurname(surname)
		}
	default:
		surname = pick(r, otherSurnames)
		if male {
			given = pick(r, rusMaleGiven)
		} else {
			given = pick(r, rusFemaleGiven)
		}
	}
	if r.chance(0.95) {
		f := pick(r, rusFathers)
		patronymic = f.ruF
		if male {
			patronymic = f.ruM
		}
	}
	name := join(surname, given, patronymic)
	if r.chance(0.4) {
		name = noYo.Replace(name) // «ё» is often written as «е»
	}
	return name
}

func join(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}

var translit = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z",
	'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r",
	'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh",
	'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	'ә': "a", 'ғ': "g", 'қ': "k", 'ң': "n", 'ө': "o", 'ұ': "u", 'ү': "u", 'һ': "h", 'і': "i",
}

// latin transliterates a Russian or Kazakh word into lower-case ASCII
// letters for e-mail local parts.
func latin(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if t, ok := translit[c]; ok {
			b.WriteString(t)
		} else if c >= 'a' && c <= 'z' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func (g *Generator) email(i int, r *rng, fullName string) string {
	// n is distinct for every i; the local part ends in the digits of n
	// after a letter, so addresses are distinct too.
	n := uint64(i)
	if n < mailSpace {
		n = g.mailPerm.apply(n)
	}
	parts := strings.Fields(fullName)
	surname, given := latin(parts[0]), latin(parts[1])
	num := strconv.FormatUint(n, 10)
	var local string
	switch r.intn(6) {
	case 0:
		local = given + "." + surname + num
	case 1:
		local = surname + "." + given + num
	case 2:
		local = given[:1] + "." + surname + num
	case 3:
		local = given + "_" + surname + num
	case 4:
		local = surname + num
	default:
		local = given + surname + num
	}
	total := 0
	for _, d := range emailDomains {
		total += d.weight
	}
	k := r.intn(total)
	for _, d := range emailDomains {
		if k < d.weight {
			return local + "@" + d.domain
		}
		k -= d.weight
	}
	return local + "@mail.ru"
}

func address(r *rng, city int, kk bool) string {
	c := cities[city]
	house := strconv.Itoa(r.between(1, 250))
	flat := ""
	if r.chance(0.8) {
		flat = strconv.Itoa(r.between(1, 320))
	}
	micro := r.chance(0.2)
	avenue := r.chance(0.3)
	var b strings.Builder
	if r.chance(0.4) {
		b.WriteString(c.postal + ", ")
	}
	if kk {
		b.WriteString(c.kk + " қ., ")
		if micro {
			b.WriteString(pick(r, microdistricts).kk + " ықшам ауданы, ")
		} else {
			b.WriteString(pick(r, streets).kk)
			if avenue {
				b.WriteString(" даңғылы, ")
			} else {
				b.WriteString(" көшесі, ")
			}
		}
		b.WriteString(house + "-үй")
		if flat != "" {
			b.WriteString(", " + flat + "-пәтер")
		}
		return b.String()
	}
	b.WriteString("г. " + c.ru + ", ")
	if micro {
		b.WriteString("мкр. " + pick(r, microdistricts).ru + ", ")
	} else if avenue {
		b.WriteString("пр. " + pick(r, streets).ru + ", ")
	} else {
		b.WriteString("ул. " + pick(r, streets).ru + ", ")
	}
	b.WriteString("д. " + house)
	if flat != "" {
		b.WriteString(", кв. " + flat)
	}
	return b.String()
}

// company returns a valid BIN and a name for a legal entity registered
// before the user (no later than userReg).
func company(r *rng, userReg time.Time, city int, kk bool) (bin, name string) {
	epoch := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	months := (userReg.Year()-epoch.Year())*12 + int(userReg.Month()) - 1
	regMonth := epoch.AddDate(0, r.intn(months+1), 0)
	branch := r.chance(0.1)
	attr := 0
	if branch {
		attr = 1
	}
	for {
		var ok bool
		if bin, ok = kz.MakeBIN(regMonth, 4, attr, r.intn(100000)); ok {
			break
		}
	}
	var brand string
	first, second := pick(r, companyFirst), pick(r, companySecond)
	switch r.intn(3) {
	case 0:
		brand = first + " " + second
	case 1:
		brand = first + "-" + second
	default:
		if suffix, ok := companySuffix[second]; ok {
			brand = first + suffix // e.g. «Алтынстрой»
		} else {
			brand = first + " " + second
		}
	}
	jsc := r.chance(0.05)
	c := cities[city]
	switch {
	case kk && branch:
		name = "«" + brand + "» ЖШС " + c.kk + " филиалы"
	case kk && jsc:
		name = "«" + brand + "» АҚ"
	case kk:
		name = "«" + brand + "» ЖШС"
	case branch:
		name = "Филиал ТОО «" + brand + "» в г. " + c.ru
	case jsc:
		name = "АО «" + brand + "»"
	default:
		name = "ТОО «" + brand + "»"
	}
	return bin, name
}
