package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"legco.kz/compliance/store/exportfile"
	"legco.kz/compliance/store/kz"
)

// The consent ledger (Law No. 94-V, Art. 8): which purposes a user agreed
// to under which policy edition, through which channel and in which
// language, and when they withdrew. Events are appended, never changed
// (trigger in migration 0008); the current state per user and purpose is
// kept beside them in the same transaction, and the state at any past
// moment is read from the ledger.

func init() {
	consentValidAt = func(ctx context.Context, q queryer, accountID, purpose string, at time.Time) (bool, error) {
		st, err := consentStateAt(ctx, q, accountID, purpose, at)
		if err != nil {
			return false, err
		}
		return st.Valid(at), nil
	}
}

// Consent purpose codes of the built-in catalog.
const (
	PurposePolicy                 = "policy"
	PurposeSMSThirdParty          = "sms_third_party"
	PurposeCounterpartyDisclosure = "counterparty_disclosure"
	PurposeTargetedAds            = "targeted_ads"
)

// ConsentEventKind is what a ledger event says.
type ConsentEventKind string

const (
	ConsentGiven     ConsentEventKind = "given"
	ConsentWithdrawn ConsentEventKind = "withdrawn"
	ConsentExpired   ConsentEventKind = "expired"
)

// ConsentPurpose is one purpose of the consent catalog of a policy
// edition, with the particulars Art. 8 requires a consent to state.
type ConsentPurpose struct {
	Edition                   int
	Code                      string
	Position                  int
	Clauses                   string // clauses of the policy it rests on, e.g. "1.5"
	TitleRU, TitleKK, TitleEN string
	// TermDays is how long a consent lasts; 0 means until withdrawn.
	TermDays      int
	ThirdParty    bool // transfer to third parties allowed
	CrossBorder   bool // cross-border transfer allowed
	PublicSources bool // publication in public sources allowed
	// Data lists the personal data the consent covers.
	DataRU, DataKK, DataEN string
}

// Title returns the purpose's title in lang (ru, kk, en).
func (p ConsentPurpose) Title(lang string) string {
	switch lang {
	case "kk":
		return p.TitleKK
	case "en":
		return p.TitleEN
	}
	return p.TitleRU
}

// Data returns the list of data in lang.
func (p ConsentPurpose) Data(lang string) string {
	switch lang {
	case "kk":
		return p.DataKK
	case "en":
		return p.DataEN
	}
	return p.DataRU
}

// Term returns the consent's term (0: until withdrawn).
func (p ConsentPurpose) Term() time.Duration { return time.Duration(p.TermDays) * 24 * time.Hour }

// DefaultConsentCatalog is the catalog of an edition nobody has edited:
// the consents the seed policy asks for.
var DefaultConsentCatalog = []ConsentPurpose{
	{Code: PurposePolicy, Position: 1, Clauses: "преамбула, 1.4",
		TitleRU: "Принятие Политики конфиденциальности (сбор и обработка персональных данных)",
		TitleKK: "Құпиялылық саясатын қабылдау (дербес деректерді жинау және өңдеу)",
		TitleEN: "Acceptance of the privacy policy (collection and processing of personal data)",
		DataRU:  "ФИО, ИИН, номер мобильного телефона, адрес электронной почты, дата рождения, адрес, сведения о юридическом лице; данные, передаваемые автоматически (IP-адрес, cookie, сведения о браузере)",
		DataKK:  "Т.А.Ә., ЖСН, ұялы телефон нөмірі, электрондық пошта мекенжайы, туған күні, мекенжайы, заңды тұлға туралы мәліметтер; автоматты түрде берілетін деректер (IP-мекенжай, cookie, браузер туралы мәліметтер)",
		DataEN:  "full name, IIN, mobile phone number, e-mail address, date of birth, address, legal entity details; data sent automatically (IP address, cookies, browser details)"},
	{Code: PurposeSMSThirdParty, Position: 2, Clauses: "1.5, 3.2.1", ThirdParty: true,
		TitleRU: "Передача номера мобильного телефона третьим лицам для отправки SMS в любое время суток",
		TitleKK: "SMS-хабарламалар жіберу үшін ұялы телефон нөмірін үшінші тұлғаларға беру",
		TitleEN: "Passing the mobile phone number to third parties to send SMS at any time of day",
		DataRU:  "номер мобильного телефона", DataKK: "ұялы телефон нөмірі", DataEN: "mobile phone number"},
	{Code: PurposeCounterpartyDisclosure, Position: 3, Clauses: "1.6, 3.2.1", ThirdParty: true,
		TitleRU: "Раскрытие персональных данных другим Пользователям при поиске контрагента и контрагенту с момента создания проекта сделки",
		TitleKK: "Контрагентті іздеу кезінде дербес деректерді басқа пайдаланушыларға және мәміле жобасы жасалған сәттен бастап контрагентке ашу",
		TitleEN: "Disclosure of personal data to other users looking for a counterparty and to the counterparty once a deal draft exists",
		DataRU:  "ФИО, сведения о юридическом лице, номер мобильного телефона, адрес электронной почты",
		DataKK:  "Т.А.Ә., заңды тұлға туралы мәліметтер, ұялы телефон нөмірі, электрондық пошта мекенжайы",
		DataEN:  "full name, legal entity details, mobile phone number, e-mail address"},
	{Code: PurposeTargetedAds, Position: 4, Clauses: "2.2.5", TermDays: 365,
		TitleRU: "Таргетирование рекламных материалов",
		TitleKK: "Жарнамалық материалдарды таргеттеу",
		TitleEN: "Targeted advertising",
		DataRU:  "данные, передаваемые автоматически (IP-адрес, cookie, сведения о браузере, посещённые страницы)",
		DataKK:  "автоматты түрде берілетін деректер (IP-мекенжай, cookie, браузер туралы мәліметтер, кірген беттер)",
		DataEN:  "data sent automatically (IP address, cookies, browser details, pages visited)"},
}

// ConsentEvent is one event of the ledger.
type ConsentEvent struct {
	ID          int64
	AccountID   string
	Purpose     string
	Event       ConsentEventKind
	Edition     int
	Language    string // ru, kk
	Channel     string // web, ios, android, paper, egov, other
	At          time.Time
	IP          string
	UserAgent   string
	DocumentRef string
	Reason      string // why staff recorded it (paper records)
	BatchID     int64  // consent import batch, 0 when recorded by hand
	AuditSeq    int64  // the audit entry that recorded it
	AuditHash   string
	RecordedBy  string
	RecordedAt  time.Time
}

// ConsentState is a user's state for one purpose at some moment: the
// latest event up to then. State "" means no event yet.
type ConsentState struct {
	Purpose  string
	State    ConsentEventKind
	Edition  int
	Channel  string
	Language string
	At       time.Time
	EventID  int64
	// TermDays is the purpose's term under Edition (0: until withdrawn).
	TermDays int
}

// ExpiresAt is when a given consent runs out (zero: until withdrawn).
func (s ConsentState) ExpiresAt() time.Time {
	if s.State != ConsentGiven || s.TermDays <= 0 {
		return time.Time{}
	}
	return s.At.Add(time.Duration(s.TermDays) * 24 * time.Hour)
}

// Valid reports whether the consent was in force at t: given, and not
// past its term.
func (s ConsentState) Valid(t time.Time) bool {
	if s.State != ConsentGiven {
		return false
	}
	exp := s.ExpiresAt()
	return exp.IsZero() || t.Before(exp)
}

// Effective is the state as it stands at t, with a given consent past its
// term shown as expired even if no "expired" event was recorded.
func (s ConsentState) Effective(t time.Time) ConsentEventKind {
	if s.State == ConsentGiven && !s.Valid(t) {
		return ConsentExpired
	}
	return s.State
}

func nanos(t time.Time) int64 { return t.UTC().UnixNano() }

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

// ConsentCatalog returns the purposes of edition (its own catalog if it
// has one, else the catalog of the newest earlier edition that has one,
// else DefaultConsentCatalog), in display order.
func (w *Workspace) ConsentCatalog(ctx context.Context, edition int) ([]ConsentPurpose, error) {
	return consentCatalog(ctx, w.db, edition)
}

func consentCatalog(ctx context.Context, q queryer, edition int) ([]ConsentPurpose, error) {
	var from int
	err := q.QueryRowContext(ctx, `SELECT coalesce(max(edition), 0) FROM consent_purposes WHERE edition <= ?`, edition).Scan(&from)
	if err != nil {
		return nil, fmt.Errorf("consent catalog of edition %d: %w", edition, err)
	}
	if from == 0 {
		out := make([]ConsentPurpose, len(DefaultConsentCatalog))
		copy(out, DefaultConsentCatalog)
		for i := range out {
			out[i].Edition = edition
		}
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT code, position, clauses, title_ru, title_kk, title_en, term_days, third_party, cross_border,
		public_sources, data_ru, data_kk, data_en FROM consent_purposes WHERE edition = ? ORDER BY position, code`, from)
	if err != nil {
		return nil, fmt.Errorf("consent catalog of edition %d: %w", edition, err)
	}
	defer rows.Close()
	var out []ConsentPurpose
	for rows.Next() {
		p := ConsentPurpose{Edition: edition}
		if err := rows.Scan(&p.Code, &p.Position, &p.Clauses, &p.TitleRU, &p.TitleKK, &p.TitleEN, &p.TermDays, &p.ThirdParty, &p.CrossBorder,
			&p.PublicSources, &p.DataRU, &p.DataKK, &p.DataEN); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ConsentPurposeOf returns one purpose of edition's catalog.
func (w *Workspace) ConsentPurposeOf(ctx context.Context, edition int, code string) (ConsentPurpose, error) {
	cat, err := w.ConsentCatalog(ctx, edition)
	if err != nil {
		return ConsentPurpose{}, err
	}
	for _, p := range cat {
		if p.Code == code {
			return p, nil
		}
	}
	return ConsentPurpose{}, fmt.Errorf("consent purpose %q in edition %d: %w", code, edition, ErrNotFound)
}

// freezeCatalog stores edition's effective catalog as its own, so later
// edits of other editions cannot change what its consents meant.
func freezeCatalog(ctx context.Context, tx *sql.Tx, edition int) ([]ConsentPurpose, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM consent_purposes WHERE edition = ?`, edition).Scan(&n); err != nil {
		return nil, err
	}
	cat, err := consentCatalog(ctx, tx, edition)
	if err != nil || n > 0 {
		return cat, err
	}
	for _, p := range cat {
		if err := putPurpose(ctx, tx, p); err != nil {
			return nil, err
		}
	}
	return cat, nil
}

func putPurpose(ctx context.Context, tx *sql.Tx, p ConsentPurpose) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO consent_purposes(edition, code, position, clauses, title_ru, title_kk, title_en, term_days,
		third_party, cross_border, public_sources, data_ru, data_kk, data_en) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(edition, code) DO UPDATE SET position = excluded.position, clauses = excluded.clauses, title_ru = excluded.title_ru,
		title_kk = excluded.title_kk, title_en = excluded.title_en, term_days = excluded.term_days, third_party = excluded.third_party,
		cross_border = excluded.cross_border, public_sources = excluded.public_sources, data_ru = excluded.data_ru, data_kk = excluded.data_kk,
		data_en = excluded.data_en`,
		p.Edition, p.Code, p.Position, p.Clauses, p.TitleRU, p.TitleKK, p.TitleEN, p.TermDays, p.ThirdParty, p.CrossBorder, p.PublicSources,
		p.DataRU, p.DataKK, p.DataEN)
	return err
}

// SetConsentPurpose adds or changes a purpose of an edition's catalog
// (legal team or admin). A purpose that events already refer to is
// frozen: what users agreed to cannot be rewritten.
func (w *Workspace) SetConsentPurpose(ctx context.Context, p ConsentPurpose, reason string) error {
	p.Code = strings.TrimSpace(p.Code)
	switch {
	case !exportfile.ValidPurposeCode(p.Code):
		return &ValidationError{Field: "code", Reason: "a purpose code is lower-case latin letters, digits and _ (e.g. sms_third_party)"}
	case p.Edition <= 0:
		return &ValidationError{Field: "edition", Reason: "say which policy edition the purpose belongs to"}
	case strings.TrimSpace(p.TitleRU) == "" || strings.TrimSpace(p.TitleKK) == "":
		return &ValidationError{Field: "title", Reason: "the purpose needs a title in Russian and in Kazakh"}
	case strings.TrimSpace(p.DataRU) == "" || strings.TrimSpace(p.DataKK) == "":
		return &ValidationError{Field: "data", Reason: "Art. 8 asks for the list of data collected, in Russian and in Kazakh"}
	case p.TermDays < 0:
		return &ValidationError{Field: "term", Reason: "the term is a number of days, 0 for «until withdrawn»"}
	}
	for _, s := range []*string{&p.TitleRU, &p.TitleKK, &p.TitleEN, &p.DataRU, &p.DataKK, &p.DataEN, &p.Clauses} {
		*s = kz.NFC(strings.TrimSpace(*s))
	}
	return w.change(ctx, Change{Perm: PermPolicyEdit, Action: "consent.purpose", Object: fmt.Sprintf("policy:%d", p.Edition), Reason: reason,
		Details: map[string]any{"code": p.Code, "term_days": p.TermDays, "third_party": p.ThirdParty, "cross_border": p.CrossBorder, "public_sources": p.PublicSources}},
		func(tx *sql.Tx, c *Change) error {
			var exists int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM policy_editions WHERE number = ?`, p.Edition).Scan(&exists); err != nil {
				return err
			}
			if exists == 0 {
				return fmt.Errorf("policy edition %d: %w", p.Edition, ErrNotFound)
			}
			var used int
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM consent_events WHERE edition = ? AND purpose = ?)`, p.Edition, p.Code).Scan(&used); err != nil {
				return err
			}
			if used == 1 {
				return &ValidationError{Field: "code", Reason: fmt.Sprintf("consents to %s under edition %d are recorded; its terms cannot change (add it to a new edition)", p.Code, p.Edition)}
			}
			cat, err := freezeCatalog(ctx, tx, p.Edition)
			if err != nil {
				return err
			}
			if p.Position == 0 {
				p.Position = len(cat) + 1
				for _, q := range cat {
					if q.Code == p.Code {
						p.Position = q.Position
					}
				}
			}
			return putPurpose(ctx, tx, p)
		})
}

// PublishedEdition returns the number of the edition in force (the newest
// published one), 0 when none is published.
func (w *Workspace) PublishedEdition(ctx context.Context) (int, error) {
	return publishedEdition(ctx, w.db)
}

func publishedEdition(ctx context.Context, q queryer) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT coalesce(max(number), 0) FROM policy_editions WHERE status = 'published'`).Scan(&n)
	return n, err
}

// editionUsable checks that a consent can refer to edition: it exists and
// is not a draft (nobody saw a draft).
func editionUsable(ctx context.Context, q queryer, edition int) (string, error) {
	var status, sum string
	err := q.QueryRowContext(ctx, `SELECT status, sha256 FROM policy_editions WHERE number = ?`, edition).Scan(&status, &sum)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("no policy edition %d", edition)
	}
	if err != nil {
		return "", err
	}
	if status == string(EditionDraft) {
		return "", fmt.Errorf("policy edition %d is a draft: users cannot have seen it", edition)
	}
	return sum, nil
}

// ConsentRecord is a consent or withdrawal staff record by hand, e.g.
// received on paper.
type ConsentRecord struct {
	AccountID string
	Purpose   string
	Event     ConsentEventKind
	// Edition is the policy edition the consent refers to; 0 means the
	// edition in force.
	Edition     int
	Channel     string // default paper
	Language    string // default ru
	DocumentRef string // required: the paper's number or the file it is kept under
	Reason      string // required
	// At is when the user signed or withdrew; zero means now.
	At time.Time
}

// RecordConsent appends one event to the ledger and moves the current
// state, audited (compliance or admin; auditors may not).
func (w *Workspace) RecordConsent(ctx context.Context, r ConsentRecord) (*ConsentEvent, error) {
	if err := w.can(PermConsentsWrite); err != nil {
		return nil, err
	}
	r.DocumentRef = kz.NFC(strings.TrimSpace(r.DocumentRef))
	r.Reason = kz.NFC(strings.TrimSpace(r.Reason))
	if r.Channel == "" {
		r.Channel = "paper"
	}
	if r.Language == "" {
		r.Language = "ru"
	}
	switch {
	case r.Event != ConsentGiven && r.Event != ConsentWithdrawn && r.Event != ConsentExpired:
		return nil, &ValidationError{Field: "event", Reason: "say given, withdrawn or expired"}
	case !oneOfStr(r.Channel, exportfile.ConsentChannels):
		return nil, &ValidationError{Field: "channel", Reason: "use web, ios, android, paper, egov or other"}
	case !oneOfStr(r.Language, exportfile.ConsentLanguages):
		return nil, &ValidationError{Field: "language", Reason: "use ru or kk"}
	case r.DocumentRef == "":
		return nil, &ValidationError{Field: "document", Reason: "give the document reference (number and date of the paper, or where it is filed)"}
	case r.Reason == "":
		return nil, &ValidationError{Field: "reason", Reason: "give the reason for recording it"}
	}
	at := r.At
	if at.IsZero() {
		at = w.now()
	}
	if at.After(w.now().Add(time.Minute)) {
		return nil, &ValidationError{Field: "at", Reason: "a consent cannot be recorded for a future moment"}
	}
	ev := &ConsentEvent{AccountID: r.AccountID, Purpose: r.Purpose, Event: r.Event, Channel: r.Channel, Language: r.Language,
		At: at.UTC(), DocumentRef: r.DocumentRef, Reason: r.Reason, RecordedBy: w.me.Name}
	err := w.change(ctx, Change{Perm: PermConsentsWrite, Action: "consent." + string(r.Event), Object: "user:" + r.AccountID, Reason: r.Reason},
		func(tx *sql.Tx, c *Change) error {
			var uid int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE account_id = ?`, r.AccountID).Scan(&uid)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("user %s: %w", r.AccountID, ErrNotFound)
			}
			if err != nil {
				return err
			}
			ev.Edition = r.Edition
			if ev.Edition == 0 {
				if ev.Edition, err = publishedEdition(ctx, tx); err != nil {
					return err
				}
				if ev.Edition == 0 {
					return &ValidationError{Field: "edition", Reason: "no policy edition is published yet"}
				}
			}
			if _, err := editionUsable(ctx, tx, ev.Edition); err != nil {
				return &ValidationError{Field: "edition", Reason: err.Error()}
			}
			cat, err := freezeCatalog(ctx, tx, ev.Edition)
			if err != nil {
				return err
			}
			if !hasPurpose(cat, r.Purpose) {
				return &ValidationError{Field: "purpose", Reason: fmt.Sprintf("%q is not a purpose of edition %d's consent catalog", r.Purpose, ev.Edition)}
			}
			if ev.AuditSeq, err = nextAuditSeq(ctx, tx); err != nil {
				return err
			}
			ins := &consentInserter{w: w}
			if err := ins.prepare(ctx, tx); err != nil {
				return err
			}
			defer ins.close()
			outcome, err := ins.insert(ctx, uid, ev)
			if err != nil {
				return err
			}
			if outcome == "same" {
				return &ValidationError{Field: "event", Reason: "this event is already in the ledger"}
			}
			if err := ins.flush(ctx, tx); err != nil {
				return err
			}
			c.Details = map[string]any{"event_id": ev.ID, "purpose": ev.Purpose, "edition": ev.Edition, "channel": ev.Channel,
				"language": ev.Language, "at": ev.At.Format(time.RFC3339Nano)}
			c.Personal = &Personal{Subject: "user:" + r.AccountID, Data: map[string]any{"document_ref": ev.DocumentRef}}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("record consent %s %s of %s: %w", r.Purpose, r.Event, r.AccountID, err)
	}
	return w.ConsentEventByID(ctx, ev.ID)
}

func oneOfStr(v string, set []string) bool {
	for _, s := range set {
		if s == v {
			return true
		}
	}
	return false
}

func hasPurpose(cat []ConsentPurpose, code string) bool {
	for _, p := range cat {
		if p.Code == code {
			return true
		}
	}
	return false
}

// nextAuditSeq is the sequence number the transaction's audit entry will
// get (change appends it last, after fn).
func nextAuditSeq(ctx context.Context, tx *sql.Tx) (int64, error) {
	var s int64
	err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM audit_log`).Scan(&s)
	return s, err
}

// consentInserter appends events with prepared statements, moves the
// current state and counts the day's events for the report, which it
// writes once per transaction (flush).
type consentInserter struct {
	w     *Workspace
	loc   *time.Location
	ins   *sql.Stmt
	daily map[dailyKey]int
	// latest is the newest event of each user and purpose met in this
	// transaction: the current state is written once per key at flush,
	// not once per event.
	latest map[stateKey]stateRow
	// The import's batches (consents_batch.go): queued events, the
	// multi-row statement and its arguments, the ledger's largest id so
	// far in this transaction, and how many rows are still to be inserted
	// one by one after a batch met known events.
	pending  []pendingEvent
	insBatch *sql.Stmt
	// insBatchFor is the batch and audit entry insBatch writes.
	insBatchFor struct {
		batch sql.NullInt64
		seq   int64
	}
	findID  *sql.Stmt
	args    []any
	maxID   int64
	rowMode int
	// counting, when not nil, is the goroutine that keeps latest and
	// daily (startCounting); notes are the events not yet sent to it.
	counting chan []noted
	counted  chan struct{}
	notes    []noted
	// deferDaily: flush leaves the day counts in daily for the import,
	// which writes them once at its end (dailyTotals.take).
	deferDaily bool
	// User agents (consents_useragent.go): the ids met so far, the events
	// each new event adds to a user agent's n (kept by count, with latest
	// and daily) and the user agents this transaction stored.
	uaIDs         map[string]int64
	uaFind, uaAdd *sql.Stmt
	uaNew         map[int64]int
	uaAdded       []int64
	// uaLast is the last text looked up and its id: an export's events
	// come user by user, and a user's events mostly share a device.
	uaLast   string
	uaLastID int64
	// uaKept: uaIDs outlive a committed transaction, until a destruction
	// releases a user agent (uaReleased is consent_user_agents_released.n
	// when they were read).
	uaKept     bool
	uaReleased int64
}

type stateKey struct {
	uid     int64
	purpose string
}

type stateRow struct {
	event, channel, language string
	edition                  int
	at, id                   int64
}

// countKey is a row of consent_state_counts.
type countKey struct {
	purpose, state    string
	edition           int
	channel, language string
}

// addStateCounts moves consent_state_counts by counts.
func addStateCounts(ctx context.Context, tx *sql.Tx, counts map[countKey]int) error {
	var st *sql.Stmt
	defer func() {
		if st != nil {
			st.Close()
		}
	}()
	for k, n := range counts {
		if n == 0 {
			continue
		}
		if st == nil {
			var err error
			if st, err = tx.PrepareContext(ctx, `INSERT INTO consent_state_counts(purpose, state, edition, channel, language, n) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT(purpose, state, edition, channel, language) DO UPDATE SET n = n + excluded.n`); err != nil {
				return err
			}
		}
		if _, err := st.ExecContext(ctx, k.purpose, k.state, k.edition, k.channel, k.language, n); err != nil {
			return fmt.Errorf("consent state counts: %w", err)
		}
	}
	return nil
}

type dailyKey struct {
	y, m, d                           int
	edition                           int
	purpose, event, channel, language string
}

func (c *consentInserter) close() {
	for _, st := range []*sql.Stmt{c.ins, c.insBatch, c.findID, c.uaFind, c.uaAdd} {
		if st != nil {
			st.Close()
		}
	}
	c.ins, c.insBatch, c.findID, c.uaFind, c.uaAdd = nil, nil, nil, nil, nil
}

func (c *consentInserter) prepare(ctx context.Context, tx *sql.Tx) error {
	c.close()
	c.loc = c.w.Location()
	c.daily = map[dailyKey]int{}
	c.latest = map[stateKey]stateRow{}
	c.pending = c.pending[:0]
	c.rowMode = 0
	if err := c.keepUserAgents(ctx, tx); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM consent_events`).Scan(&c.maxID); err != nil {
		return err
	}
	var err error
	if c.ins, err = tx.PrepareContext(ctx, consentInsertSQL); err != nil {
		return err
	}
	return c.prepareUserAgents(ctx, tx)
}

// consentInsertSQL appends one event; an event already in the ledger is
// left alone (a re-import). The floor benchmark uses the same text.
const consentInsertSQL = `INSERT INTO consent_events(user_id, purpose, event, edition, language, channel, at, ip, user_agent_id,
	document_ref, reason, batch_id, audit_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT(user_id, purpose, at, event, edition) DO NOTHING`

// insert appends ev for user uid; it returns "new" or "same" (already in
// the ledger) and sets ev.ID for a new event.
func (c *consentInserter) insert(ctx context.Context, uid int64, ev *ConsentEvent) (string, error) {
	batch := sql.NullInt64{Int64: ev.BatchID, Valid: ev.BatchID != 0}
	at := nanos(ev.At)
	ua, err := c.userAgentID(ctx, ev.UserAgent)
	if err != nil {
		return "", err
	}
	res, err := c.ins.ExecContext(ctx, uid, ev.Purpose, string(ev.Event), ev.Edition, ev.Language, ev.Channel, at, ev.IP, uaArg(ua),
		ev.DocumentRef, ev.Reason, batch, ev.AuditSeq)
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "same", nil
	}
	ev.ID, _ = res.LastInsertId()
	y, m, d := ev.At.In(c.loc).Date()
	c.noteNew(&pendingEvent{uid: uid, purpose: ev.Purpose, event: string(ev.Event), language: ev.Language, channel: ev.Channel,
		edition: ev.Edition, at: at, y: y, m: int(m), d: d, ua: ua}, ev.ID)
	return "new", nil
}

// flush writes the current states and the day counts of the events
// inserted since the last flush, in the same transaction, and moves the
// counts of current states (consent_state_counts) by what it changed:
// counted here, once per chunk, not by a trigger per state row
// (migration 0012 dropped those; the delete trigger of a destruction
// stays).
func (c *consentInserter) flush(ctx context.Context, tx *sql.Tx) error {
	c.waitCounting()
	if err := c.flushUserAgents(ctx, tx); err != nil {
		return err
	}
	if len(c.latest) > 0 {
		counts := map[countKey]int{}
		// In user order: the state table's pages are then visited once.
		keys := make([]stateKey, 0, len(c.latest))
		for k := range c.latest {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if keys[i].uid != keys[j].uid {
				return keys[i].uid < keys[j].uid
			}
			return keys[i].purpose < keys[j].purpose
		})
		users := 1
		for i := 1; i < len(keys); i++ {
			if keys[i].uid != keys[i-1].uid {
				users++
			}
		}
		var upd *sql.Stmt
		defer func() {
			if upd != nil {
				upd.Close()
			}
		}()
		// replace moves a known key's state to r when r is later (files
		// arrive in any order).
		replace := func(k stateKey, r, old stateRow) error {
			if !(r.at > old.at || r.at == old.at && r.id > old.id) {
				return nil
			}
			if upd == nil {
				var err error
				if upd, err = tx.PrepareContext(ctx, `UPDATE consent_state SET state = ?, edition = ?, channel = ?, language = ?, at = ?, event_id = ?
					WHERE user_id = ? AND purpose = ?`); err != nil {
					return err
				}
			}
			if _, err := upd.ExecContext(ctx, r.event, r.edition, r.channel, r.language, r.at, r.id, k.uid, k.purpose); err != nil {
				return err
			}
			counts[countKey{k.purpose, old.event, old.edition, old.channel, old.language}]--
			counts[countKey{k.purpose, r.event, r.edition, r.channel, r.language}]++
			return nil
		}
		if lo, hi := keys[0].uid, keys[len(keys)-1].uid; hi-lo <= 4*int64(users)+1024 && !consentPerRow {
			// The chunk's users are close together (an export in user
			// order): their known states are one range read, and the new
			// ones one statement (insertStates).
			old, err := c.stateRange(ctx, tx, lo, hi)
			if err != nil {
				return err
			}
			newRows := make([]stateRow, 0, len(keys)-len(old))
			for _, k := range keys {
				r := c.latest[k]
				o, ok := old[k]
				if !ok {
					newRows = append(newRows, r)
					counts[countKey{k.purpose, r.event, r.edition, r.channel, r.language}]++
					continue
				}
				if err := replace(k, r, o); err != nil {
					return err
				}
			}
			if err := insertStates(ctx, tx, newRows); err != nil {
				return err
			}
		} else {
			// Users spread over the table: a key new to the state table
			// is one insert; a known one is read, and replaced only by a
			// later event.
			ins, err := tx.PrepareContext(ctx, `INSERT INTO consent_state(user_id, purpose, state, edition, channel, language, at, event_id)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(user_id, purpose) DO NOTHING`)
			if err != nil {
				return err
			}
			defer ins.Close()
			var get *sql.Stmt
			defer func() {
				if get != nil {
					get.Close()
				}
			}()
			for _, k := range keys {
				r := c.latest[k]
				res, err := ins.ExecContext(ctx, k.uid, k.purpose, r.event, r.edition, r.channel, r.language, r.at, r.id)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n == 1 {
					counts[countKey{k.purpose, r.event, r.edition, r.channel, r.language}]++
					continue
				}
				if get == nil {
					if get, err = tx.PrepareContext(ctx, `SELECT state, edition, channel, language, at, event_id FROM consent_state
						WHERE user_id = ? AND purpose = ?`); err != nil {
						return err
					}
				}
				var old stateRow
				if err := get.QueryRowContext(ctx, k.uid, k.purpose).Scan(&old.event, &old.edition, &old.channel, &old.language, &old.at, &old.id); err != nil {
					return err
				}
				if err := replace(k, r, old); err != nil {
					return err
				}
			}
		}
		clear(c.latest)
		if err := addStateCounts(ctx, tx, counts); err != nil {
			return err
		}
	}
	if len(c.daily) == 0 || c.deferDaily {
		// An import takes the chunk's day counts (c.daily) itself and
		// writes them at its end (consents_daily.go).
		return nil
	}
	if err := writeDaily(ctx, tx, c.daily); err != nil {
		return err
	}
	clear(c.daily)
	return nil
}

const consentEventCols = `e.id, u.account_id, e.purpose, e.event, e.edition, e.language, e.channel, e.at, e.ip, coalesce(ua.text, ''), e.document_ref,
	e.reason, coalesce(e.batch_id, 0), e.audit_seq, coalesce(a.hash, ''), coalesce(a.staff, ''), coalesce(a.at, '')`

const consentEventFrom = ` FROM consent_events e JOIN users u ON u.id = e.user_id LEFT JOIN audit_log a ON a.seq = e.audit_seq
	LEFT JOIN consent_user_agents ua ON ua.id = e.user_agent_id`

func scanConsentEvent(s scanner) (ConsentEvent, error) {
	var e ConsentEvent
	var event, recAt string
	var at int64
	err := s.Scan(&e.ID, &e.AccountID, &e.Purpose, &event, &e.Edition, &e.Language, &e.Channel, &at, &e.IP, &e.UserAgent, &e.DocumentRef,
		&e.Reason, &e.BatchID, &e.AuditSeq, &e.AuditHash, &e.RecordedBy, &recAt)
	e.Event = ConsentEventKind(event)
	e.At = fromNanos(at)
	e.RecordedAt, _ = time.Parse(auditTimeFormat, recAt)
	return e, err
}

// ConsentEventByID loads one event with the audit entry that recorded it.
func (w *Workspace) ConsentEventByID(ctx context.Context, id int64) (*ConsentEvent, error) {
	e, err := scanConsentEvent(w.db.QueryRowContext(ctx, `SELECT `+consentEventCols+consentEventFrom+` WHERE e.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("consent event %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// ConsentHistory lists a user's events, oldest first.
func (w *Workspace) ConsentHistory(ctx context.Context, accountID string) ([]ConsentEvent, error) {
	uid, err := userID(ctx, w.db, accountID)
	if err != nil {
		return nil, err
	}
	rows, err := w.db.QueryContext(ctx, `SELECT `+consentEventCols+consentEventFrom+` WHERE e.user_id = ? ORDER BY e.at, e.id`, uid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ConsentEvent
	for rows.Next() {
		e, err := scanConsentEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func userID(ctx context.Context, q queryer, accountID string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM users WHERE account_id = ?`, accountID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("user %s: %w", accountID, ErrNotFound)
	}
	return id, err
}

func termOf(ctx context.Context, q queryer, edition int, purpose string) int {
	cat, err := consentCatalog(ctx, q, edition)
	if err != nil {
		return 0
	}
	for _, p := range cat {
		if p.Code == purpose {
			return p.TermDays
		}
	}
	return 0
}

// ConsentStates returns a user's state for every purpose of the catalog
// of the edition in force (and any other purpose the user has events
// for), as it stood at the moment at; zero at means now, read from the
// current-state table.
func (w *Workspace) ConsentStates(ctx context.Context, accountID string, at time.Time) ([]ConsentState, error) {
	uid, err := userID(ctx, w.db, accountID)
	if err != nil {
		return nil, err
	}
	cur, err := w.PublishedEdition(ctx)
	if err != nil {
		return nil, err
	}
	cat, err := w.ConsentCatalog(ctx, max(cur, 1))
	if err != nil {
		return nil, err
	}
	var q string
	var args []any
	if at.IsZero() {
		q, args = `SELECT purpose, state, edition, channel, language, at, event_id FROM consent_state WHERE user_id = ?`, []any{uid}
	} else {
		// The latest event per purpose up to at: the unique index is
		// (user_id, purpose, at, …), so each purpose is one short range.
		q = `SELECT e.purpose, e.event, e.edition, e.channel, e.language, e.at, e.id FROM consent_events e
			WHERE e.user_id = ?1 AND e.id = (SELECT f.id FROM consent_events f WHERE f.user_id = ?1 AND f.purpose = e.purpose AND f.at <= ?2
			ORDER BY f.at DESC, f.id DESC LIMIT 1)`
		args = []any{uid, nanos(at)}
	}
	rows, err := w.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	got := map[string]ConsentState{}
	for rows.Next() {
		var s ConsentState
		var st string
		var t int64
		if err := rows.Scan(&s.Purpose, &st, &s.Edition, &s.Channel, &s.Language, &t, &s.EventID); err != nil {
			rows.Close()
			return nil, err
		}
		s.State, s.At = ConsentEventKind(st), fromNanos(t)
		got[s.Purpose] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []ConsentState
	seen := map[string]bool{}
	for _, p := range cat {
		s, ok := got[p.Code]
		if !ok {
			s = ConsentState{Purpose: p.Code}
		}
		seen[p.Code] = true
		out = append(out, s)
	}
	for code, s := range got {
		if !seen[code] {
			out = append(out, s)
		}
	}
	// Terms come from each state's edition's catalog, read once per
	// edition (most states share one or two): two queries a state were
	// most of this call's round trips.
	cats := map[int][]ConsentPurpose{max(cur, 1): cat}
	for i := range out {
		if out[i].Edition > 0 {
			c, ok := cats[out[i].Edition]
			if !ok {
				if c, err = consentCatalog(ctx, w.db, out[i].Edition); err != nil {
					c = nil // as termOf: no catalog, no term
				}
				cats[out[i].Edition] = c
			}
			for _, p := range c {
				if p.Code == out[i].Purpose {
					out[i].TermDays = p.TermDays
					break
				}
			}
		}
	}
	sortStatesTail(out, len(cat))
	return out, nil
}

// sortStatesTail orders purposes outside the catalog by code, after it.
func sortStatesTail(s []ConsentState, from int) {
	for i := from + 1; i < len(s); i++ {
		for j := i; j > from && s[j].Purpose < s[j-1].Purpose; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// consentStateAt is the state of one purpose at t, from the ledger.
func consentStateAt(ctx context.Context, q queryer, accountID, purpose string, at time.Time) (ConsentState, error) {
	s := ConsentState{Purpose: purpose}
	var st string
	var t int64
	err := q.QueryRowContext(ctx, `SELECT e.event, e.edition, e.channel, e.language, e.at, e.id FROM consent_events e JOIN users u ON u.id = e.user_id
		WHERE u.account_id = ? AND e.purpose = ? AND e.at <= ? ORDER BY e.at DESC, e.id DESC LIMIT 1`, accountID, purpose, nanos(at)).
		Scan(&st, &s.Edition, &s.Channel, &s.Language, &t, &s.EventID)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("consent of %s to %s at %s: %w", accountID, purpose, at.Format(time.RFC3339), err)
	}
	s.State, s.At = ConsentEventKind(st), fromNanos(t)
	s.TermDays = termOf(ctx, q, s.Edition, purpose)
	return s, nil
}

// ConsentStateAt returns accountID's state for purpose as it stood at t
// (the latest event at or before t).
func (w *Workspace) ConsentStateAt(ctx context.Context, accountID, purpose string, at time.Time) (ConsentState, error) {
	return consentStateAt(ctx, w.db, accountID, purpose, at)
}

// ConsentValidAt reports whether accountID's consent to purpose was in
// force at t: given, not withdrawn or expired, within its term. Disclosures
// under clauses 3.2.1 and 1.6 are lawful only then.
func (w *Workspace) ConsentValidAt(ctx context.Context, accountID, purpose string, at time.Time) (bool, error) {
	return consentValidAt(ctx, w.db, accountID, purpose, at)
}
