package auditpack

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"legco.kz/compliance/store"
)

// Part is an extra part of the pack written by another feature (the
// consent report, the requests register, the disclosure register, the
// transparency report). The pack lists every expected part in its index:
// a part that is not registered in this build is listed as "not
// available in this build", one that found nothing for the period as
// "no data for the period".
//
// A part is registered once, from the command's wiring, e.g. in
// cmd/legco-compliance:
//
//	func init() {
//		auditpack.Register(auditpack.Part{ID: auditpack.PartConsents,
//			Write: func(ctx context.Context, pc *auditpack.PartContext) error {
//				w, err := pc.Create("consent-report.pdf")
//				if err != nil {
//					return err
//				}
//				return consentreport.Render(ctx, w, pc.Workspace(), pc.From, pc.To, …)
//			}})
//	}
//
// Titles and explanations of the expected parts are built in; a new kind
// of part gives its own.
type Part struct {
	// ID names the part and its folder in the pack: parts/<ID>/.
	ID string
	// TitleRU/KK and AboutRU/KK are printed in the index (what the files
	// are, what an auditor checks with them). Empty: the built-in text
	// of an expected part.
	TitleRU, TitleKK string
	AboutRU, AboutKK string
	// Write writes the part's files with pc.Create. It must be
	// deterministic (the same workspace state and options give the same
	// bytes: no time.Now, fixed PDF dates, sorted output), must name
	// users only by account id unless pc.WithPersonalData, and calls
	// pc.NoData() when the period has nothing to report.
	Write func(ctx context.Context, pc *PartContext) error
}

// IDs of the parts the pack expects from the consents and requests work.
const (
	PartConsents     = "consents"
	PartRequests     = "requests"
	PartDisclosures  = "disclosures"
	PartTransparency = "transparency"
)

// expected are the parts the index always lists, in order.
var expected = []Part{
	{ID: PartConsents, TitleRU: "Отчёт о согласиях", TitleKK: "Келісімдер туралы есеп",
		AboutRU: "Согласия субъектов за период: цели, сроки, отзывы, поля ст. 8 Закона № 94-V.",
		AboutKK: "Кезеңдегі субъектілердің келісімдері: мақсаттары, мерзімдері, кері қайтарып алу, № 94-V Заңның 8-бабының өрістері."},
	{ID: PartRequests, TitleRU: "Реестр обращений субъектов", TitleKK: "Субъектілер өтініштерінің тізілімі",
		AboutRU: "Обращения субъектов персональных данных за период и сроки их исполнения.",
		AboutKK: "Кезеңдегі дербес деректер субъектілерінің өтініштері және олардың орындалу мерзімдері."},
	{ID: PartDisclosures, TitleRU: "Реестр раскрытий персональных данных", TitleKK: "Дербес деректерді ашу тізілімі",
		AboutRU: "Что, кому, когда и на каком основании передано (п. 3.2 политики).",
		AboutKK: "Не, кімге, қашан және қандай негізде берілді (саясаттың 3.2-тармағы)."},
	{ID: PartTransparency, TitleRU: "Отчёт о прозрачности", TitleKK: "Ашықтық туралы есеп",
		AboutRU: "Сводные данные за период: обращения, запросы органов, раскрытия.",
		AboutKK: "Кезең бойынша жиынтық деректер: өтініштер, органдардың сұраулары, ашулар."},
}

var (
	registryMu sync.Mutex
	registry   []Part
)

// Register adds a part to every pack made by this program. A part with
// the ID of an expected part takes its place in the index.
func Register(p Part) {
	registryMu.Lock()
	defer registryMu.Unlock()
	for i, q := range registry {
		if q.ID == p.ID {
			registry[i] = p
			return
		}
	}
	registry = append(registry, p)
}

// Registered lists the registered parts.
func Registered() []Part {
	registryMu.Lock()
	defer registryMu.Unlock()
	return append([]Part(nil), registry...)
}

// slot is a part as the index lists it: registered (Write set) or not.
type slot struct {
	Part
	status string // verify.Part* statuses
	files  []string
}

// slots merges the expected parts with the given ones.
func slots(given []Part) []*slot {
	var out []*slot
	byID := map[string]*slot{}
	for _, e := range expected {
		s := &slot{Part: e}
		out = append(out, s)
		byID[e.ID] = s
	}
	for _, p := range given {
		s, ok := byID[p.ID]
		if !ok {
			s = &slot{}
			out = append(out, s)
			byID[p.ID] = s
		}
		title := s.Part
		s.Part = p
		if p.TitleRU == "" {
			s.TitleRU, s.TitleKK, s.AboutRU, s.AboutKK = title.TitleRU, title.TitleKK, title.AboutRU, title.AboutKK
		}
	}
	return out
}

// PartContext is what a part's Write gets.
type PartContext struct {
	snap *store.PackSnapshot
	// From and To are the period as instants, To exclusive (zero: open).
	From, To time.Time
	// Range is the period's part of the audit chain.
	Range store.AuditRange
	// Head is the chain head of the snapshot the pack is made from.
	Head store.AuditHead
	// WithPersonalData: names may be written; otherwise users are named
	// only by account id.
	WithPersonalData bool
	// DocDate is the date to give the part's PDFs (keeps bytes fixed).
	DocDate time.Time

	id     string
	sink   sink
	files  []string
	noData bool
}

// Snapshot is the read-only view the pack is made from.
func (pc *PartContext) Snapshot() *store.PackSnapshot { return pc.snap }

// Workspace is the open workspace, for the part's own queries.
func (pc *PartContext) Workspace() *store.Workspace { return pc.snap.Workspace() }

// Create starts the part's next file, parts/<ID>/<name>; the previous
// writer is finished.
func (pc *PartContext) Create(name string) (io.Writer, error) {
	full := "parts/" + pc.id + "/" + name
	if err := checkName(full); err != nil {
		return nil, fmt.Errorf("part %s: %w", pc.id, err)
	}
	w, err := pc.sink.create(full)
	if err != nil {
		return nil, err
	}
	pc.files = append(pc.files, full)
	return w, nil
}

// NoData marks the part as having nothing for the period; the index
// says so.
func (pc *PartContext) NoData() { pc.noData = true }
