package store

import (
	"errors"
	"fmt"

	"legco.kz/compliance/store/keyslot"
)

// ErrBadCredentials: an unknown staff name or a wrong passphrase; the two
// are never told apart.
var ErrBadCredentials = keyslot.ErrBadCredentials

// ErrForbidden is what every ForbiddenError matches with errors.Is.
var ErrForbidden = errors.New("not allowed for this role")

// ForbiddenError is returned when the signed-in staff member's role does
// not allow an action. Roles are enforced here, not only in the UI.
type ForbiddenError struct {
	Staff  string
	Role   Role
	Action Permission
}

func (e *ForbiddenError) Error() string {
	return fmt.Sprintf("%s (role %s) may not %s", e.Staff, e.Role, e.Action.Describe())
}

func (e *ForbiddenError) Is(target error) bool { return target == ErrForbidden }

// ErrNotFound is matched by lookups of a missing object.
var ErrNotFound = errors.New("not found")

// ValidationError names the field that is wrong and why.
type ValidationError struct {
	Field  string
	Reason string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Reason }

// ErrNotEncrypted is returned when the SQLite engine linked in has no
// SQLCipher: the workspace refuses to run rather than write plain data.
var ErrNotEncrypted = errors.New("the SQLite engine in this build has no SQLCipher (PRAGMA cipher_version is empty); refusing to open a workspace unencrypted")
