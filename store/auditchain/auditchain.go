// Package auditchain is the audit log's hash chain without a database:
// the canonical encoding of an entry and the link from one entry's hash
// to the next. The workspace (store) writes and verifies the chain with
// it, and the offline pack verifier recomputes it from a CSV file with
// the very same code, so the two can never disagree about a hash.
// See docs/audit-log.md.
package auditchain

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Version is the tag that starts every canonical encoding.
const Version = "legco-audit/v1"

// Genesis is the prev_hash of the first entry.
var Genesis = strings.Repeat("0", 64)

// TimeFormat is the fixed-width UTC text of an entry's time, as stored
// and hashed, so that the hash never depends on trailing zeros.
const TimeFormat = "2006-01-02T15:04:05.000000000Z"

// Fields are the parts of an entry the hash covers, as stored text.
type Fields struct {
	Seq            int64
	At             string // TimeFormat
	Staff, Role    string
	Action, Object string
	Reason         string
	Details        string
	PersonalSHA256 string
}

// Canonical is the byte string the hash covers: the version tag, then
// each field as a uvarint length and its UTF-8 bytes, in a fixed order.
// The length prefixes make it unambiguous whatever the fields contain.
func Canonical(f Fields) []byte {
	fields := [...]string{Version, strconv.FormatInt(f.Seq, 10), f.At, f.Staff, f.Role,
		f.Action, f.Object, f.Reason, f.Details, f.PersonalSHA256}
	n := 0
	for _, s := range fields {
		n += len(s) + binary.MaxVarintLen64
	}
	b := make([]byte, 0, n)
	for _, s := range fields {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// Link computes an entry's hash (hex) from the previous entry's hash
// (hex) and the entry's canonical encoding.
func Link(prevHex string, canonical []byte) (string, error) {
	var prev [sha256.Size]byte
	if len(prevHex) != 2*sha256.Size {
		return "", fmt.Errorf("previous hash %q is not 64 hex digits", prevHex)
	}
	if _, err := hex.Decode(prev[:], []byte(prevHex)); err != nil {
		return "", fmt.Errorf("previous hash %q is not 64 hex digits", prevHex)
	}
	h := sha256.New()
	h.Write(prev[:])
	h.Write(canonical)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Hash is Link(prevHex, Canonical(f)).
func Hash(prevHex string, f Fields) (string, error) {
	return Link(prevHex, Canonical(f))
}
