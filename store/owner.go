package store

import "legco.kz/compliance/store/ownerfile"

// RestrictToOwner makes path readable by its owner only (0600; an
// owner-only ACL on Windows).
func RestrictToOwner(path string) error { return ownerfile.Restrict(path) }
