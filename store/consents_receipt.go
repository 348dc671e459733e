package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// ConsentReceipt is a machine-readable receipt of one consent event,
// with the fields of the Kantara Initiative Consent Receipt
// Specification v1.1 (JSON names as in the specification), extended
// under "legco" with what Law No. 94-V Art. 8 asks a consent to state,
// the policy edition's SHA-256 and the audit entry that recorded it.
type ConsentReceipt struct {
	Version          string                  `json:"version"`
	Jurisdiction     string                  `json:"jurisdiction"`
	ConsentTimestamp int64                   `json:"consentTimestamp"`
	CollectionMethod string                  `json:"collectionMethod"`
	ConsentReceiptID string                  `json:"consentReceiptID"`
	PublicKey        string                  `json:"publicKey,omitempty"`
	Language         string                  `json:"language"`
	PiiPrincipalID   string                  `json:"piiPrincipalId"`
	PiiControllers   []ReceiptController     `json:"piiControllers"`
	PolicyURL        string                  `json:"policyUrl"`
	Services         []ReceiptService        `json:"services"`
	Sensitive        bool                    `json:"sensitive"`
	SpiCat           []string                `json:"spiCat"`
	LegCo            ConsentReceiptExtension `json:"legco"`
}

// ReceiptController is a PII controller of the receipt.
type ReceiptController struct {
	PiiController    string `json:"piiController"`
	OnBehalf         bool   `json:"onBehalf"`
	Contact          string `json:"contact"`
	Address          string `json:"address"`
	Email            string `json:"email"`
	Phone            string `json:"phone"`
	PiiControllerURL string `json:"piiControllerUrl"`
}

// ReceiptService is a service and the purposes consented to.
type ReceiptService struct {
	Service  string           `json:"service"`
	Purposes []ReceiptPurpose `json:"purposes"`
}

// ReceiptPurpose is one purpose of a service.
type ReceiptPurpose struct {
	Purpose              string   `json:"purpose"`
	PurposeCategory      []string `json:"purposeCategory"`
	ConsentType          string   `json:"consentType"`
	PiiCategory          []string `json:"piiCategory"`
	PrimaryPurpose       bool     `json:"primaryPurpose"`
	Termination          string   `json:"termination"`
	ThirdPartyDisclosure bool     `json:"thirdPartyDisclosure"`
	ThirdPartyName       string   `json:"thirdPartyName"`
}

// ConsentReceiptExtension is what the receipt adds to Kantara's fields.
type ConsentReceiptExtension struct {
	EventID       int64  `json:"eventId"`
	Event         string `json:"event"`
	PurposeCode   string `json:"purposeCode"`
	Clauses       string `json:"clauses"`
	Channel       string `json:"channel"`
	Edition       int    `json:"edition"`
	EditionSHA256 string `json:"editionSha256"`
	AuditSeq      int64  `json:"auditSeq"`
	AuditHash     string `json:"auditEntryHash"`
	RecordedBy    string `json:"recordedBy"`
	RecordedAt    string `json:"recordedAt"`
	Evidence      struct {
		IP          string `json:"ip"`
		UserAgent   string `json:"userAgent"`
		DocumentRef string `json:"documentRef"`
		Reason      string `json:"reason"`
	} `json:"evidence"`
	Art8 ConsentReceiptArt8 `json:"art8"`
}

// ConsentReceiptArt8 are the particulars of Law No. 94-V, Art. 8.
type ConsentReceiptArt8 struct {
	OperatorName  string `json:"operatorName"`
	OperatorBIN   string `json:"operatorBin"`
	SubjectName   string `json:"subjectName"`
	Term          string `json:"term"`
	TermDays      int    `json:"termDays"`
	ThirdParty    bool   `json:"thirdPartyTransfer"`
	CrossBorder   bool   `json:"crossBorderTransfer"`
	PublicSources bool   `json:"publicSources"`
	Data          string `json:"data"`
}

// ReceiptVersion is the Kantara specification version the receipt follows.
const ReceiptVersion = "KI-CR-v1.1.0"

// PolicyURL is where LegCo publishes its privacy policy (clause 6.1).
const PolicyURL = "https://www.legco.kz/privacy"

// JSON is the receipt as `consents receipt` prints it and the app shows
// and copies it: indented, with "&" and «» as they are (encoding/json
// would write "K\u0026T" for the operator's name).
func (r *ConsentReceipt) JSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ConsentReceipt builds the receipt of one ledger event. The receipt id
// is derived from the workspace and the event, so the same event always
// gets the same receipt.
func (w *Workspace) ConsentReceipt(ctx context.Context, eventID int64) (*ConsentReceipt, error) {
	ev, err := w.ConsentEventByID(ctx, eventID)
	if err != nil {
		return nil, err
	}
	u, err := w.GetUser(ctx, ev.AccountID)
	if err != nil {
		return nil, err
	}
	op, err := w.Operator(ctx)
	if err != nil {
		return nil, err
	}
	ed, err := w.PolicyEdition(ctx, ev.Edition)
	if err != nil {
		return nil, err
	}
	p, err := w.ConsentPurposeOf(ctx, ev.Edition, ev.Purpose)
	if err != nil {
		return nil, err
	}
	lang := ev.Language
	id := sha256.Sum256([]byte(fmt.Sprintf("legco-consent-receipt/v1\x00%s\x00%d", w.WorkspaceID(), ev.ID)))
	id[6] = id[6]&0x0f | 0x50 // shaped as a name-based UUID
	id[8] = id[8]&0x3f | 0x80
	h := hex.EncodeToString(id[:16])
	r := &ConsentReceipt{
		Version: ReceiptVersion, Jurisdiction: "KZ", ConsentTimestamp: ev.At.Unix(),
		CollectionMethod: collectionMethod(ev.Channel),
		ConsentReceiptID: h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32],
		Language:         lang, PiiPrincipalID: ev.AccountID,
		PiiControllers: []ReceiptController{{PiiController: op.Name(lang), Contact: op.Contact, Address: op.Address(lang),
			Email: contactIf(op.Contact, true), Phone: contactIf(op.Contact, false), PiiControllerURL: "https://www.legco.kz"}},
		PolicyURL: PolicyURL,
		Services: []ReceiptService{{Service: "LegCo (www.legco.kz)", Purposes: []ReceiptPurpose{{
			Purpose: p.Title(lang), PurposeCategory: []string{p.Code}, ConsentType: consentType(ev.Channel),
			PiiCategory: []string{p.Data(lang)}, PrimaryPurpose: p.Code == PurposePolicy, Termination: termText(p, lang),
			ThirdPartyDisclosure: p.ThirdParty, ThirdPartyName: thirdPartyName(p, lang)}}}},
		SpiCat: []string{},
	}
	x := &r.LegCo
	x.EventID, x.Event, x.PurposeCode, x.Clauses, x.Channel = ev.ID, string(ev.Event), ev.Purpose, p.Clauses, ev.Channel
	x.Edition, x.EditionSHA256 = ev.Edition, ed.SHA256
	x.AuditSeq, x.AuditHash, x.RecordedBy = ev.AuditSeq, ev.AuditHash, ev.RecordedBy
	if !ev.RecordedAt.IsZero() {
		x.RecordedAt = ev.RecordedAt.Format("2006-01-02T15:04:05Z07:00")
	}
	x.Evidence.IP, x.Evidence.UserAgent, x.Evidence.DocumentRef, x.Evidence.Reason = ev.IP, ev.UserAgent, ev.DocumentRef, ev.Reason
	x.Art8 = ConsentReceiptArt8{OperatorName: op.Name(lang), OperatorBIN: op.BIN, SubjectName: u.FullName, Term: termText(p, lang), TermDays: p.TermDays,
		ThirdParty: p.ThirdParty, CrossBorder: p.CrossBorder, PublicSources: p.PublicSources, Data: p.Data(lang)}
	return r, nil
}

func collectionMethod(channel string) string {
	switch channel {
	case "web":
		return "web form at www.legco.kz"
	case "ios":
		return "LegCo iOS app"
	case "android":
		return "LegCo Android app"
	case "paper":
		return "signed paper form"
	case "egov":
		return "state consent service (eGov)"
	}
	return "other"
}

func consentType(channel string) string {
	if channel == "paper" {
		return "EXPRESSED (written)"
	}
	return "EXPRESSED"
}

func contactIf(c string, email bool) string {
	for i := 0; i < len(c); i++ {
		if c[i] == '@' {
			if email {
				return c
			}
			return ""
		}
	}
	if email {
		return ""
	}
	return c
}

// termText says the purpose's term in lang.
func termText(p ConsentPurpose, lang string) string {
	if p.TermDays <= 0 {
		switch lang {
		case "kk":
			return "кері қайтарып алғанға дейін"
		case "en":
			return "until withdrawn"
		}
		return "до отзыва"
	}
	switch lang {
	case "kk":
		return fmt.Sprintf("%d күн (кері қайтарып алғанға дейін)", p.TermDays)
	case "en":
		return fmt.Sprintf("%d days (or until withdrawn)", p.TermDays)
	}
	return fmt.Sprintf("%d дн. (или до отзыва)", p.TermDays)
}

// ConsentTermText says a purpose's term in lang (ru, kk, en).
func ConsentTermText(p ConsentPurpose, lang string) string { return termText(p, lang) }

func thirdPartyName(p ConsentPurpose, lang string) string {
	if !p.ThirdParty {
		return ""
	}
	switch p.Code {
	case PurposeSMSThirdParty:
		if lang == "kk" {
			return "SMS жіберу қызметтерінің операторлары"
		}
		return "операторы SMS-рассылок"
	case PurposeCounterpartyDisclosure:
		if lang == "kk" {
			return "LegCo пайдаланушылары (контрагенттер)"
		}
		return "пользователи LegCo (контрагенты)"
	}
	if lang == "kk" {
		return "үшінші тұлғалар"
	}
	return "третьи лица"
}
