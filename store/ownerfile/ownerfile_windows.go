//go:build windows

package ownerfile

import (
	"fmt"

	"golang.org/x/sys/windows"
)

// Restrict gives path an ACL that grants the current user full
// control and nobody else anything, and stops inheriting the folder's
// entries (Windows ignores Unix modes: a file in a shared folder would
// otherwise be readable by everyone the folder lets in).
func Restrict(path string) error {
	sid, err := currentUserSID()
	if err != nil {
		return fmt.Errorf("owner-only access for %s: %w", path, err)
	}
	acl, err := ownerOnlyACL(sid)
	if err != nil {
		return fmt.Errorf("owner-only access for %s: %w", path, err)
	}
	err = windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION|windows.OWNER_SECURITY_INFORMATION,
		sid, nil, acl, nil)
	if err != nil {
		return fmt.Errorf("owner-only access for %s: %w", path, err)
	}
	return nil
}

func currentUserSID() (*windows.SID, error) {
	tok := windows.GetCurrentProcessToken()
	u, err := tok.GetTokenUser()
	if err != nil {
		return nil, err
	}
	return u.User.Sid, nil
}

// ownerOnlyACL is one entry: the owner's SID, full control, no inheritance.
func ownerOnlyACL(sid *windows.SID) (*windows.ACL, error) {
	return windows.ACLFromEntries([]windows.EXPLICIT_ACCESS{{
		AccessPermissions: windows.GENERIC_ALL,
		AccessMode:        windows.SET_ACCESS,
		Inheritance:       windows.NO_INHERITANCE,
		Trustee: windows.TRUSTEE{
			TrusteeForm:  windows.TRUSTEE_IS_SID,
			TrusteeType:  windows.TRUSTEE_IS_USER,
			TrusteeValue: windows.TrusteeValueFromSID(sid),
		},
	}}, nil)
}
