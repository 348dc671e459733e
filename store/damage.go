package store

import "fmt"

// DamageError is damage found in the workspace file: a failed integrity
// check, or records that no longer agree with the audit log. Check names
// the check that failed; the message says what to do.
type DamageError struct {
	Check  string // e.g. "cipher_integrity_check", "integrity_check", "seals"
	Detail string
}

func (e *DamageError) Error() string {
	return fmt.Sprintf("the workspace file is damaged or was tampered with (%s: %s); "+
		"keep this file and its .keys file unchanged as evidence, restore both from a backup, and run `audit verify` on the restored copy", e.Check, e.Detail)
}
