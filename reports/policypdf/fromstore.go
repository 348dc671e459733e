package policypdf

import "legco.kz/compliance/store"

// FromStore maps a stored edition onto what the PDF prints. Drafts are
// internal review copies and carry the workspace's audit head like every
// other report; a published or retired edition is the public privacy.pdf
// and prints only its own content hash, so the same edition always gives
// the same bytes however the workspace has moved on.
func FromStore(e *store.Edition, head store.AuditHead) Edition {
	pe := Edition{Number: e.Number, Status: string(e.Status), UpdatedOn: e.UpdatedOn, EffectiveOn: e.EffectiveOn,
		Author: e.Author, Doc: e.Doc, SHA256: e.SHA256}
	if e.Status == store.EditionDraft && head.Seq > 0 {
		pe.AuditHead = head.String()
	}
	return pe
}
