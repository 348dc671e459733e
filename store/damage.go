package store

import (
	"errors"
	"fmt"
	"strings"
)

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

// IsCorrupt reports whether err is SQLite finding a damaged page (or
// SQLCipher a page whose HMAC fails) while reading.
func IsCorrupt(err error) bool {
	if err == nil {
		return false
	}
	var de *DamageError
	if errors.As(err, &de) {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "database disk image is malformed") || strings.Contains(s, "SQLITE_CORRUPT") ||
		strings.Contains(s, "hmac check failed")
}

// Explain turns a read error caused by a damaged file into a
// *DamageError naming the check that saw it; other errors pass through.
func Explain(err error) error {
	var de *DamageError
	if err == nil || errors.As(err, &de) || !IsCorrupt(err) {
		return err
	}
	return &DamageError{Check: "SQLite page read (run `audit verify` to see every damaged page)", Detail: err.Error()}
}
