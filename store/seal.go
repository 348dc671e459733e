package store

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"legco.kz/compliance/store/exportfile"
)

// A Sealer tells the store how to read the current content of the
// records filed under one audit-object prefix, so that every change can
// bind them to its audit entry (a seal) and `audit verify` can check them.
//
// SQLCipher authenticates each page but not its version: an older copy of
// a page written back over the newer one still decrypts. A seal is
// MAC(seal key, object, seq, content) stored apart from the record; the
// record, its seal and the log live on different pages, so copying back
// any one of them (without the key) leaves them disagreeing.
//
// Features add their records with one call, in an init function:
//
//	func init() {
//		RegisterSealer(Sealer{Prefix: "consent:", Table: "consents", ID: "CAST(id AS TEXT)",
//			Columns: "id, account_id, purpose, status, given_at, withdrawn_at"})
//	}
//
// Every change whose Change.Object starts with Prefix is then sealed in
// its transaction (Change.Seal names further objects a change touched).
type Sealer struct {
	// Prefix is the audit-object prefix, e.g. "user:", "staff:",
	// "settings" (with Whole).
	Prefix string
	// Table is the FROM clause.
	Table string
	// ID is the SQL expression giving the text after Prefix (the object
	// is Prefix || ID); it must be TEXT. Empty with Whole.
	ID string
	// Columns are the content the seal covers: comma-separated SQL
	// expressions. A record may span several rows (all rows with the
	// same ID); Order then makes their order fixed.
	Columns string
	Order   string
	// Whole makes the whole table one object, named Prefix: changes
	// whose object starts with Prefix (e.g. "settings:operator") seal it.
	Whole bool
}

var (
	sealersMu sync.RWMutex
	sealers   = map[string]Sealer{}
)

// RegisterSealer adds the records under s.Prefix to the seals. Call it
// from an init function; a prefix registered twice panics.
func RegisterSealer(s Sealer) {
	if s.Prefix == "" || s.Table == "" || s.Columns == "" || (s.ID == "") != s.Whole {
		panic(fmt.Sprintf("store.RegisterSealer: incomplete sealer %+v", s))
	}
	sealersMu.Lock()
	defer sealersMu.Unlock()
	if _, dup := sealers[s.Prefix]; dup {
		panic("store.RegisterSealer: prefix " + s.Prefix + " registered twice")
	}
	sealers[s.Prefix] = s
}

func init() {
	RegisterSealer(Sealer{Prefix: "user:", Table: "users", ID: "account_id",
		Columns: `id, account_id, account_status, registered_at, full_name, iin, phone, email, birth_date, address,
			entity_bin, entity_name, state, blocked, created_at,
			(SELECT group_concat(name || '=' || value, char(30)) FROM user_fields WHERE user_id = users.id)`})
	RegisterSealer(Sealer{Prefix: "staff:", Table: "staff", ID: "name",
		Columns: "id, name, role, created_at, created_by, removed_at, full_name, position"})
	RegisterSealer(Sealer{Prefix: "policy:", Table: "policy_editions", ID: "CAST(number AS TEXT)",
		Columns: "number, status, based_on, updated_on, effective_on, published_at, published_by, author, created_at, source, content, sha256"})
	RegisterSealer(Sealer{Prefix: "settings", Table: "settings", Whole: true, Columns: "key, value", Order: "key"})
}

// sealerFor finds the sealer of an audit object and the sealed object's
// name ("" when nothing is sealed under it).
func sealerFor(object string) (Sealer, string, bool) {
	sealersMu.RLock()
	defer sealersMu.RUnlock()
	best := ""
	for p := range sealers {
		if strings.HasPrefix(object, p) && len(p) > len(best) {
			best = p
		}
	}
	if best == "" {
		return Sealer{}, "", false
	}
	s := sealers[best]
	if s.Whole {
		return s, s.Prefix, true
	}
	if len(object) == len(best) {
		return Sealer{}, "", false
	}
	return s, object, true
}

func sortedSealers() []Sealer {
	sealersMu.RLock()
	defer sealersMu.RUnlock()
	out := make([]Sealer, 0, len(sealers))
	for _, s := range sealers {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Prefix < out[j].Prefix })
	return out
}

func (s Sealer) oneQuery() string {
	q := "SELECT " + s.Columns + " FROM " + s.Table
	if !s.Whole {
		q += " WHERE " + s.ID + " = ?"
	}
	if s.Order != "" {
		q += " ORDER BY " + s.Order
	}
	return q
}

func (s Sealer) allQuery() string { return s.allQueryWhere("") }

func (s Sealer) allQueryWhere(where string) string {
	id := s.ID
	if s.Whole {
		id = "''"
	}
	q := "SELECT " + id + ", " + s.Columns + " FROM " + s.Table + where + " ORDER BY 1"
	if s.Order != "" {
		q += ", " + s.Order
	}
	return q
}

// sealEncoder appends each scanned value to a canonical byte string: a
// type tag, then the value's length and bytes. NULL and ” differ.
type sealEncoder struct{ b *[]byte }

func (e sealEncoder) Scan(src any) error {
	b := *e.b
	switch v := src.(type) {
	case nil:
		b = append(b, 0)
	case int64:
		b = append(b, 1)
		b = binary.AppendVarint(b, v)
	case float64:
		b = append(b, 2)
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(v))
	case string:
		b = append(b, 3)
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	case []byte:
		b = append(b, 4)
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	case bool:
		b = append(b, 1)
		if v {
			b = binary.AppendVarint(b, 1)
		} else {
			b = binary.AppendVarint(b, 0)
		}
	case time.Time:
		s := v.UTC().Format(time.RFC3339Nano)
		b = append(b, 3)
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	default:
		return fmt.Errorf("seal: cannot encode %T", src)
	}
	*e.b = b
	return nil
}

// sealer computes seals under one workspace's seal key. Not safe for
// concurrent use: each change or verification makes its own.
type sealMAC struct {
	mac hash.Hash
	buf []byte
	sum []byte
}

const sealMACSize = 16

func newSealMAC(key []byte) *sealMAC {
	return &sealMAC{mac: hmac.New(sha256.New, key)}
}

// of is MAC(object, seq, content) truncated to 16 bytes; content is the
// encoding of the record's rows, empty for a record that is gone.
func (m *sealMAC) of(object string, seq int64, content []byte) []byte {
	m.mac.Reset()
	var hdr [8]byte
	m.mac.Write([]byte("legco-seal/v1\x00"))
	m.mac.Write([]byte(object))
	m.mac.Write([]byte{0})
	binary.BigEndian.PutUint64(hdr[:], uint64(seq))
	m.mac.Write(hdr[:])
	m.mac.Write(content)
	m.sum = m.mac.Sum(m.sum[:0])
	return m.sum[:sealMACSize]
}

// sealKey reads the workspace's seal key: HKDF-SHA256 of a random root
// kept in the encrypted database (meta 'seal_root'), made on first use.
// The root never leaves the encrypted file, so without the workspace key
// nobody can compute a seal; it survives a key rotation, so a rotation
// need not re-seal every record.
func (w *Workspace) sealKey(ctx context.Context) ([]byte, error) {
	w.sealOnce.Lock()
	defer w.sealOnce.Unlock()
	if w.sealK != nil {
		return w.sealK, nil
	}
	var rootHex string
	err := w.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'seal_root'`).Scan(&rootHex)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoSealRoot
	}
	if err != nil {
		return nil, fmt.Errorf("seal key: %w", err)
	}
	root, err := hex.DecodeString(rootHex)
	if err != nil || len(root) != 32 {
		return nil, &DamageError{Check: "seal key", Detail: "meta 'seal_root' is not 64 hex digits"}
	}
	k, err := hkdf.Key(sha256.New, root, []byte(w.WorkspaceID()), "legco-seal/v1", 32)
	if err != nil {
		return nil, err
	}
	w.sealK = k
	return k, nil
}

var errNoSealRoot = errors.New("no seal root")

// initSeals runs once per workspace (new, or made before seals existed):
// it makes the seal root and seals every record at the current head. On
// an older workspace this vouches for the records as they are now.
func (w *Workspace) initSeals(ctx context.Context) error {
	if _, err := w.sealKey(ctx); err == nil {
		return w.sealNewSealers(ctx)
	} else if !errors.Is(err, errNoSealRoot) {
		return err
	}
	root := make([]byte, 32)
	if _, err := rand.Read(root); err != nil {
		return err
	}
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES ('seal_root', ?)`, hex.EncodeToString(root)); err != nil {
		return fmt.Errorf("seal root: %w", err)
	}
	k, err := hkdf.Key(sha256.New, root, []byte(w.WorkspaceID()), "legco-seal/v1", 32)
	if err != nil {
		return err
	}
	all := sortedSealers()
	if err := sealAtHead(ctx, tx, k, all); err != nil {
		return err
	}
	if err := setSealedPrefixes(ctx, tx, all); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	w.sealOnce.Lock()
	w.sealK = k
	w.sealOnce.Unlock()
	return nil
}

// sealAtHead seals every record of the sealers ss at the log's current
// head, vouching for them as they are (initSeals, sealNewSealers).
func sealAtHead(ctx context.Context, tx *sql.Tx, key []byte, ss []Sealer) error {
	var head int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM audit_log`).Scan(&head); err != nil {
		return err
	}
	m := newSealMAC(key)
	up, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO seals(object, seq, mac) VALUES (?, ?, ?)`)
	if err != nil {
		return err
	}
	defer up.Close()
	for _, s := range ss {
		err := eachRecord(ctx, tx, s, func(object string, content []byte) error {
			_, err := up.ExecContext(ctx, object, head, m.of(object, head, content))
			return err
		})
		if err != nil {
			return fmt.Errorf("seal %s records: %w", s.Prefix, err)
		}
	}
	return nil
}

// legacySealed are the prefixes every workspace sealed before meta
// 'sealed_prefixes' was kept.
var legacySealed = []string{"policy:", "settings", "staff:", "user:"}

// settingsResealed in meta 'sealed_prefixes' says the settings were
// sealed by a build whose backups seal them too.
const settingsResealed = "fix:settings-after-backup"

func setSealedPrefixes(ctx context.Context, tx *sql.Tx, ss []Sealer) error {
	ps := []string{settingsResealed}
	for _, s := range ss {
		ps = append(ps, s.Prefix)
	}
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta(key, value) VALUES ('sealed_prefixes', ?)`, strings.Join(ps, "\x1f"))
	return err
}

// sealNewSealers seals, at the current head, the records of sealers this
// build has and the workspace's seals do not cover yet (a workspace made
// before requests were sealed). Like initSeals for a whole workspace, it
// vouches for those records as they are when this build first opens it;
// from then on every change to them is bound to the log.
func (w *Workspace) sealNewSealers(ctx context.Context) error {
	var have string
	err := w.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'sealed_prefixes'`).Scan(&have)
	done := legacySealed
	if err == nil {
		done = strings.Split(have, "\x1f")
	} else if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sealed prefixes: %w", err)
	}
	all := sortedSealers()
	var todo []Sealer
	for _, s := range all {
		// Builds before settingsResealed recorded a backup's time in the
		// settings without sealing them: their seal is re-made, as for a
		// new sealer, the first time this build opens the workspace.
		if !slices.Contains(done, s.Prefix) || (s.Prefix == "settings" && !slices.Contains(done, settingsResealed)) {
			todo = append(todo, s)
		}
	}
	if len(todo) == 0 && err == nil {
		return nil
	}
	k, err := w.sealKey(ctx)
	if err != nil {
		return err
	}
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := sealAtHead(ctx, tx, k, todo); err != nil {
		return err
	}
	if err := setSealedPrefixes(ctx, tx, all); err != nil {
		return err
	}
	return tx.Commit()
}

// eachRecord calls fn with every record of s, in object order, with its
// content encoded.
func eachRecord(ctx context.Context, q queryer, s Sealer, fn func(object string, content []byte) error) error {
	return eachRecordWhere(ctx, q, s, "", nil, fn)
}

// eachRecordWhere is eachRecord over the records where (a WHERE clause
// on the sealer's table, with its args) holds.
func eachRecordWhere(ctx context.Context, q queryer, s Sealer, where string, args []any, fn func(object string, content []byte) error) error {
	rows, err := q.QueryContext(ctx, s.allQueryWhere(where), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	var buf []byte
	dest := make([]any, len(cols))
	var id sql.NullString
	dest[0] = &id
	for i := 1; i < len(cols); i++ {
		dest[i] = sealEncoder{&buf}
	}
	cur, have := "", false
	var content []byte
	for rows.Next() {
		buf = buf[:0]
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		object := s.Prefix + id.String
		if have && object != cur {
			if err := fn(cur, content); err != nil {
				return err
			}
			content = content[:0]
		}
		cur, have = object, true
		content = append(content, buf...)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if have {
		return fn(cur, content)
	}
	return nil
}

// recordContent reads the encoded content of one sealed object; empty
// when the record is gone.
func recordContent(ctx context.Context, st *sql.Stmt, s Sealer, object string, buf []byte) ([]byte, error) {
	var args []any
	if !s.Whole {
		args = append(args, strings.TrimPrefix(object, s.Prefix))
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	dest := make([]any, len(cols))
	for i := range dest {
		dest[i] = sealEncoder{&buf}
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
	}
	return buf, rows.Err()
}

// changeSealKey is the seal key for sealing what a change wrote: nil and
// no error on the workspace's first change, whose records initSeals
// seals after it.
func (w *Workspace) changeSealKey(ctx context.Context) ([]byte, error) {
	k, err := w.sealKey(ctx)
	if errors.Is(err, errNoSealRoot) {
		return nil, nil
	}
	return k, err
}

// sealObjects binds the objects' current content to audit entry seq.
// An import seals a chunk's rows at once, so statements are prepared
// once per call.
func (w *Workspace) sealObjects(ctx context.Context, tx *sql.Tx, seq int64, objects []string) error {
	if len(objects) == 0 {
		return nil
	}
	k, err := w.changeSealKey(ctx)
	if k == nil {
		return err
	}
	m := newSealMAC(k)
	// The driver watches a cancellable context with a goroutine per
	// statement, which would cost more than the read (as in import.go).
	ctx = context.WithoutCancel(ctx)
	up, err := newSealWriter(ctx, tx)
	if err != nil {
		return err
	}
	defer up.close()
	reads := map[string]*sql.Stmt{}
	defer func() {
		for _, st := range reads {
			st.Close()
		}
	}()
	var buf []byte
	// Many records of one kind (an import's chunk) are read in one range
	// scan rather than a query each: a query's set-up in the driver costs
	// several times the row (half an import's CPU time went there).
	done, err := sealInBulk(ctx, tx, seq, m, up, objects)
	if err != nil {
		return err
	}
	for _, o := range objects {
		if done[o] {
			continue
		}
		s, object, ok := sealerFor(o)
		if !ok {
			continue
		}
		st := reads[s.Prefix]
		if st == nil {
			if st, err = tx.PrepareContext(ctx, s.oneQuery()); err != nil {
				return fmt.Errorf("seal %s: %w", object, err)
			}
			reads[s.Prefix] = st
		}
		if buf, err = recordContent(ctx, st, s, object, buf[:0]); err != nil {
			return fmt.Errorf("seal %s: %w", object, err)
		}
		if err := up.add(object, seq, m.of(object, seq, buf)); err != nil {
			return fmt.Errorf("seal %s: %w", object, err)
		}
	}
	return up.flush()
}

// Tampering is one finding of the record pass of `audit verify`.
type Tampering struct {
	Object string
	Reason string
}

func (t Tampering) String() string { return t.Object + ": " + t.Reason }

// maxFindings bounds what a verification lists; the count goes on.
const maxFindings = 100

// verifySeals checks every sealed record against its seal and the log:
// the record must match its seal's MAC, the seal must not name an entry
// beyond the head, and no audit entry about the object may be newer than
// its seal. It reads in one snapshot.
func (w *Workspace) verifySeals(ctx context.Context, head int64, progress func(done int64)) ([]Tampering, int64, error) {
	k, err := w.sealKey(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("seal key: %w", err)
	}
	tx, err := w.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	m := newSealMAC(k)
	var found []Tampering
	var total int64
	report := func(object, reason string) {
		total++
		if len(found) < maxFindings {
			found = append(found, Tampering{object, reason})
		}
	}
	var checked int64
	for _, s := range sortedSealers() {
		seals, err := newSealCursor(ctx, tx, s.Prefix)
		if err != nil {
			return nil, 0, err
		}
		latest, err := newLatestCursor(ctx, tx, s)
		if err != nil {
			seals.close()
			return nil, 0, err
		}
		check := func(object string, content []byte, exists bool) {
			checked++
			if progress != nil && checked%65536 == 0 {
				progress(checked)
			}
			seq, mac, sealed := seals.seek(object)
			last := latest.seek(object)
			if !sealed {
				if exists {
					report(object, "the record has no seal: it was added outside this program, or an older page of the seals was copied back")
				} else if last > 0 && !forgettingActions[latest.lastAct] {
					report(object, fmt.Sprintf("audit entry #%d names this record, but it has neither record nor seal: rows were deleted outside this program", last))
				}
				return
			}
			if seq > head {
				report(object, fmt.Sprintf("sealed by audit entry #%d, but the log ends at #%d: entries were removed from the log (an older page copied back)", seq, head))
				return
			}
			if last > seq {
				report(object, fmt.Sprintf("the record is older than its latest audit entry #%d (sealed at #%d): an older copy of the record was written back", last, seq))
				return
			}
			if !hmac.Equal(mac, m.of(object, seq, content)) {
				switch {
				case !exists:
					report(object, fmt.Sprintf("the record is missing although audit entry #%d left it in place: rows were deleted or an older page copied back", seq))
				case len(content) > 0 && m.goneMatches(object, seq, mac):
					report(object, fmt.Sprintf("the record was removed by audit entry #%d but is present again: older pages were copied back", seq))
				default:
					report(object, fmt.Sprintf("the record does not match its seal (audit entry #%d): it was changed outside this program, or an older page was copied back", seq))
				}
			}
		}
		err = eachRecord(ctx, tx, s, func(object string, content []byte) error {
			// Sealed objects without a record come before this one.
			for {
				o, ok := seals.peek()
				if !ok || o >= object {
					break
				}
				check(o, nil, false)
			}
			for {
				o, ok := latest.peek()
				if !ok || o >= object {
					break
				}
				if so, sok := seals.peek(); !sok || o < so {
					check(o, nil, false)
				} else {
					break
				}
			}
			check(object, content, true)
			return ctx.Err()
		})
		if err == nil {
			for {
				o1, ok1 := seals.peek()
				o2, ok2 := latest.peek()
				if !ok1 && !ok2 {
					break
				}
				o := o1
				if !ok1 || (ok2 && o2 < o1) {
					o = o2
				}
				check(o, nil, false)
			}
			err = seals.err()
			if err == nil {
				err = latest.err()
			}
		}
		seals.close()
		latest.close()
		if err != nil {
			return nil, 0, fmt.Errorf("verify %s records: %w", s.Prefix, err)
		}
	}
	if progress != nil {
		progress(checked)
	}
	return found, total, nil
}

func (m *sealMAC) goneMatches(object string, seq int64, mac []byte) bool {
	return hmac.Equal(mac, m.of(object, seq, nil))
}

// sealCursor walks the seals of one prefix in object order.
type sealCursor struct {
	rows *sql.Rows
	have bool
	obj  string
	seq  int64
	mac  []byte
	e    error
}

func newSealCursor(ctx context.Context, tx *sql.Tx, prefix string) (*sealCursor, error) {
	rows, err := tx.QueryContext(ctx, `SELECT object, seq, mac FROM seals WHERE object >= ? AND object < ? ORDER BY object`, prefix, prefix+"\U0010FFFF")
	if err != nil {
		return nil, err
	}
	c := &sealCursor{rows: rows}
	c.next()
	return c, nil
}

func (c *sealCursor) next() {
	c.have = false
	if c.e != nil || !c.rows.Next() {
		if c.e == nil {
			c.e = c.rows.Err()
		}
		return
	}
	c.e = c.rows.Scan(&c.obj, &c.seq, &c.mac)
	c.have = c.e == nil
}

func (c *sealCursor) peek() (string, bool) { return c.obj, c.have }

// seek moves past object and returns its seal if there is one.
func (c *sealCursor) seek(object string) (int64, []byte, bool) {
	for c.have && c.obj < object {
		c.next()
	}
	if c.have && c.obj == object {
		seq, mac := c.seq, append([]byte(nil), c.mac...)
		c.next()
		return seq, mac, true
	}
	return 0, nil, false
}

func (c *sealCursor) err() error { return c.e }
func (c *sealCursor) close()     { c.rows.Close() }

// latestCursor walks the newest audit entry per object of one sealer, in
// object order (the audit_log_object index). For a Whole sealer it is one
// object: the newest entry about any object under the prefix.
type latestCursor struct {
	rows *sql.Rows
	have bool
	obj  string
	seq  int64
	act  string // the action of the entry seq
	e    error
	// lastAct is the action of the entry the last seek found.
	lastAct string
}

// forgettingActions leave a record with neither row nor seal on purpose
// (Change.Forget): a depersonalization keeps no trace of the former
// account id outside the audit log.
var forgettingActions = map[string]bool{"user.depersonalize": true}

func newLatestCursor(ctx context.Context, tx *sql.Tx, s Sealer) (*latestCursor, error) {
	var rows *sql.Rows
	var err error
	if s.Whole {
		rows, err = tx.QueryContext(ctx, `SELECT ?, max(seq), '' FROM audit_log WHERE object >= ? AND object < ?`,
			s.Prefix, s.Prefix, s.Prefix+"\U0010FFFF")
	} else {
		// SQLite takes a bare column (action) from the row holding max(seq).
		rows, err = tx.QueryContext(ctx, `SELECT object, max(seq), action FROM audit_log WHERE object > ? AND object < ? GROUP BY object ORDER BY object`,
			s.Prefix, s.Prefix+"\U0010FFFF")
	}
	if err != nil {
		return nil, err
	}
	c := &latestCursor{rows: rows}
	c.next()
	return c, nil
}

func (c *latestCursor) next() {
	c.have = false
	if c.e != nil || !c.rows.Next() {
		if c.e == nil {
			c.e = c.rows.Err()
		}
		return
	}
	var seq sql.NullInt64 // NULL: no entry under a Whole prefix
	c.e = c.rows.Scan(&c.obj, &seq, &c.act)
	c.seq = seq.Int64
	c.have = c.e == nil && seq.Valid
}

func (c *latestCursor) peek() (string, bool) { return c.obj, c.have }

func (c *latestCursor) seek(object string) int64 {
	for c.have && c.obj < object {
		c.next()
	}
	c.lastAct = ""
	if c.have && c.obj == object {
		seq := c.seq
		c.lastAct = c.act
		c.next()
		return seq
	}
	return 0
}

func (c *latestCursor) err() error { return c.e }
func (c *latestCursor) close()     { c.rows.Close() }

// sealBulkMin is how many objects of one sealer make sealInBulk read
// them with one range scan; fewer are read one by one.
const sealBulkMin = 256

// sealInBulk seals the objects of each sealer that has at least
// sealBulkMin of them with one scan of the ID range they span (an
// import's chunk is a few contiguous ranges of account ids), provided the
// range holds at most eight times as many records as are wanted (counted
// first, on the index; reading a row in a scan costs several times less
// than a query of its own); it returns the objects it sealed. The content is
// encoded exactly as recordContent does (same columns, same encoder).
func sealInBulk(ctx context.Context, tx *sql.Tx, seq int64, m *sealMAC, up *sealWriter, objects []string) (map[string]bool, error) {
	if len(objects) < sealBulkMin {
		return nil, nil
	}
	by := map[string][]string{}
	of := map[string]Sealer{}
	for _, o := range objects {
		s, object, ok := sealerFor(o)
		if !ok || s.Whole || s.Order != "" {
			continue
		}
		by[s.Prefix], of[s.Prefix] = append(by[s.Prefix], object), s
	}
	done := map[string]bool{}
	for prefix, objs := range by {
		if len(objs) < sealBulkMin {
			continue
		}
		s := of[prefix]
		want := make(map[string]bool, len(objs))
		ids := make([]string, 0, len(objs))
		for _, o := range objs {
			id := o[len(prefix):]
			if !want[id] {
				want[id] = true
				ids = append(ids, id)
			}
		}
		sort.Strings(ids)
		lo, hi := ids[0], ids[len(ids)-1]
		var inRange int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+s.Table+` WHERE `+s.ID+` BETWEEN ? AND ?`, lo, hi).Scan(&inRange); err != nil {
			return nil, fmt.Errorf("seal %s…: %w", prefix, err)
		}
		if inRange > 8*len(ids) {
			continue
		}
		seal := func(id string, content []byte) error {
			object := prefix + id
			if err := up.add(object, seq, m.of(object, seq, content)); err != nil {
				return fmt.Errorf("seal %s: %w", object, err)
			}
			done[object] = true
			return nil
		}
		err := eachRecordWhere(ctx, tx, s, ` WHERE `+s.ID+` BETWEEN ? AND ?`, []any{lo, hi}, func(object string, content []byte) error {
			if id := object[len(prefix):]; want[id] {
				return seal(id, content)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("seal %s…: %w", prefix, err)
		}
		// A record that is gone is sealed with empty content, as
		// recordContent gives it.
		for _, id := range ids {
			if !done[prefix+id] {
				if err := seal(id, nil); err != nil {
					return nil, err
				}
			}
		}
	}
	return done, nil
}

// sealedContent is a record a change wrote itself in its transaction,
// with its content encoded as the sealer's query reads it back (an
// import's new users, see userSealContent): sealing it needs no read.
type sealedContent struct {
	object  string
	content []byte
}

// sealBatchRows is how many seals one INSERT writes: a statement's
// round trip through database/sql and the driver costs several times
// what SQLite spends on a row. The rows of a batch share their seq
// (bound once as ?1: a bound value costs the driver an allocation and a
// cgo call), which leaves room under SQLite's historical limit of 999
// variables for 256 rows of an object and a MAC.
const sealBatchRows = 256

// sealWriter writes seals in batches of sealBatchRows (in the order
// given; INSERT OR REPLACE, so a later seal of the same object wins, as
// row by row).
type sealWriter struct {
	ctx       context.Context
	tx        *sql.Tx
	one, many *sql.Stmt
	// args are the queued seals' object and MAC, after their seq (args[0]).
	args []any
	seq  int64
	macs []byte // the queued MACs' bytes
}

func newSealWriter(ctx context.Context, tx *sql.Tx) (*sealWriter, error) {
	one, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO seals(object, seq, mac) VALUES (?, ?, ?)`)
	if err != nil {
		return nil, err
	}
	return &sealWriter{ctx: ctx, tx: tx, one: one}, nil
}

// add queues a seal; mac is copied.
func (s *sealWriter) add(object string, seq int64, mac []byte) error {
	if len(s.args) > 0 && seq != s.seq {
		if err := s.flush(); err != nil {
			return err
		}
	}
	if len(s.args) == 0 {
		s.seq = seq
		s.args = append(s.args, seq)
		if s.macs == nil {
			s.macs = make([]byte, 0, sealBatchRows*sealMACSize)
		}
		s.macs = s.macs[:0]
	}
	at := len(s.macs)
	s.macs = append(s.macs, mac...)
	s.args = append(s.args, object, s.macs[at:len(s.macs):len(s.macs)])
	if len(s.args) < 1+2*sealBatchRows {
		return nil
	}
	if s.many == nil {
		var err error
		var q strings.Builder
		q.WriteString(`INSERT OR REPLACE INTO seals(object, seq, mac) VALUES `)
		for r := range sealBatchRows {
			if r > 0 {
				q.WriteString(", ")
			}
			fmt.Fprintf(&q, "(?%d, ?1, ?%d)", 2+2*r, 3+2*r)
		}
		if s.many, err = s.tx.PrepareContext(s.ctx, q.String()); err != nil {
			return err
		}
	}
	// The driver copies the values it binds (SQLITE_TRANSIENT): macs
	// can be reused once the statement ran.
	_, err := s.many.ExecContext(s.ctx, s.args...)
	clear(s.args)
	s.args = s.args[:0]
	return err
}

// flush writes the queued seals.
func (s *sealWriter) flush() error {
	for i := 1; i+1 < len(s.args); i += 2 {
		if _, err := s.one.ExecContext(s.ctx, s.args[i], s.seq, s.args[i+1]); err != nil {
			return err
		}
	}
	clear(s.args)
	s.args = s.args[:0]
	return nil
}

func (s *sealWriter) close() {
	s.one.Close()
	if s.many != nil {
		s.many.Close()
	}
}

// sealKnown seals records whose content the change wrote itself (see
// sealedContent) with audit entry seq. The MACs of a large set are worked
// out on two goroutines (they are independent), then written in order.
func (w *Workspace) sealKnown(ctx context.Context, tx *sql.Tx, seq int64, recs []sealedContent) error {
	if len(recs) == 0 {
		return nil
	}
	k, err := w.changeSealKey(ctx)
	if k == nil {
		return err
	}
	macs := make([]byte, sealMACSize*len(recs))
	work := func(lo, hi int) {
		m := newSealMAC(k)
		for i := lo; i < hi; i++ {
			copy(macs[i*sealMACSize:], m.of(recs[i].object, seq, recs[i].content))
		}
	}
	if half := len(recs) / 2; len(recs) >= 4096 {
		var wg sync.WaitGroup
		wg.Go(func() { work(0, half) })
		work(half, len(recs))
		wg.Wait()
	} else {
		work(0, len(recs))
	}
	sw, err := newSealWriter(context.WithoutCancel(ctx), tx)
	if err != nil {
		return err
	}
	defer sw.close()
	for i, r := range recs {
		if err := sw.add(r.object, seq, macs[i*sealMACSize:(i+1)*sealMACSize]); err != nil {
			return fmt.Errorf("seal %s: %w", r.object, err)
		}
	}
	return sw.flush()
}

// userSealContent is the sealed content of a user row as ImportUsers
// inserts it (id from the insert, the columns' defaults for what the
// file does not set, created_at now, the extra fields as user_fields
// keeps them: one per name, the last value winning), encoded exactly as
// the "user:" sealer's query reads it back. Keep it in step with that
// sealer's Columns; TestUserSealContent compares the two.
func userSealContent(dst []byte, id int64, v *exportfile.User, now string) []byte {
	mid, tail := userSealParts(v)
	return appendUserSeal(dst, id, mid, now, tail)
}

// userSealParts are the parts of userSealContent that come from the
// file alone (worked out on the import's reader goroutine): the columns
// from account_id to blocked, and the extra fields.
func userSealParts(v *exportfile.User) (mid, tail []byte) {
	mid = make([]byte, 0, 64+len(v.AccountID)+len(v.FullName)+len(v.IIN)+len(v.Phone)+len(v.Email)+len(v.BirthDate)+
		len(v.Address)+len(v.EntityBIN)+len(v.EntityName))
	// As sealEncoder encodes these values (a string, or NULL for an empty
	// optional one), without boxing each in an interface.
	mid = appendSealText(mid, v.AccountID)
	mid = appendSealText(mid, "active")
	if v.RegisteredAt.IsZero() {
		mid = append(mid, 0)
	} else {
		mid = appendSealText(mid, v.RegisteredAt.UTC().Format(time.RFC3339)) // timeText
	}
	mid = appendSealText(mid, v.FullName)
	for _, o := range [...]string{v.IIN, v.Phone, v.Email, v.BirthDate, v.Address, v.EntityBIN, v.EntityName} {
		if o == "" {
			mid = append(mid, 0) // nullable
		} else {
			mid = appendSealText(mid, o)
		}
	}
	mid = appendSealText(mid, "active")
	mid = binary.AppendVarint(append(mid, 1), 0) // blocked
	sealEncoder{&tail}.Scan(extraConcat(v.Extra))
	return mid, tail
}

// appendSealText is sealEncoder's encoding of a string.
func appendSealText(dst []byte, s string) []byte {
	return append(binary.AppendUvarint(append(dst, 3), uint64(len(s))), s...)
}

// appendUserSeal puts userSealContent together: id, mid, created_at,
// tail.
func appendUserSeal(dst []byte, id int64, mid []byte, now string, tail []byte) []byte {
	// As sealEncoder encodes an int64 and a string, without boxing them.
	dst = binary.AppendVarint(append(dst, 1), id)
	dst = append(dst, mid...)
	dst = appendSealText(dst, now)
	return append(dst, tail...)
}

// extraConcat is group_concat(name || '=' || value, char(30)) over the
// user_fields rows that inserting fs makes, in their key (name) order;
// nil (NULL) for none.
func extraConcat(fs []exportfile.Field) any {
	switch len(fs) {
	case 0:
		return nil
	case 1:
		return fs[0].Name + "=" + fs[0].Value
	}
	sorted := slices.Clone(fs)
	slices.SortStableFunc(sorted, func(a, b exportfile.Field) int { return strings.Compare(a.Name, b.Name) })
	var b strings.Builder
	for i, f := range sorted {
		if i+1 < len(sorted) && sorted[i+1].Name == f.Name {
			continue // a later value of the same name replaced this one
		}
		if b.Len() > 0 {
			b.WriteByte(30)
		}
		b.WriteString(f.Name)
		b.WriteByte('=')
		b.WriteString(f.Value)
	}
	return b.String()
}
