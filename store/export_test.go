package store

import "encoding/hex"

func hexString(b []byte) string { return hex.EncodeToString(b) }

type writeAttempt struct {
	name string
	fn   func() error
}

// auditorWriteAttempts lists every write of the records and policy parts,
// so TestAuditorCannotChangeAnything covers them as they are added.
func auditorWriteAttempts(w *Workspace) []writeAttempt { return nil }
