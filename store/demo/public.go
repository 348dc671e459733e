package demo

import (
	"strings"
	"time"

	"legco.kz/compliance/store/exportfile"
)

// PublicRecord is a piece of personal data obtained from a public source
// (clause 1.1.3 of the privacy policy: other data, e.g. from public
// sources), with where it came from and on what basis it is processed.
type PublicRecord struct {
	Field       string    // what the value is, in Russian
	Value       string    // the value
	Source      string    // public source, e.g. «stat.gov.kz»
	LegalBasis  string    // basis for processing
	CollectedAt time.Time // when it was obtained (UTC)
}

// LegalBasisPublic is the legal basis recorded for generated public-source
// records.
const LegalBasisPublic = "п. 1.1.3 Политики конфиденциальности LegCo: сведения из общедоступных источников (Закон РК «О персональных данных и их защите»)"

// Public sources used by PublicData.
const (
	SourceLegalEntities = "Государственная база данных «Юридические лица»"
	SourceStat          = "stat.gov.kz (Бюро национальной статистики)"
	SourceEgov          = "Портал электронного правительства egov.kz"
	SourceKGD           = "kgd.gov.kz (Комитет государственных доходов МФ РК)"
	SourceMedia         = "Открытые интернет-источники (СМИ)"
)

// PublicData returns clause 1.1.3 records for user i: always for
// representatives of legal entities (entity registration data, often the
// entity's main activity), and for about a quarter of the others
// (individual entrepreneur registration, tax debt status, media mentions).
// The result depends only on the seed, i and u.
func (g *Generator) PublicData(u exportfile.User, i int) []PublicRecord {
	r := newRNG(g.seed, streamPublic, i)
	start := u.RegisteredAt.UTC()
	if start.IsZero() || start.Before(RegisteredFrom) {
		start = RegisteredFrom
	}
	collected := func() time.Time {
		return start.Add(time.Duration(r.float() * float64(RegisteredUntil.Sub(start)))).Truncate(time.Second)
	}
	rec := func(field, value, source string) PublicRecord {
		return PublicRecord{Field: field, Value: value, Source: source, LegalBasis: LegalBasisPublic, CollectedAt: collected()}
	}
	var out []PublicRecord
	if u.EntityBIN != "" {
		role := "Руководитель юридического лица"
		if r.chance(0.4) {
			role = "Участник (учредитель) юридического лица"
		}
		out = append(out, rec(role, u.EntityName+", БИН "+u.EntityBIN, SourceLegalEntities))
		if r.chance(0.7) {
			out = append(out, rec("Основной вид деятельности юридического лица (ОКЭД)", pick(&r, okedActivities), SourceStat))
		}
		return out
	}
	if r.chance(0.15) {
		surname, _, _ := strings.Cut(u.FullName, " ")
		d := start.AddDate(-r.between(1, 10), -r.intn(12), 0)
		out = append(out, rec("Регистрация в качестве индивидуального предпринимателя",
			"ИП «"+surname+"», зарегистрирован "+d.Format(time.DateOnly), SourceEgov))
	}
	if r.chance(0.1) {
		status := "задолженность отсутствует"
		if r.chance(0.2) {
			status = "имеется налоговая задолженность"
		}
		out = append(out, rec("Сведения о налоговой задолженности", status, SourceKGD))
	}
	if r.chance(0.04) {
		out = append(out, rec("Упоминание в СМИ", "Интервью об опыте ведения сделок онлайн", SourceMedia))
	}
	return out
}
