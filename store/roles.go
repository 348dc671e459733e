package store

import (
	"fmt"
	"slices"
)

// Role is a staff member's role. Auditors read everything and change
// nothing; the other roles each own one part of the work.
type Role string

const (
	RoleAdmin      Role = "admin"
	RoleCompliance Role = "compliance"
	RoleLegal      Role = "legal"
	RoleAuditor    Role = "auditor"
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleCompliance, RoleLegal, RoleAuditor}

// ParseRole accepts a role name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", &ValidationError{Field: "role", Reason: fmt.Sprintf("%q is not a role; use admin, compliance, legal or auditor", s)}
}

// Permission names a kind of change.
type Permission string

const (
	PermStaffManage     Permission = "staff.manage"
	PermWorkspaceRekey  Permission = "workspace.rekey"
	PermSettings        Permission = "settings.write"
	PermOwnPassphrase   Permission = "self.passphrase"
	PermRecordsImport   Permission = "records.import"
	PermRecordsWrite    Permission = "records.write"
	PermRecordsDestroy  Permission = "records.destroy"
	PermPolicyEdit      Permission = "policy.edit"
	PermPolicyPublish   Permission = "policy.publish"
	PermRequestsWrite   Permission = "requests.write"
	PermConsentsWrite   Permission = "consents.write"
	PermAuditAnnotation Permission = "audit.annotate"
)

var permissionText = map[Permission]string{
	PermStaffManage:     "add or remove staff",
	PermWorkspaceRekey:  "rotate the workspace key",
	PermSettings:        "change workspace settings",
	PermOwnPassphrase:   "change their own passphrase",
	PermRecordsImport:   "import user records",
	PermRecordsWrite:    "change user records",
	PermRecordsDestroy:  "destroy user records",
	PermPolicyEdit:      "edit policy drafts",
	PermPolicyPublish:   "publish policy editions",
	PermRequestsWrite:   "change requests",
	PermConsentsWrite:   "change consents",
	PermAuditAnnotation: "annotate the audit log",
}

// Describe says in words what the permission allows.
func (p Permission) Describe() string {
	if s, ok := permissionText[p]; ok {
		return s
	}
	return string(p)
}

var rolePermissions = map[Role][]Permission{
	RoleAdmin: {PermStaffManage, PermWorkspaceRekey, PermSettings, PermOwnPassphrase,
		PermRecordsImport, PermRecordsWrite, PermRecordsDestroy,
		PermPolicyEdit, PermPolicyPublish, PermRequestsWrite, PermConsentsWrite, PermAuditAnnotation},
	RoleCompliance: {PermOwnPassphrase, PermRecordsImport, PermRecordsWrite, PermRecordsDestroy,
		PermRequestsWrite, PermConsentsWrite, PermAuditAnnotation},
	RoleLegal:   {PermOwnPassphrase, PermPolicyEdit, PermPolicyPublish, PermAuditAnnotation},
	RoleAuditor: {PermOwnPassphrase},
}

// Can reports whether the role grants p.
func (r Role) Can(p Permission) bool { return slices.Contains(rolePermissions[r], p) }
