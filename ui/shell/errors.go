package shell

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"legco.kz/compliance/store"
)

// RoleName is a role's name for people, in the UI language.
func RoleName(r store.Role) string {
	switch r {
	case store.RoleAdmin:
		return lang.L("Administrator")
	case store.RoleCompliance:
		return lang.L("Compliance officer")
	case store.RoleLegal:
		return lang.L("Lawyer")
	case store.RoleAuditor:
		return lang.L("Auditor")
	}
	return string(r)
}

// PermissionText says in the UI language what p allows.
func PermissionText(p store.Permission) string {
	switch p {
	case store.PermStaffManage:
		return lang.L("add or remove staff")
	case store.PermWorkspaceRekey:
		return lang.L("rotate the workspace key")
	case store.PermSettings:
		return lang.L("change workspace settings")
	case store.PermOwnPassphrase:
		return lang.L("change your own passphrase")
	case store.PermRecordsImport:
		return lang.L("import user records")
	case store.PermRecordsWrite:
		return lang.L("change user records")
	case store.PermRecordsDestroy:
		return lang.L("destroy user records")
	case store.PermPolicyEdit:
		return lang.L("edit policy drafts")
	case store.PermPolicyPublish:
		return lang.L("publish policy editions")
	case store.PermRequestsWrite:
		return lang.L("change requests")
	case store.PermConsentsWrite:
		return lang.L("change consents")
	case store.PermAuditAnnotation:
		return lang.L("annotate the audit log")
	}
	return p.Describe()
}

func fieldName(f string) string {
	switch f {
	case "name", "admin":
		return lang.L("Name")
	case "role":
		return lang.L("Role")
	case "passphrase":
		return lang.L("Passphrase")
	case "auto-lock":
		return lang.L("Auto-lock")
	}
	return f
}

func validationReason(r string) string {
	switch {
	case r == "must be at least 8 characters":
		return lang.L("must be at least 8 characters")
	case r == "a staff name is required":
		return lang.L("a staff name is required")
	case r == "must be between 30 seconds and 8 hours":
		return lang.L("must be between 30 seconds and 8 hours")
	case r == "you cannot remove yourself; ask another admin":
		return lang.L("you cannot remove yourself; ask another administrator")
	case strings.Contains(r, "is already enrolled"):
		return lang.L("this member is already enrolled; to change a passphrase the member signs in and changes it")
	}
	return r
}

// UserError is an error whose text is already written for people in the
// UI language (e.g. a validation message); ErrorText shows it as is.
type UserError string

func (e UserError) Error() string { return string(e) }

// ErrorText explains err to the signed-in member in the UI language:
// a role refusal, a validation problem, a wrong passphrase, or a failure.
func ErrorText(err error) string {
	var fe *store.ForbiddenError
	var ve *store.ValidationError
	switch {
	case err == nil:
		return ""
	case errors.As(err, new(UserError)):
		var ue UserError
		errors.As(err, &ue)
		return string(ue)
	case errors.As(err, &fe):
		return lang.L("Your role ({{.Role}}) does not allow you to {{.Action}}. Ask an administrator if you need this.",
			map[string]any{"Role": RoleName(fe.Role), "Action": PermissionText(fe.Action)})
	case errors.Is(err, store.ErrForbidden):
		return lang.L("Your role does not allow this action.")
	case errors.Is(err, store.ErrBadCredentials):
		return lang.L("The passphrase is wrong.")
	case errors.As(err, &ve):
		return lang.L("{{.Field}}: {{.Reason}}.", map[string]any{"Field": fieldName(ve.Field), "Reason": validationReason(ve.Reason)})
	case errors.Is(err, context.Canceled):
		return lang.L("Cancelled.")
	case errors.Is(err, store.ErrNotFound):
		return lang.L("Not found: {{.Detail}}", map[string]any{"Detail": err.Error()})
	}
	return lang.L("The operation failed: {{.Detail}}", map[string]any{"Detail": err.Error()})
}

// ShowError shows err in a dialog (UI goroutine). Role refusals get their
// own title so that they are not mistaken for faults.
func (e *Env) ShowError(err error) {
	if err == nil {
		return
	}
	if errors.Is(err, store.ErrForbidden) {
		dialog.ShowInformation(lang.L("Not allowed for your role"), ErrorText(err), e.Window)
		return
	}
	dialog.ShowError(errors.New(ErrorText(err)), e.Window)
}

// ShowInfo shows a message in a dialog (UI goroutine).
func (e *Env) ShowInfo(title, msg string) {
	dialog.ShowInformation(title, msg, e.Window)
}
