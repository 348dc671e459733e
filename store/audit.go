package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"legco.kz/compliance/store/auditchain"
)

// GenesisHash is the prev_hash of the first audit entry.
var GenesisHash = auditchain.Genesis

// AuditEntry is one row of the hash-chained audit log.
type AuditEntry struct {
	Seq            int64
	At             time.Time
	Staff          string
	Role           Role
	Action         string
	Object         string
	Reason         string
	Details        string // JSON object, keys sorted
	PersonalSHA256 string // "" when the entry keeps no personal data
	PrevHash       string
	Hash           string
	// Personal is the personal-data payload, "" when there is none or it
	// was erased by a destruction (PersonalErased tells which).
	Personal       string
	PersonalErased bool
}

// auditTimeFormat is fixed width so that the stored text, which the hash
// covers, never depends on trailing zeros.
const auditTimeFormat = auditchain.TimeFormat

// canonical is the byte string the hash covers (auditchain.Canonical).
func (e *AuditEntry) canonical(at string) []byte {
	return auditchain.Canonical(e.chainFields(at))
}

// chainFields are the entry's hashed fields as stored text.
func (e *AuditEntry) chainFields(at string) auditchain.Fields {
	return auditchain.Fields{Seq: e.Seq, At: at, Staff: e.Staff, Role: string(e.Role), Action: e.Action,
		Object: e.Object, Reason: e.Reason, Details: e.Details, PersonalSHA256: e.PersonalSHA256}
}

// chainHash computes an entry's hash from the previous entry's hash.
func chainHash(prevHex string, canonical []byte) (string, error) {
	return auditchain.Link(prevHex, canonical)
}

func appendAudit(ctx context.Context, tx *sql.Tx, now time.Time, who Staff, c Change) (*AuditEntry, error) {
	return appendAuditWith(ctx, tx, nil, now, who, c)
}

// auditStmts are appendAudit's statements prepared once for many
// entries in one transaction (a re-import writes one per changed user).
type auditStmts struct{ head, ins, personal *sql.Stmt }

func prepareAuditStmts(ctx context.Context, tx *sql.Tx) (*auditStmts, error) {
	s := &auditStmts{}
	var err error
	if s.head, err = tx.PrepareContext(ctx, auditHeadSQL); err != nil {
		return nil, err
	}
	if s.ins, err = tx.PrepareContext(ctx, auditInsertSQL); err != nil {
		s.close()
		return nil, err
	}
	if s.personal, err = tx.PrepareContext(ctx, auditPersonalSQL); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *auditStmts) close() {
	for _, st := range []*sql.Stmt{s.head, s.ins, s.personal} {
		if st != nil {
			st.Close()
		}
	}
}

const (
	auditHeadSQL   = `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`
	auditInsertSQL = `INSERT INTO audit_log(seq, at, staff, role, action, object, reason, details, personal_sha256, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	auditPersonalSQL = `INSERT INTO audit_personal(seq, subject, data) VALUES (?, ?, ?)`
)

// appendAuditWith is appendAudit with statements prepared beforehand (st
// nil: prepared for this one entry).
func appendAuditWith(ctx context.Context, tx *sql.Tx, st *auditStmts, now time.Time, who Staff, c Change) (*AuditEntry, error) {
	e := &AuditEntry{At: now.UTC(), Staff: who.Name, Role: who.Role, Action: c.Action, Object: c.Object, Reason: c.Reason, PrevHash: GenesisHash}
	details := c.Details
	if details == nil {
		details = map[string]any{}
	}
	d, err := json.Marshal(details) // map keys come out sorted: canonical
	if err != nil {
		return nil, err
	}
	e.Details = string(d)
	var payload []byte
	if c.Personal != nil {
		if payload, err = json.Marshal(c.Personal.Data); err != nil {
			return nil, err
		}
		sum := sha256.Sum256(payload)
		e.PersonalSHA256 = hex.EncodeToString(sum[:])
	}
	if st != nil {
		err = st.head.QueryRowContext(ctx).Scan(&e.Seq, &e.PrevHash)
	} else {
		err = tx.QueryRowContext(ctx, auditHeadSQL).Scan(&e.Seq, &e.PrevHash)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	e.Seq++
	at := e.At.Format(auditTimeFormat)
	if e.Hash, err = chainHash(e.PrevHash, e.canonical(at)); err != nil {
		return nil, err
	}
	args := []any{e.Seq, at, e.Staff, string(e.Role), e.Action, e.Object, e.Reason, e.Details, e.PersonalSHA256, e.PrevHash, e.Hash}
	if st != nil {
		_, err = st.ins.ExecContext(ctx, args...)
	} else {
		_, err = tx.ExecContext(ctx, auditInsertSQL, args...)
	}
	if err != nil {
		return nil, err
	}
	if payload != nil {
		if st != nil {
			_, err = st.personal.ExecContext(ctx, e.Seq, c.Personal.Subject, string(payload))
		} else {
			_, err = tx.ExecContext(ctx, auditPersonalSQL, e.Seq, c.Personal.Subject, string(payload))
		}
		if err != nil {
			return nil, err
		}
	}
	return e, nil
}

// AuditHead is the newest entry's sequence number and hash: printed on
// every report and shown in the status bar, it pins the whole history.
type AuditHead struct {
	Seq  int64
	Hash string
}

func (h AuditHead) String() string {
	if h.Seq == 0 {
		return "#0 (empty)"
	}
	return fmt.Sprintf("#%d %s", h.Seq, h.Hash)
}

// Short is the head for narrow places: sequence and the first 16 hex digits.
func (h AuditHead) Short() string {
	if len(h.Hash) < 16 {
		return h.String()
	}
	return fmt.Sprintf("#%d %s…", h.Seq, h.Hash[:16])
}

// AuditHead reads the current chain head.
func (w *Workspace) AuditHead(ctx context.Context) (AuditHead, error) {
	var h AuditHead
	err := w.db.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&h.Seq, &h.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return AuditHead{Hash: GenesisHash}, nil
	}
	return h, err
}

// AuditFilter selects audit entries; zero fields match everything.
type AuditFilter struct {
	Object      string // exact object, e.g. "user:LC-000001"
	ObjectLike  string // prefix, e.g. "policy:"
	Staff       string
	Action      string // prefix, e.g. "user."
	BeforeSeq   int64  // entries with seq < BeforeSeq (paging backwards)
	Limit       int    // default 200
	WithPayload bool
}

// AuditEntries lists entries newest first.
func (w *Workspace) AuditEntries(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	var where []string
	var args []any
	if f.Object != "" {
		where, args = append(where, "a.object = ?"), append(args, f.Object)
	}
	if f.ObjectLike != "" {
		where, args = append(where, "a.object >= ? AND a.object < ?"), append(args, f.ObjectLike, f.ObjectLike+"\U0010FFFF")
	}
	if f.Staff != "" {
		where, args = append(where, "a.staff = ?"), append(args, f.Staff)
	}
	if f.Action != "" {
		where, args = append(where, "a.action >= ? AND a.action < ?"), append(args, f.Action, f.Action+"\U0010FFFF")
	}
	if f.BeforeSeq > 0 {
		where, args = append(where, "a.seq < ?"), append(args, f.BeforeSeq)
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	q := `SELECT a.seq, a.at, a.staff, a.role, a.action, a.object, a.reason, a.details, a.personal_sha256, a.prev_hash, a.hash, p.data
		FROM audit_log a LEFT JOIN audit_personal p ON p.seq = a.seq`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY a.seq DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := w.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		e, _, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		if !f.WithPayload {
			e.Personal = ""
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

type scanner interface{ Scan(...any) error }

func scanAudit(s scanner) (AuditEntry, string, error) {
	var e AuditEntry
	var at, role string
	var payload sql.NullString
	if err := s.Scan(&e.Seq, &at, &e.Staff, &role, &e.Action, &e.Object, &e.Reason, &e.Details, &e.PersonalSHA256, &e.PrevHash, &e.Hash, &payload); err != nil {
		return e, "", err
	}
	e.Role = Role(role)
	e.At, _ = time.Parse(time.RFC3339Nano, at)
	e.Personal = payload.String
	e.PersonalErased = e.PersonalSHA256 != "" && !payload.Valid
	return e, at, nil
}

// VerifyReport is the result of recomputing the chain.
type VerifyReport struct {
	Entries int64
	Head    AuditHead
	// Broken is the first entry that does not verify (nil: intact).
	Broken *BrokenEntry
	// Expect is the outcome of checking an expected head (nil when none
	// was given or it matched).
	Expect *HeadMismatch
	// Erased counts entries whose personal payload a destruction erased.
	Erased int64
	// Warnings are problems that do not break the chain, such as missing
	// append-only triggers.
	Warnings []string

	// Filled by Verify (not by VerifyAudit):
	// Integrity lists what SQLCipher's and SQLite's checks found.
	Integrity []IntegrityFinding
	// Records is how many sealed records were checked; Tampered the first
	// findings of the record pass, TamperedTotal how many there were.
	Records       int64
	Tampered      []Tampering
	TamperedTotal int64
	// Quick is set when the record pass and integrity_check were skipped.
	Quick bool
}

// OK reports whether nothing was found.
func (r *VerifyReport) OK() bool {
	return r.Broken == nil && r.Expect == nil && len(r.Integrity) == 0 && r.TamperedTotal == 0
}

// IntegrityFinding is one line of a failed integrity check.
type IntegrityFinding struct {
	Check  string // cipher_integrity_check or integrity_check
	Detail string
}

// BrokenEntry names the first entry that fails verification and why.
type BrokenEntry struct {
	Seq    int64
	Reason string
	// Missing is set when entry Seq does not exist (a gap in the chain).
	Missing bool
}

func (b *BrokenEntry) Error() string {
	return fmt.Sprintf("audit entry #%d: %s", b.Seq, b.Reason)
}

// HeadMismatch says why an expected head does not match the log. Beyond
// is set when the head's entry number is past the end of the log: then
// Seq names no existing entry and must not be shown as one.
type HeadMismatch struct {
	Seq     int64
	Beyond  bool
	Entries int64
	Reason  string
}

// ExpectedHead is a head recorded earlier: an entry number (0 when only a
// full hash was given) and the hash or its first 16 or more hex digits.
type ExpectedHead struct {
	Seq  int64
	Hash string
}

// HeadFormatError is a malformed expected head: a usage error, not a
// finding about the log.
type HeadFormatError struct {
	Input  string
	Reason string
}

func (e *HeadFormatError) Error() string {
	return fmt.Sprintf("expected head %q: %s; give it as printed on a report, e.g. \"#4 4b997c0d1e2f3a4b…\" (entry number and at least 16 hex digits) or the full 64-digit hash", e.Input, e.Reason)
}

// ParseExpectedHead reads a head as reports and the status bar print it:
// "#4 4b997c0d1e2f3a4b…" (the ellipsis, "..." or nothing), "4 4b99…", or
// a full 64-digit hash alone. Fewer than 16 hex digits, anything not hex
// or a shortened hash without its entry number is refused.
func ParseExpectedHead(s string) (ExpectedHead, error) {
	in := s
	s = strings.TrimSpace(s)
	if s == "" {
		return ExpectedHead{}, nil
	}
	fail := func(reason string) (ExpectedHead, error) {
		return ExpectedHead{}, &HeadFormatError{Input: in, Reason: reason}
	}
	var h ExpectedHead
	fields := strings.Fields(s)
	hashPart := fields[len(fields)-1]
	switch len(fields) {
	case 1:
	case 2:
		n, err := strconv.ParseInt(strings.TrimPrefix(fields[0], "#"), 10, 64)
		if err != nil || n < 1 {
			return fail(fmt.Sprintf("%q is not an entry number", fields[0]))
		}
		h.Seq = n
	default:
		return fail("too many parts")
	}
	hashPart = strings.TrimSuffix(strings.TrimSuffix(hashPart, "…"), "...")
	hashPart = strings.ToLower(hashPart)
	if hashPart == "" {
		return fail("no hash")
	}
	if _, err := hex.DecodeString(hashPart + strings.Repeat("0", len(hashPart)%2)); err != nil || strings.ContainsAny(hashPart, " ") {
		return fail(fmt.Sprintf("%q is not hexadecimal", hashPart))
	}
	switch {
	case len(hashPart) > 64:
		return fail(fmt.Sprintf("the hash has %d hex digits, more than 64", len(hashPart)))
	case len(hashPart) < 16:
		return fail(fmt.Sprintf("only %d hex digits; at least 16 are needed", len(hashPart)))
	case h.Seq == 0 && len(hashPart) < 64:
		return fail("no entry number; a shortened hash needs its entry number (\"#N\")")
	}
	h.Hash = hashPart
	return h, nil
}

// erasingActions are the actions allowed to erase the personal payloads
// filed under their object (the entries before them).
var erasingActions = map[string]bool{"user.destroy": true, "user.depersonalize": true}

// VerifyAudit recomputes every hash from the first entry on and names the
// first entry that does not match. expectHead, if given (see
// ParseExpectedHead), is a head recorded earlier that must still be in the
// chain: this catches the removal of the newest entries. A malformed
// expectHead returns a *HeadFormatError.
func (w *Workspace) VerifyAudit(ctx context.Context, expectHead string, progress func(done, total int64)) (*VerifyReport, error) {
	exp, err := ParseExpectedHead(expectHead)
	if err != nil {
		return nil, err
	}
	return verifyAudit(ctx, w.db, exp, progress)
}

func verifyAudit(ctx context.Context, db *sql.DB, expect ExpectedHead, progress func(done, total int64)) (*VerifyReport, error) {
	rep := &VerifyReport{Head: AuditHead{Hash: GenesisHash}}
	var total int64
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM audit_log`).Scan(&total); err != nil {
		return nil, err
	}
	for _, trg := range []string{"audit_log_no_update", "audit_log_no_delete", "audit_personal_no_update", "audit_personal_no_delete"} {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?`, trg).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			rep.Warnings = append(rep.Warnings, "append-only trigger "+trg+" is missing: the log was opened for editing outside this program")
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT a.seq, a.at, a.staff, a.role, a.action, a.object, a.reason, a.details, a.personal_sha256, a.prev_hash, a.hash, p.data
		FROM audit_log a LEFT JOIN audit_personal p ON p.seq = a.seq ORDER BY a.seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	prev := GenesisHash
	var want int64 = 1
	foundExpected := expect.Hash == ""
	// Erased payloads must be followed by an erasing action on their object.
	erasedFirst := map[string]int64{}
	erasedLast := map[string]int64{}
	erasers := map[string]int64{}
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		e, at, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		rep.Entries++
		broken := func(reason string) (*VerifyReport, error) {
			rep.Broken = &BrokenEntry{Seq: e.Seq, Reason: reason}
			return rep, nil
		}
		if e.Seq != want {
			if e.Seq > want {
				rep.Broken = &BrokenEntry{Seq: want, Missing: true, Reason: fmt.Sprintf("missing: the chain jumps from #%d to #%d", want-1, e.Seq)}
				return rep, nil
			}
			return broken("sequence out of order")
		}
		if e.PrevHash != prev {
			return broken(fmt.Sprintf("prev_hash %s does not match the hash of entry #%d (%s)", short(e.PrevHash), e.Seq-1, short(prev)))
		}
		h, err := chainHash(prev, e.canonical(at))
		if err != nil {
			return broken(err.Error())
		}
		if h != e.Hash {
			return broken(fmt.Sprintf("content does not match its hash: stored %s, recomputed %s (the entry was altered)", short(e.Hash), short(h)))
		}
		if e.Personal != "" {
			sum := sha256.Sum256([]byte(e.Personal))
			if hex.EncodeToString(sum[:]) != e.PersonalSHA256 {
				return broken("personal-data payload does not match its digest (the payload was altered)")
			}
		} else if e.PersonalErased {
			rep.Erased++
			if _, ok := erasedFirst[e.Object]; !ok {
				erasedFirst[e.Object] = e.Seq
			}
			erasedLast[e.Object] = e.Seq
		}
		if erasingActions[e.Action] {
			erasers[e.Object] = e.Seq
		}
		if !foundExpected {
			switch {
			case expect.Seq == 0 && e.Hash == expect.Hash:
				foundExpected = true
			case expect.Seq == e.Seq && strings.HasPrefix(e.Hash, expect.Hash):
				foundExpected = true
			case expect.Seq == e.Seq:
				rep.Expect = &HeadMismatch{Seq: e.Seq, Reason: fmt.Sprintf("entry #%d exists but its hash is %s, not %s: either the expected head was mistyped or belongs to another workspace, or the log was rewritten from entry #%d on",
					e.Seq, short(e.Hash), short(expect.Hash), e.Seq)}
				foundExpected = true
			}
		}
		prev = e.Hash
		rep.Head = AuditHead{Seq: e.Seq, Hash: e.Hash}
		want++
		if progress != nil && rep.Entries%4096 == 0 {
			progress(rep.Entries, total)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if progress != nil {
		progress(rep.Entries, total)
	}
	if !foundExpected {
		if expect.Seq > rep.Head.Seq {
			rep.Expect = &HeadMismatch{Seq: expect.Seq, Beyond: true, Entries: rep.Entries, Reason: fmt.Sprintf("the expected head names entry #%d, but the log has %d entries; entries were removed, or the head belongs to another workspace",
				expect.Seq, rep.Entries)}
		} else {
			rep.Expect = &HeadMismatch{Seq: rep.Head.Seq, Beyond: true, Entries: rep.Entries, Reason: fmt.Sprintf("the expected head %s is not in the log of %d entries; entries were removed or the log was rebuilt, or the head belongs to another workspace",
				short(expect.Hash), rep.Entries)}
		}
	}
	var bad []string
	for obj, last := range erasedLast {
		if erasers[obj] < last {
			bad = append(bad, obj)
		}
	}
	if len(bad) > 0 {
		sort.Slice(bad, func(i, j int) bool { return erasedFirst[bad[i]] < erasedFirst[bad[j]] })
		obj := bad[0]
		rep.Broken = &BrokenEntry{Seq: erasedFirst[obj], Reason: fmt.Sprintf("the personal-data payload of this entry about %s was deleted, but no destruction or depersonalisation of %s follows it (%d subjects affected)",
			obj, obj, len(bad))}
	}
	return rep, nil
}

func short(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}
