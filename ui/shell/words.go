package shell

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2/lang"

	"legco.kz/compliance/store"
)

// ActionWord names an audit action (the codes the store writes, such as
// "user.destroy") in the UI language. Screens show it instead of the
// code; the code stays visible only behind the audit entry's "raw"
// toggle. An action this catalogue does not know yet is shown as its
// code (and ui/shell's test fails until it is added).
func ActionWord(action string) string {
	switch action {
	case "user.update":
		return lang.L("data changed")
	case "user.block":
		return lang.L("processing blocked")
	case "user.unblock":
		return lang.L("block lifted")
	case "user.depersonalize":
		return lang.L("data depersonalized")
	case "user.destroy":
		return lang.L("data destroyed")
	case "import.users":
		return lang.L("users imported")
	case "import.access-log":
		return lang.L("access log imported")
	case "import.demo":
		return lang.L("demo data generated")
	case "policy.import":
		return lang.L("policy edition imported")
	case "policy.draft":
		return lang.L("new policy draft")
	case "policy.edit":
		return lang.L("policy draft edited")
	case "policy.delete":
		return lang.L("policy draft deleted")
	case "policy.publish":
		return lang.L("policy edition published")
	case "workspace.create":
		return lang.L("workspace created")
	case "workspace.rekey":
		return lang.L("workspace key rotated")
	case "staff.add":
		return lang.L("staff member enrolled")
	case "staff.readd":
		return lang.L("former staff member enrolled again")
	case "staff.reenrol":
		return lang.L("staff member re-enrolled after a key rotation")
	case "staff.remove":
		return lang.L("staff member removed")
	case "staff.passphrase":
		return lang.L("passphrase changed by its owner")
	case "staff.profile":
		return lang.L("staff profile changed")
	case "settings.autolock":
		return lang.L("auto-lock time changed")
	case "settings.operator":
		return lang.L("operator details changed")
	case "settings.timezone":
		return lang.L("time zone changed")
	case "consent.purpose":
		return lang.L("consent purpose changed")
	case "import.consents":
		return lang.L("consents imported")
	case "policy.fix":
		return lang.L("policy draft corrected")
	case "policy.notice":
		return lang.L("change notice issued")
	case "policy.reconsent":
		return lang.L("renewed consent requested")
	case "request.assign":
		return lang.L("request assigned")
	case "request.attach":
		return lang.L("file attached to a request")
	case "request.create":
		return lang.L("request registered")
	case "request.fulfil":
		return lang.L("request fulfilled")
	case "request.transition":
		return lang.L("request status changed")
	case "settings.backup_reminder":
		return lang.L("backup reminder changed")
	case "settings.calendar":
		return lang.L("working calendar changed")
	case "settings.request-deadline":
		return lang.L("request deadline changed")
	case "workspace.backup":
		return lang.L("backup made")
	case "workspace.db":
		return lang.L("workspace file replaced")
	case "workspace.restore":
		return lang.L("workspace restored from a backup")
	case "workspace.rollback_warning":
		return lang.L("rollback warning recorded")
	case "consent.given":
		return lang.L("consent given")
	case "consent.withdrawn":
		return lang.L("consent withdrawn")
	case "consent.expired":
		return lang.L("consent expired")
	case "act.export":
		return lang.L("destruction act exported")
	case "demo.requests":
		return lang.L("demo requests generated")
	case "policy.finding.accept":
		return lang.L("policy wording accepted as right")
	case "policy.finding.revoke":
		return lang.L("acceptance of a policy wording withdrawn")
	case "policy.glossary.put":
		return lang.L("glossary entry saved")
	case "policy.glossary.remove":
		return lang.L("glossary entry removed")
	}
	return action
}

// StatusWord names a LegCo account status (the export's account_status)
// in the UI language; an unknown status is shown as LegCo wrote it.
func StatusWord(status string) string {
	switch strings.ToLower(strings.TrimSpace(status)) {
	case "":
		return "—"
	case "active":
		return lang.L("active")
	case "blocked":
		return lang.L("blocked")
	case "suspended":
		return lang.L("suspended")
	case "deleted":
		return lang.L("deleted")
	}
	return status
}

// SystemReason translates the reasons the program itself writes into the
// audit log ("import of demo", "enrol staff member"); a reason a person
// typed is returned as typed.
func SystemReason(reason string) string {
	switch reason {
	case "new workspace":
		return lang.L("new workspace")
	case "enrol staff member":
		return lang.L("enrol staff member")
	case "passphrase changed by its owner":
		return lang.L("passphrase changed by its owner")
	case "staff profile changed":
		return lang.L("staff profile changed")
	case "auto-lock changed":
		return lang.L("auto-lock time changed")
	case "operator details changed":
		return lang.L("operator details changed")
	case "time zone changed":
		return lang.L("time zone changed")
	case "backup":
		return lang.L("backup made")
	case "restore from backup":
		return lang.L("workspace restored from a backup")
	case "backup reminder changed":
		return lang.L("backup reminder changed")
	case "demo requests":
		return lang.L("demo requests generated")
	case "detected on open":
		return lang.L("detected when the workspace was opened")
	case "first export of the act":
		return lang.L("first export of the act")
	// The demo's policy editions (store/consents_demo.go).
	case "demo: new edition":
		return lang.L("demo: new edition")
	case "demo: the edition shipped with the program":
		return lang.L("demo: the edition shipped with the program")
	case "demo: contact address for data subjects":
		return lang.L("demo: contact address for data subjects")
	case "demo: withdrawal of the SMS consent":
		return lang.L("demo: withdrawal of the SMS consent")
	}
	if code, ok := strings.CutPrefix(reason, "suggested correction: "); ok {
		return lang.L("suggested correction ({{.Code}})", map[string]any{"Code": code})
	}
	if f, ok := strings.CutPrefix(reason, "import of "); ok {
		if f == "demo" {
			return lang.L("demo data generated")
		}
		return lang.L("import of {{.File}}", map[string]any{"File": f})
	}
	return reason
}

// DetailLabel names a key of an audit entry's details in the UI language.
func DetailLabel(key string) string {
	switch key {
	case "act":
		return lang.L("Destruction act")
	case "counts":
		return lang.L("Destroyed")
	case "file":
		return lang.L("Import file")
	case "file_sha256":
		return lang.L("File SHA-256")
	case "chunk":
		return lang.L("Part")
	case "complete":
		return lang.L("Complete")
	case "new":
		return lang.L("New")
	case "updated":
		return lang.L("Updated")
	case "same":
		return lang.L("Unchanged")
	case "rejected":
		return lang.L("Rejected")
	case "field":
		return lang.L("Field")
	case "fields":
		return lang.L("Fields")
	case "source":
		return lang.L("Source")
	case "kept":
		return lang.L("Kept")
	case "audit_payloads_erased":
		return lang.L("Audit payloads erased")
	case "name_ru":
		return lang.L("Name (Russian)")
	case "name_kk":
		return lang.L("Name (Kazakh)")
	case "bin":
		return lang.L("BIN")
	case "address_ru":
		return lang.L("Address (Russian)")
	case "address_kk":
		return lang.L("Address (Kazakh)")
	case "contact":
		return lang.L("Contact")
	case "timezone":
		return lang.L("Time zone")
	case "sha256":
		return lang.L("SHA-256")
	case "from_sha256":
		return lang.L("SHA-256 before")
	case "clauses":
		return lang.L("Clauses")
	case "changes":
		return lang.L("Changes")
	case "updated_on":
		return lang.L("Last updated")
	case "effective_on":
		return lang.L("Effective from")
	case "retired":
		return lang.L("Edition retired")
	case "autolock_seconds":
		return lang.L("Auto-lock (seconds)")
	case "name":
		return lang.L("Staff name")
	case "role":
		return lang.L("Role")
	case "slots_invalidated":
		return lang.L("Key slots invalidated")
	case "full_name":
		return lang.L("Full name")
	case "position":
		return lang.L("Position")
	case "admin":
		return lang.L("First admin")
	case "workspace_id":
		return lang.L("Workspace id")
	case "request":
		return lang.L("Request")
	case "access_rows_kept":
		return lang.L("Access-log rows kept")
	case "accounts":
		return lang.L("Accounts")
	case "assignee":
		return lang.L("Assignee")
	case "at":
		return lang.L("Audit detail: moment")
	case "audit_seq":
		return lang.L("Audit entry number")
	case "backup_audit_seq":
		return lang.L("Last audit entry in the backup")
	case "backup_created_at":
		return lang.L("Backup made at")
	case "backup_id":
		return lang.L("Backup id")
	case "backup_reminder_days":
		return lang.L("Backup reminder (days)")
	case "bytes":
		return lang.L("Size (bytes)")
	case "size":
		return lang.L("Size (bytes)")
	case "channel":
		return lang.L("Consent channel")
	case "clause":
		return lang.L("Policy clause")
	case "code":
		return lang.L("Audit detail: code")
	case "cross_border":
		return lang.L("Cross-border transfer")
	case "disclosed_accounts":
		return lang.L("Accounts disclosed")
	case "due":
		return lang.L("Due")
	case "edition":
		return lang.L("Policy edition")
	case "event_id":
		return lang.L("Consent event id")
	case "folder":
		return lang.L("Backup folder")
	case "forced":
		return lang.L("Restored despite warnings")
	case "found":
		return lang.L("Text found")
	case "from":
		return lang.L("Audit detail: from")
	case "to":
		return lang.L("Audit detail: to")
	case "ground":
		return lang.L("Ground")
	case "items":
		return lang.L("Notice items")
	case "key":
		return lang.L("Finding key")
	case "kind":
		return lang.L("Kind")
	case "kk":
		return lang.L("Audit detail: kk")
	case "ru":
		return lang.L("Audit detail: ru")
	case "old_ru":
		return lang.L("Russian before")
	case "old_kk":
		return lang.L("Kazakh before")
	case "old_kind":
		return lang.L("Kind before")
	case "approved_fields":
		return lang.L("Approved fields")
	case "lang":
		return lang.L("Audit detail: language")
	case "language":
		return lang.L("Audit detail: language")
	case "lines":
		return lang.L("Lines")
	case "lost_entries":
		return lang.L("Audit entries lost")
	case "mime":
		return lang.L("File type")
	case "needs_reconsent":
		return lang.L("Needs renewed consent")
	case "new_sha256":
		return lang.L("SHA-256 after")
	case "old_sha256":
		return lang.L("SHA-256 before")
	case "package_sha256":
		return lang.L("Package SHA-256")
	case "pdf_sha256":
		return lang.L("PDF SHA-256")
	case "previous":
		return lang.L("Previous assignee")
	case "public_sources":
		return lang.L("Publication in public sources")
	case "purpose":
		return lang.L("Consent purpose")
	case "received":
		return lang.L("Received")
	case "replaced":
		return lang.L("Replaced file kept as")
	case "replacement":
		return lang.L("Replaced with")
	case "requester_type":
		return lang.L("Requester type")
	case "requests":
		return lang.L("Requests")
	case "seed":
		return lang.L("Generator seed")
	case "supersedes":
		return lang.L("Supersedes edition")
	case "term_days":
		return lang.L("Consent term (days)")
	case "third_party":
		return lang.L("Transfer to third parties")
	case "warning":
		return lang.L("Warning")
	case "working_days":
		return lang.L("Working days")
	}
	return key
}

// Detail is one labelled field of an audit entry's details.
type Detail struct {
	Key, Label, Value string
}

// DetailFields turns an audit entry's details (a JSON object) into
// labelled fields in the UI language, sorted by label. Values that are
// codes (a role, a source, a yes/no) become words; lists and objects are
// written out one item after another. A details text that is not a JSON
// object gives nil: show it raw.
func DetailFields(details string) []Detail {
	var m map[string]any
	if json.Unmarshal([]byte(details), &m) != nil || len(m) == 0 {
		return nil
	}
	out := make([]Detail, 0, len(m))
	for k, v := range m {
		out = append(out, Detail{Key: k, Label: DetailLabel(k), Value: detailValue(k, v)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

func detailValue(key string, v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case bool:
		if x {
			return lang.L("yes")
		}
		return lang.L("no")
	case float64:
		if x == float64(int64(x)) {
			return fmt.Sprint(int64(x))
		}
		return fmt.Sprint(x)
	case string:
		switch key {
		case "role":
			return RoleName(store.Role(x))
		case "source":
			if x == "import" {
				return lang.L("an import")
			}
		}
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = detailValue(key, e)
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + detailValue(k, x[k])
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}
