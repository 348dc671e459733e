//go:build windows

package ownerfile

import (
	"testing"

	"golang.org/x/sys/windows"
)

// checkOwnerOnly reads the file's DACL back: protected (no inherited
// entries) and exactly one entry, for the current user.
func checkOwnerOnly(t *testing.T, p string) {
	t.Helper()
	sd, err := windows.GetNamedSecurityInfo(p, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatal(err)
	}
	ctl, _, err := sd.Control()
	if err != nil {
		t.Fatal(err)
	}
	if ctl&windows.SE_DACL_PROTECTED == 0 {
		t.Errorf("%s: DACL inherits entries from its folder", p)
	}
	dacl, _, err := sd.DACL()
	if err != nil || dacl == nil {
		t.Fatalf("%s: no DACL: %v", p, err)
	}
	if dacl.AceCount != 1 {
		t.Fatalf("%s: %d ACL entries, want 1 (the owner)", p, dacl.AceCount)
	}
	var ace *windows.ACCESS_ALLOWED_ACE
	if err := windows.GetAce(dacl, 0, &ace); err != nil {
		t.Fatal(err)
	}
	me, err := currentUserSID()
	if err != nil {
		t.Fatal(err)
	}
	sid := (*windows.SID)(unsafePointer(&ace.SidStart))
	if !sid.Equals(me) {
		t.Errorf("%s: the ACL entry is for %s, not the current user %s", p, sid, me)
	}
}
