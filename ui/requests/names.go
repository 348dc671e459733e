package requests

import (
	"errors"

	"fyne.io/fyne/v2/lang"

	"legco.kz/compliance/store"
	"legco.kz/compliance/ui/shell"
)

// KindName is a request kind in the UI language.
func KindName(k store.RequestKind) string {
	switch k {
	case store.KindDisclosure:
		return lang.L("Disclosure")
	case store.KindAccess:
		return lang.L("Access")
	case store.KindRectification:
		return lang.L("Rectification")
	case store.KindBlocking:
		return lang.L("Blocking")
	case store.KindDestruction:
		return lang.L("Destruction")
	case store.KindWithdrawal:
		return lang.L("Consent withdrawal")
	case store.KindRecipients:
		return lang.L("Recipients")
	}
	return string(k)
}

// StateName is a workflow state in the UI language.
func StateName(s store.RequestState) string {
	switch s {
	case store.RequestReceived:
		return lang.L("Received")
	case store.RequestVerifying:
		return lang.L("Verifying")
	case store.RequestUnderReview:
		return lang.L("Under review")
	case store.RequestApproved:
		return lang.L("Approved")
	case store.RequestPartiallyApproved:
		return lang.L("Partially approved")
	case store.RequestRejected:
		return lang.L("Rejected")
	case store.RequestFulfilled:
		return lang.L("Fulfilled")
	case store.RequestClosed:
		return lang.L("Closed")
	}
	return string(s)
}

// actionName is the button that moves a request to s.
func actionName(s store.RequestState) string {
	switch s {
	case store.RequestVerifying:
		return lang.L("Start verification")
	case store.RequestUnderReview:
		return lang.L("Send for review")
	case store.RequestApproved:
		return lang.L("Approve")
	case store.RequestPartiallyApproved:
		return lang.L("Approve in part")
	case store.RequestRejected:
		return lang.L("Reject")
	case store.RequestFulfilled:
		return lang.L("Carry out")
	case store.RequestClosed:
		return lang.L("Close")
	}
	return StateName(s)
}

// RequesterName is a requester type in the UI language.
func RequesterName(t store.RequesterType) string {
	switch t {
	case store.RequesterCourt:
		return lang.L("Court")
	case store.RequesterInvestigator:
		return lang.L("Investigator / police")
	case store.RequesterProsecutor:
		return lang.L("Prosecutor")
	case store.RequesterStateBody:
		return lang.L("Other state body")
	case store.RequesterCounterparty:
		return lang.L("Counterparty")
	case store.RequesterBuyer:
		return lang.L("Buyer / successor")
	case store.RequesterOther:
		return lang.L("Other requester")
	case store.RequesterSubject:
		return lang.L("Data subject")
	}
	return string(t)
}

// GroundName is a legal ground with its clause.
func GroundName(g store.Ground) string {
	switch g {
	case store.GroundConsent:
		return lang.L("3.2.1 with the user's consent")
	case store.GroundService:
		return lang.L("3.2.2 needed for a product or service")
	case store.GroundLaw:
		return lang.L("3.2.3 required by the law of Kazakhstan")
	case store.GroundSale:
		return lang.L("3.2.4 reorganisation or sale")
	case store.GroundRights:
		return lang.L("3.2.5 protecting the company's rights")
	case store.GroundCounterparty:
		return lang.L("1.6 to a counterparty with consent")
	}
	return string(g)
}

// FieldName is a requestable field in the UI language.
func FieldName(key string) string {
	switch key {
	case "account_id":
		return lang.L("Account id")
	case "full_name":
		return lang.L("Full name")
	case "iin":
		return lang.L("IIN")
	case "phone":
		return lang.L("Phone")
	case "email":
		return lang.L("E-mail")
	case "birth_date":
		return lang.L("Date of birth")
	case "address":
		return lang.L("Address")
	case "entity_bin":
		return lang.L("Legal entity BIN")
	case "entity_name":
		return lang.L("Legal entity")
	case "registered_at":
		return lang.L("Registered")
	case store.FieldAccessLog:
		return lang.L("Access log (1.1.2)")
	case store.FieldPublicData:
		return lang.L("Data from other sources (1.1.3)")
	case store.FieldDisclosures:
		return lang.L("Disclosures")
	}
	return key
}

// outcomeName is what a fulfilment found for an account.
func outcomeName(o, act string) string {
	switch o {
	case store.OutcomeHeld:
		return lang.L("data held")
	case store.OutcomeNoData:
		return lang.L("no data held")
	case store.OutcomeDestroyed:
		return lang.L("destroyed under act {{.Act}}", map[string]any{"Act": act})
	case store.OutcomeDepersonalized:
		return lang.L("depersonalized")
	}
	return o
}

// errorText explains a refused rule or a request's invalid field in
// words; other errors as the shell does.
func errorText(err error) string {
	var fe *store.FourEyesError
	var re *store.RuleError
	var ve *store.ValidationError
	if errors.As(err, &ve) {
		switch ve.Field {
		case "account":
			return lang.L("Name at least one account id of the subject (a data subject's request: exactly one).")
		case "requester":
			return lang.L("Name the organisation that asks.")
		case "requester-type":
			return lang.L("Choose the requester type.")
		case "ground":
			return lang.L("Choose the legal ground of the disclosure.")
		case "fields":
			return lang.L("Choose the fields: those the requester asks for; a partial approval names fewer than were asked.")
		case "details":
			return lang.L("Write the corrections as field=new value; field=new value (e.g. phone=+77011234567).")
		case "received":
			return lang.L("The date received must be today or earlier.")
		case "attachment":
			return lang.L("The file must be a PDF, PNG, JPEG or TIFF (checked by its content) of at most 10 MiB.")
		case "reason":
			return lang.L("A reason is required; it is kept in the timeline and the audit log.")
		}
	}
	switch {
	case errors.As(err, &fe):
		return lang.L("Four eyes: {{.Staff}} prepared this disclosure and cannot approve it too. Another staff member must approve it.", map[string]any{"Staff": fe.Preparer})
	case errors.As(err, &re):
		switch re.Rule {
		case "consent":
			return lang.L("Refused: account {{.Account}} has no consent in force for this disclosure (never given, expired or withdrawn). Grounds 3.2.1 and 1.6 need it at approval and at fulfilment.", map[string]any{"Account": re.Account})
		case "no_ledger":
			return lang.L("Refused: grounds 3.2.1 and 1.6 need the user's consent, and this version has no consent ledger to check it. Disclose on another ground or after the ledger is installed.")
		case "blocked":
			return lang.L("Refused: account {{.Account}} is blocked; a blocked user's data is disclosed only where the law requires it (ground 3.2.3).", map[string]any{"Account": re.Account})
		case "fields":
			return lang.L("Refused: only the fields that were requested can be approved.")
		}
		return lang.L("Refused: {{.Detail}}", map[string]any{"Detail": re.Detail})
	}
	return shell.ErrorText(err)
}

func (s *Screen) showError(err error) {
	if err == nil {
		return
	}
	if errors.Is(err, store.ErrRuleRefused) {
		s.env.ShowError(shell.UserError(errorText(err)))
		return
	}
	s.env.ShowError(err)
}
