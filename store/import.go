package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unsafe"

	"legco.kz/compliance/store/exportfile"
)

// ImportOptions tune an import.
type ImportOptions struct {
	// Strict makes the import all-or-nothing: one bad row and nothing is kept.
	Strict bool
	// Size is the file's size, for progress.
	Size int64
	// Progress is called after each chunk and at the end.
	Progress func(ImportProgress)
	// OnError receives every rejected row as it is found (the error
	// report); Result.Errors keeps only the first MaxErrors.
	OnError func(*exportfile.RowError)
	// ChunkRows is how many rows go in one transaction (default 50,000
	// users, 20,000 access-log rows): a kill loses at most the chunk under
	// way, and a re-import is idempotent, so running the import again
	// completes it. A users chunk is one run of the search index, so
	// bigger chunks mean fewer runs to search.
	ChunkRows int
	// ChunkTime ends a chunk once its rows took this long (default 1 s)
	// and another program waits to write (busy.go), so other commands and
	// the app wait about that for the workspace, however slow the rows;
	// with nobody waiting a chunk ends after 10×ChunkTime at the latest.
	ChunkTime time.Duration
	MaxErrors int
}

// ImportProgress is reported while an import runs.
type ImportProgress struct {
	Rows     int // rows read, good and bad
	Rejected int
	Bytes    int64
	Size     int64
}

// ImportResult says what an import did.
type ImportResult struct {
	BatchID   int64
	File      string
	SHA256    string
	New       int
	Updated   int
	Same      int
	Rejected  int
	Errors    []*exportfile.RowError
	Cancelled bool
}

// rowSource is what an import reads: a parsed export file or the demo
// generator. Next returns a *exportfile.RowError for a bad row (and can
// go on) and io.EOF at the end.
type rowSource[T any] interface {
	Next() (T, error)
	BytesRead() int64
}

type importRun[T any] struct {
	w      *Workspace
	kind   string // users, access-log, demo
	action string
	file   string
	opts   ImportOptions
	src    rowSource[T]
	chunk  int // default ChunkRows
	sum    hash.Hash
	res    *ImportResult
	// row stores one good row; it returns "new", "updated" or "same", or
	// "" for a row queued and counted in r.res by the importer itself
	// when it writes it (at the latest in finish).
	row func(ctx context.Context, tx *sql.Tx, v T) (string, error)
	// prepare is called at the start of every chunk's transaction, finish
	// at its end, before the commit.
	prepare func(ctx context.Context, tx *sql.Tx) error
	finish  func(ctx context.Context, tx *sql.Tx) error
	done    func()
	// seal returns the objects the chunk changed, sealed with its entry;
	// sealKnown those it wrote with their content (no read needed).
	seal      func() []string
	sealKnown func() []sealedContent
	// last is called in the final chunk's transaction (the file's end),
	// after finish.
	last func(ctx context.Context, tx *sql.Tx) error
	// committed is called after each chunk's transaction committed: what
	// an importer keeps in memory for a later chunk (the consent day
	// counts) counts only what the workspace kept.
	committed func()
	// batches is the table of import runs; "" means import_batches.
	batches string
	// perm is the permission the import needs; "" means PermRecordsImport.
	perm Permission
}

func (r *importRun[T]) reject(e *exportfile.RowError) {
	r.res.Rejected++
	if len(r.res.Errors) < r.opts.MaxErrors {
		r.res.Errors = append(r.res.Errors, e)
	}
	if r.opts.OnError != nil {
		r.opts.OnError(e)
	}
}

func (r *importRun[T]) progress() {
	if r.opts.Progress != nil {
		r.opts.Progress(ImportProgress{Rows: r.res.New + r.res.Updated + r.res.Same + r.res.Rejected,
			Rejected: r.res.Rejected, Bytes: r.src.BytesRead(), Size: r.opts.Size})
	}
}

func (r *importRun[T]) batchTable() string {
	if r.batches != "" {
		return r.batches
	}
	return "import_batches"
}

func (r *importRun[T]) run(ctx context.Context) (*ImportResult, error) {
	if r.opts.ChunkRows <= 0 {
		r.opts.ChunkRows = r.chunk
	}
	if r.opts.ChunkRows <= 0 {
		r.opts.ChunkRows = 20000
	}
	if r.opts.MaxErrors <= 0 {
		r.opts.MaxErrors = 1000
	}
	if r.opts.ChunkTime <= 0 {
		r.opts.ChunkTime = time.Second
	}
	if r.opts.Strict {
		r.opts.ChunkRows = int(^uint(0) >> 1)
	}
	pf := newPrefetch(r.src)
	defer pf.Close()
	r.src = pf
	defer func() {
		if r.done != nil {
			r.done()
		}
	}()
	// Rows are written with a context that cannot be cancelled: the
	// driver watches a cancellable one with a goroutine per statement,
	// which cost more than the insert. The loop checks ctx every 512 rows.
	rowCtx := context.WithoutCancel(ctx)
	defer r.w.hold(r.action + " of " + r.file)()
	// The chunks' checkpoints run beside the import (checkpoint.go).
	ckpt, ctx, ckErr := r.w.startImportCheckpoints(ctx)
	if ckErr == nil {
		defer ckpt.stop()
	}
	eof := false
	for chunk := 1; !eof; chunk++ {
		before := *r.res
		perm := r.perm
		if perm == "" {
			perm = PermRecordsImport
		}
		err := r.w.change(ctx, Change{Perm: perm, Action: r.action, Reason: "import of " + r.file},
			func(tx *sql.Tx, c *Change) error {
				if r.res.BatchID == 0 {
					res, err := tx.ExecContext(ctx, `INSERT INTO `+r.batchTable()+`(kind, file_name, file_sha256, started_at, staff) VALUES (?, ?, '', ?, ?)`,
						r.kind, r.file, r.w.stamp(), r.w.me.Name)
					if err != nil {
						return err
					}
					r.res.BatchID, _ = res.LastInsertId()
				}
				if r.prepare != nil {
					if err := r.prepare(ctx, tx); err != nil {
						return err
					}
				}
				n := 0
				began := time.Now()
				for n < r.opts.ChunkRows {
					if n%512 == 0 {
						if err := ctx.Err(); err != nil {
							return err
						}
						// End the chunk early for another program waiting to
						// write; without one, big chunks keep the search
						// index's runs few (a run per chunk).
						if took := time.Since(began); n > 0 && !r.opts.Strict &&
							(took > r.opts.ChunkTime && r.w.othersWaiting() || took > 10*r.opts.ChunkTime) {
							break
						}
					}
					v, err := r.src.Next()
					if errors.Is(err, io.EOF) {
						eof = true
						break
					}
					var re *exportfile.RowError
					if errors.As(err, &re) {
						r.reject(re)
						continue
					}
					if err != nil {
						return err
					}
					n++
					outcome, err := r.row(rowCtx, tx, v)
					if errors.As(err, &re) {
						r.reject(re)
						continue
					}
					if err != nil {
						return err
					}
					switch outcome {
					case "":
						// Queued: the importer counts it when it writes it.
					case "new":
						r.res.New++
					case "updated":
						r.res.Updated++
					default:
						r.res.Same++
					}
				}
				if r.finish != nil {
					if err := r.finish(ctx, tx); err != nil {
						return err
					}
				}
				if eof && r.last != nil {
					if err := r.last(ctx, tx); err != nil {
						return err
					}
				}
				if r.opts.Strict && r.res.Rejected > 0 {
					return fmt.Errorf("import %s: %d rows rejected; --strict keeps nothing (first: %v)", r.file, r.res.Rejected, r.res.Errors[0].WithoutValue())
				}
				c.Object = fmt.Sprintf("batch:%d", r.res.BatchID)
				if r.seal != nil {
					c.Seal = r.seal()
				}
				if r.sealKnown != nil {
					c.sealKnown = r.sealKnown()
				}
				c.Details = map[string]any{"file": r.file, "chunk": chunk,
					"new": r.res.New - before.New, "updated": r.res.Updated - before.Updated,
					"same": r.res.Same - before.Same, "rejected": r.res.Rejected - before.Rejected}
				finished := sql.NullString{}
				if eof {
					if r.sum != nil {
						r.res.SHA256 = hex.EncodeToString(r.sum.Sum(nil))
						c.Details["file_sha256"] = r.res.SHA256
					}
					c.Details["complete"] = true
					finished = sql.NullString{String: r.w.stamp(), Valid: true}
				}
				_, err := tx.ExecContext(ctx, `UPDATE `+r.batchTable()+` SET rows_new = ?, rows_updated = ?, rows_same = ?, rows_bad = ?,
					file_sha256 = ?, finished_at = ? WHERE id = ?`,
					r.res.New, r.res.Updated, r.res.Same, r.res.Rejected, r.res.SHA256, finished, r.res.BatchID)
				return err
			})
		if err != nil {
			// The chunk was rolled back: its counts did not happen.
			batch := r.res.BatchID
			if chunk == 1 {
				batch = 0
			}
			errs, rejected := r.res.Errors, r.res.Rejected
			*r.res = before
			r.res.BatchID = batch
			if r.opts.Strict {
				r.res.Errors, r.res.Rejected = errs, rejected
			}
			if ctx.Err() != nil {
				r.res.Cancelled = true
				return r.res, ctx.Err()
			}
			return r.res, err
		}
		if r.committed != nil {
			r.committed()
		}
		if ckErr == nil {
			ckpt.committed()
		}
		r.progress()
		if !eof {
			r.w.yieldToWaiters(2 * time.Second)
		}
	}
	return r.res, nil
}

// hashingReader feeds everything read into the file's SHA-256.
type hashingReader struct {
	r io.Reader
	h hash.Hash
}

func (h hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	return n, err
}

// ImportUsers imports a users export file (CSV or JSON Lines, see
// docs/export-formats.md). Rows are matched by account_id: a new id is
// added, a known one with changed values is updated (old values kept in
// its audit entry), an unchanged one is left alone, so importing the same
// file twice changes nothing. Bad rows are reported and skipped, unless
// opts.Strict.
func (w *Workspace) ImportUsers(ctx context.Context, r io.Reader, name string, format exportfile.Format, opts ImportOptions) (*ImportResult, error) {
	sum := sha256.New()
	ur, err := exportfile.NewUserReader(hashingReader{r, sum}, name, format)
	if err != nil {
		return nil, err
	}
	return w.importUsers(ctx, ur, "users", name, sum, opts)
}

func (w *Workspace) importUsers(ctx context.Context, src rowSource[exportfile.User], kind, name string, sum hash.Hash, opts ImportOptions) (*ImportResult, error) {
	if err := w.can(PermRecordsImport); err != nil {
		return nil, err
	}
	res := &ImportResult{File: name}
	tomb, err := w.tombstoneDigester(ctx)
	if err != nil {
		res.Cancelled = ctx.Err() != nil
		return res, err
	}
	ui := &userInserter{w: w, tomb: tomb, batch: &res.BatchID, file: name, batchUsers: true}
	run := &importRun[userRow]{w: w, kind: kind, action: "import.users", file: name, opts: opts, src: keyedUsers{src, &ui.inserting}, sum: sum, res: res, chunk: 50000,
		prepare: ui.prepare, row: ui.row, finish: ui.flush, seal: ui.takeSealed, sealKnown: ui.takeKnown}
	if err := w.db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM users`).Scan(&ui.usersBefore); err != nil {
		res.Cancelled = ctx.Err() != nil
		return res, err
	}
	// Into an empty table every row is added; otherwise it may well be a
	// re-import, and the writer says so once it adds rows.
	ui.inserting.Store(ui.usersBefore == 0)
	ui.big = func() bool { return bigImport(run.res, run.src.BytesRead(), run.opts.Size, ui.usersBefore) }
	// A chunk's rows, for the buffers' first size (they keep it after).
	ui.rowsHint = 50_000
	if opts.ChunkRows > 0 {
		ui.rowsHint = min(ui.rowsHint, opts.ChunkRows)
	}
	if opts.Size > 0 {
		ui.rowsHint = min(ui.rowsHint, max(1024, int(opts.Size/100)))
	}
	run.last = ui.complete
	run.done = func() {
		ui.close()
		dropWordCaches()
		// A run that ended early builds what it deferred now; should
		// that fail too, the next open does (afterConnect).
		_ = w.restoreDeferredIndexes(context.WithoutCancel(ctx))
	}
	return run.run(ctx)
}

// userRow is a users-export row with its search keys, worked out on the
// goroutine that reads the file (see prefetch), not the one that writes:
// the writer is the import's bottleneck.
type userRow struct {
	exportfile.User
	keys    []string
	nameKey any // the list's sort key (namekey.go), NULL for no name
	// The parts of the row's sealed content that come from the file
	// (userSealParts).
	sealMid, sealTail []byte
}

type keyedUsers struct {
	src rowSource[exportfile.User]
	// inserting, when set, says whether the writer is adding users (or
	// merging known ones, a re-import): the seal parts are worked out
	// only for the first; the writer does it for a row that lacks them.
	inserting *atomic.Bool
}

func (k keyedUsers) Next() (userRow, error) {
	u, err := k.src.Next()
	if err != nil {
		return userRow{User: u}, err
	}
	var mid, tail []byte
	if k.inserting == nil || k.inserting.Load() {
		mid, tail = userSealParts(&u)
	}
	return userRow{u, searchKeys(u.FullName, u.IIN, u.Phone, u.Email), nameKeyArg(u.FullName), mid, tail}, nil
}

func (k keyedUsers) BytesRead() int64 { return k.src.BytesRead() }

// userInserter holds the prepared statements of one chunk and the search
// keys of its users, which flush writes as one sorted run of the search
// index (see searchindex.go).
type userInserter struct {
	w     *Workspace
	tomb  *tombstones
	batch *int64
	file  string
	ins   *sql.Stmt
	fld   *sql.Stmt
	cur   *sql.Stmt // a known account's values, for merge
	extra *sql.Stmt // the same with its extra fields, in one round trip
	// upd are the UPDATE statements of merge by the columns they set (a
	// re-import changes the same few columns again and again).
	upd   map[string]*sql.Stmt
	audit *auditStmts
	// scan reads the known users in account order alongside a sorted
	// re-import (see known); extraSQL is the select list of extra; written are the accounts this chunk inserted or
	// changed, which scan may show as they were.
	scan     *knownScan
	extraSQL string
	written  map[string]int // ≥ 0: inserted, its index in fresh
	// fieldArgs are user_fields rows not yet written (fieldBatchRows at a
	// time, by fldMany); flushFields writes them before anything reads
	// user_fields.
	fieldArgs []any
	fldMany   *sql.Stmt
	// expectKnown: the last row was a known account (a re-import);
	// inserting is its opposite, for the reader (keyedUsers).
	expectKnown bool
	inserting   atomic.Bool
	ix          indexEdit
	now         string // the chunk's time stamp
	// big tells, from the rows so far, whether the import is large beside
	// the users table it started with (usersBefore, an upper bound on its
	// size): then users_name is built at the end (deferindex.go).
	big         func() bool
	usersBefore int64
	chunks      int
	// batchUsers: rows the account index shows to be new are queued and
	// inserted userBatchRows to a statement (flushUsers); maxID is the
	// largest users id, -1 when not known. LoadDemo, which needs each
	// row's id at once, inserts row by row.
	batchUsers bool
	rowsHint   int
	queue      []userRow
	insMany    *sql.Stmt
	idOf       *sql.Stmt
	maxID      int64
	// sealed are the chunk's updated users (seal.go), fresh its new ones
	// with their content, sealed without reading them back.
	sealed []string
	fresh  []sealedContent
	arena  []byte // holds fresh's contents
}

func (u *userInserter) takeSealed() []string {
	s := u.sealed
	u.sealed = nil
	return s
}

func (u *userInserter) takeKnown() []sealedContent {
	out := u.fresh[:0]
	for _, f := range u.fresh {
		if f.object != "" {
			out = append(out, f)
		}
	}
	u.fresh = nil
	return out
}

// touched notes that the chunk changed acc (see known).
func (u *userInserter) touched(acc string) {
	if _, ok := u.written[acc]; !ok {
		u.written[acc] = -1
	}
}

// updated notes that merge changed acc: its seal is made from the row as
// it is at the chunk's end, not from what the chunk inserted.
func (u *userInserter) updated(acc string) {
	if i := u.written[acc]; i >= 0 && i < len(u.fresh) && u.fresh[i].object == "user:"+acc {
		u.fresh[i] = sealedContent{}
	}
	u.sealed = append(u.sealed, "user:"+acc)
}

// fieldBatchRows is how many user_fields rows one INSERT writes.
const fieldBatchRows = 256

const fieldInsertSQL = `INSERT INTO user_fields(user_id, name, value) VALUES (?, ?, ?)`
const fieldUpsertSQL = ` ON CONFLICT(user_id, name) DO UPDATE SET value = excluded.value`

func (u *userInserter) addField(ctx context.Context, tx *sql.Tx, id int64, f exportfile.Field) error {
	u.fieldArgs = append(u.fieldArgs, id, f.Name, f.Value)
	if len(u.fieldArgs) < 3*fieldBatchRows {
		return nil
	}
	if u.fldMany == nil {
		var err error
		q := fieldInsertSQL + strings.Repeat(`, (?, ?, ?)`, fieldBatchRows-1) + fieldUpsertSQL
		if u.fldMany, err = tx.PrepareContext(ctx, q); err != nil {
			return err
		}
	}
	_, err := u.fldMany.ExecContext(ctx, u.fieldArgs...)
	clear(u.fieldArgs)
	u.fieldArgs = u.fieldArgs[:0]
	return err
}

// flushFields writes the queued user_fields rows, in order.
func (u *userInserter) flushFields(ctx context.Context) error {
	for i := 0; i < len(u.fieldArgs); i += 3 {
		if _, err := u.fld.ExecContext(ctx, u.fieldArgs[i:i+3]...); err != nil {
			return err
		}
	}
	clear(u.fieldArgs)
	u.fieldArgs = u.fieldArgs[:0]
	return nil
}

func (u *userInserter) close() {
	for _, s := range []*sql.Stmt{u.ins, u.insMany, u.idOf, u.fld, u.fldMany, u.cur, u.extra} {
		if s != nil {
			s.Close()
		}
	}
	for _, s := range u.upd {
		s.Close()
	}
	if u.audit != nil {
		u.audit.close()
	}
	u.scan.close()
	u.scan = nil
	u.ins, u.insMany, u.idOf, u.fld, u.fldMany, u.cur, u.extra, u.upd, u.audit = nil, nil, nil, nil, nil, nil, nil, nil, nil
	u.fieldArgs = u.fieldArgs[:0]
	clear(u.queue)
	u.queue = u.queue[:0]
	u.maxID = -1
}

func (u *userInserter) flush(ctx context.Context, tx *sql.Tx) error {
	// No statement may be left reading when the chunk commits.
	u.scan.close()
	u.scan = nil
	if err := u.flushUsers(context.WithoutCancel(ctx), tx); err != nil {
		return err
	}
	if err := u.flushFields(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	if err := u.ix.applyRemovals(ctx, tx); err != nil {
		return err
	}
	return u.ix.flush(ctx, tx)
}

func (u *userInserter) prepare(ctx context.Context, tx *sql.Tx) error {
	u.close()
	if u.ix.add == nil {
		u.ix.add = make([]indexEntry, 0, max(1024, u.rowsHint)*7)
	}
	u.ix = indexEdit{add: u.ix.add[:0]} // a rolled-back chunk's keys must not leak into the next
	u.chunks++
	// From the second chunk on, a large import into a small table drops
	// users_name (before preparing statements: a schema change); into an
	// empty one from the first (the index is empty: nothing to lose, even
	// for an import of one chunk, which builds it in the same transaction).
	if u.big != nil && (u.chunks == 1 && u.usersBefore == 0 || u.chunks >= 2 && u.big()) {
		if has, err := indexExists(ctx, tx, "users_name"); err != nil {
			return err
		} else if has {
			if err := deferIndex(ctx, tx, "users_name"); err != nil {
				return err
			}
		}
	}
	u.sealed = u.sealed[:0]
	u.fresh = make([]sealedContent, 0, max(64, u.rowsHint))
	if u.arena == nil {
		u.arena = make([]byte, 0, max(1024, u.rowsHint)*224)
	}
	u.arena = u.arena[:0]
	u.now = u.w.stamp()
	var err error
	if u.ins, err = tx.PrepareContext(ctx, userInsertSQL+userInsertValues+` ON CONFLICT(account_id) DO NOTHING`); err != nil {
		return err
	}
	if u.fld, err = tx.PrepareContext(ctx, fieldInsertSQL+fieldUpsertSQL); err != nil {
		return err
	}
	// A known user's values come as one text of length-prefixed values
	// (byte lengths, which no value can confuse; see unpack): a column
	// costs the driver several cgo calls per query, and this query runs
	// for every row of a re-import.
	cur := `SELECT id, ` + packedColumns(mergeColumns...)
	u.written = make(map[string]int, len(u.written))
	if u.cur, err = tx.PrepareContext(ctx, cur+` FROM users WHERE account_id = ?`); err != nil {
		return err
	}
	// The extra fields as one text of length-prefixed names and values
	// (byte lengths), which no value can confuse.
	extra := cur + `, coalesce((SELECT group_concat(length(CAST(name AS BLOB)) || ':' || name ||
		length(CAST(value AS BLOB)) || ':' || value, '') FROM user_fields WHERE user_id = users.id), '')`
	if u.extra, err = tx.PrepareContext(ctx, extra+` FROM users WHERE account_id = ?`); err != nil {
		return err
	}
	u.extraSQL = extra
	u.upd = map[string]*sql.Stmt{}
	u.audit, err = prepareAuditStmts(ctx, tx)
	return err
}

const (
	userInsertSQL = `INSERT INTO users(account_id, full_name, iin, phone, email, birth_date, address, entity_bin, entity_name,
		registered_at, batch_id, created_at, updated_at, name_key) VALUES `
	userInsertValues = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// userBatchRows rows of userBatchArgs values each, after the two the
	// rows share (batch id and time stamp, bound once: a bound value
	// costs the driver an allocation and a cgo call, and a batch's rows
	// were most of what the writer spent binding), stay under SQLite's
	// historical limit of 999 variables.
	userBatchRows = 90
	userBatchArgs = 11
)

// userInsertManySQL inserts userBatchRows users: ?1 is the batch id and
// ?2 the time stamp of every row (created_at and updated_at), then each
// row's userBatchArgs values in flushUsers' order.
var userInsertManySQL = func() string {
	var b strings.Builder
	b.WriteString(userInsertSQL)
	for r := range userBatchRows {
		if r > 0 {
			b.WriteString(", ")
		}
		n := 3 + r*userBatchArgs
		b.WriteString("(")
		// The texts come as blobs (textArg) made text again.
		for i := range userBatchArgs - 2 {
			fmt.Fprintf(&b, "CAST(?%d AS TEXT), ", n+i)
		}
		fmt.Fprintf(&b, "?%d, ?1, ?2, ?2, ?%d)", n+userBatchArgs-2, n+userBatchArgs-1)
	}
	return b.String()
}()

// textArg is s as a statement argument for a CAST(? AS TEXT) (NULL for
// ""): its bytes, without a copy. The driver copies every string it
// binds into a new []byte first (one allocation per value, most of what
// binding a batch of users cost), and binds a []byte as it is; SQLite
// copies the bytes either way (SQLITE_TRANSIENT), so s is only read
// during the call, and the CAST makes the value the same text a bound
// string gives.
func textArg(s string) any {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// textArgEmpty is textArg with "" as an empty text, not NULL.
func textArgEmpty(s string) any {
	if s == "" {
		return []byte{}
	}
	return textArg(s)
}

// absent reports whether acc is known not to be a user, from the forward
// scan of the account index that a sorted file keeps cheap (see known);
// false when only a query of its own could tell (the file went back).
func (u *userInserter) absent(ctx context.Context, tx *sql.Tx, acc string) (bool, error) {
	if _, wrote := u.written[acc]; wrote {
		return false, nil
	}
	if u.scan == nil {
		u.scan = &knownScan{sql: `SELECT account_id, ` + strings.TrimPrefix(u.extraSQL, "SELECT ") +
			` FROM users WHERE account_id >= ? ORDER BY account_id`}
		if err := u.scan.open(ctx, tx, acc); err != nil {
			return false, err
		}
	} else if acc < u.scan.low {
		return false, nil
	}
	hit, err := u.scan.seek(ctx, tx, acc)
	return err == nil && !hit && acc >= u.scan.low, err
}

// flushUsers inserts the queued new users: full batches with one
// statement each, the rest row by row. Rows get ids one above the
// largest (SQLite's rowid rule), in order; when the ids do not come out
// so, each row's id is read.
func (u *userInserter) flushUsers(ctx context.Context, tx *sql.Tx) error {
	if len(u.queue) == 0 {
		return nil
	}
	q := u.queue
	defer func() {
		clear(u.queue)
		u.queue = u.queue[:0]
	}()
	ids := make([]int64, 0, len(q))
	if len(q) == userBatchRows {
		if u.maxID < 0 {
			if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM users`).Scan(&u.maxID); err != nil {
				return err
			}
		}
		if u.insMany == nil {
			var err error
			if u.insMany, err = tx.PrepareContext(ctx, userInsertManySQL); err != nil {
				return err
			}
		}
		args := make([]any, 0, 2+userBatchArgs*len(q))
		args = append(args, *u.batch, u.now)
		for i := range q {
			v := &q[i]
			args = append(args, textArgEmpty(v.AccountID), textArgEmpty(v.FullName), textArg(v.IIN), textArg(v.Phone), textArg(v.Email), textArg(v.BirthDate),
				textArg(v.Address), textArg(v.EntityBIN), textArg(v.EntityName), timeText(v.RegisteredAt), v.nameKey)
		}
		res, err := u.insMany.ExecContext(ctx, args...)
		if err != nil {
			return fmt.Errorf("%s lines %d–%d: %w", u.file, q[0].Line, q[len(q)-1].Line, err)
		}
		last, _ := res.LastInsertId()
		if n, _ := res.RowsAffected(); n != int64(len(q)) {
			return fmt.Errorf("%s lines %d–%d: %d of %d users inserted", u.file, q[0].Line, q[len(q)-1].Line, n, len(q))
		}
		if last == u.maxID+int64(len(q)) {
			for i := range q {
				ids = append(ids, u.maxID+1+int64(i))
			}
		} else {
			if u.idOf == nil {
				if u.idOf, err = tx.PrepareContext(ctx, `SELECT id FROM users WHERE account_id = ?`); err != nil {
					return err
				}
			}
			for i := range q {
				var id int64
				if err := u.idOf.QueryRowContext(ctx, q[i].AccountID).Scan(&id); err != nil {
					return fmt.Errorf("%s line %d: %w", u.file, q[i].Line, err)
				}
				ids = append(ids, id)
			}
		}
		u.maxID = max(u.maxID, last)
	} else {
		for i := range q {
			v := &q[i]
			res, err := u.ins.ExecContext(ctx, v.AccountID, v.FullName, nullable(v.IIN), nullable(v.Phone), nullable(v.Email),
				nullable(v.BirthDate), nullable(v.Address), nullable(v.EntityBIN), nullable(v.EntityName), timeText(v.RegisteredAt), *u.batch, u.now, u.now, v.nameKey)
			if err != nil {
				return fmt.Errorf("%s line %d: %w", u.file, v.Line, err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("%s line %d: account %s is already a user", u.file, v.Line, v.AccountID)
			}
			id, _ := res.LastInsertId()
			ids = append(ids, id)
		}
		u.maxID = -1
	}
	for i := range q {
		if err := u.inserted(ctx, tx, &q[i], ids[i]); err != nil {
			return err
		}
	}
	return nil
}

// inserted records a new user: its seal content, search keys and extra
// fields.
func (u *userInserter) inserted(ctx context.Context, tx *sql.Tx, v *userRow, id int64) error {
	u.written[v.AccountID] = len(u.fresh)
	if v.sealMid == nil {
		v.sealMid, v.sealTail = userSealParts(&v.User)
	}
	at := len(u.arena)
	u.arena = appendUserSeal(u.arena, id, v.sealMid, u.now, v.sealTail)
	u.fresh = append(u.fresh, sealedContent{"user:" + v.AccountID, u.arena[at:len(u.arena):len(u.arena)]})
	u.ix.insert(id, v.keys)
	for _, f := range v.Extra {
		if err := u.addField(ctx, tx, id, f); err != nil {
			return err
		}
	}
	return nil
}

// complete runs in the import's last chunk: the indexes the import
// dropped are built again in its transaction.
func (u *userInserter) complete(ctx context.Context, tx *sql.Tx) error {
	return buildDeferredIndexes(context.WithoutCancel(ctx), tx)
}

// bigImportMin is the fewest rows still to come for which dropping
// users_name and building it at the end pays (a variable for tests).
var bigImportMin int64 = 50_000

// bigImport tells whether an import whose good rows so far are res's,
// having read bytes of size (0: unknown), is large beside a users table
// of before rows and mostly adds users: the rows still to come (estimated
// from the bytes; at least one more chunk when the size is unknown) must
// be at least bigImportMin and a quarter of the table at the end (a
// random insert into users_name costs several times what the sorted build
// spends on a row).
func bigImport(res *ImportResult, bytes, size int64, before int64) bool {
	rows := int64(res.New + res.Updated + res.Same)
	if rows == 0 || int64(res.New)*10 < rows*9 {
		return false // a re-import: most rows are known
	}
	total := rows + bigImportMin
	if size > 0 && bytes > 0 {
		total = max(rows, rows*size/bytes)
	}
	rest := total - rows
	return rest >= bigImportMin && 4*rest >= before+total
}

// known returns a known account's id and packed values (and extra
// fields when extra), or sql.ErrNoRows. A re-import's file is usually in
// account order, as the users table's account-id index is: one query
// reading that index forward (knownScan) then answers row after row
// without a query each. Accounts this chunk wrote, and any the scan
// cannot answer (the file went backwards), are read with the prepared
// point query.
func (u *userInserter) known(ctx context.Context, tx *sql.Tx, acc string, extra bool) (int64, string, string, error) {
	if _, wrote := u.written[acc]; !wrote {
		if u.scan == nil || acc < u.scan.low {
			// The scan always reads the extra fields: rows of one file
			// differ in having any, and switching would reopen it.
			u.scan.close()
			u.scan = &knownScan{sql: `SELECT account_id, ` + strings.TrimPrefix(u.extraSQL, "SELECT ") +
				` FROM users WHERE account_id >= ? ORDER BY account_id`}
			if err := u.scan.open(ctx, tx, acc); err != nil {
				return 0, "", "", err
			}
		}
		hit, err := u.scan.seek(ctx, tx, acc)
		if err != nil {
			return 0, "", "", err
		}
		if hit {
			return u.scan.id, u.scan.packed, u.scan.fields, nil
		}
		if acc >= u.scan.low {
			return 0, "", "", sql.ErrNoRows
		}
	}
	var id int64
	var packed, fields string
	dest := []any{&id, &packed}
	st := u.cur
	if extra {
		st, dest = u.extra, append(dest, &fields)
	}
	err := st.QueryRowContext(ctx, acc).Scan(dest...)
	return id, packed, fields, err
}

// knownScan reads users in account order from an account on. Every
// account from low up to (not including) acc is known absent; acc is
// the current row (done: there is none, all from low on are absent).
type knownScan struct {
	sql    string
	rows   *sql.Rows
	low    string
	acc    string
	id     int64
	packed string
	fields string
	done   bool
}

func (k *knownScan) open(ctx context.Context, tx *sql.Tx, from string) error {
	k.close()
	rows, err := tx.QueryContext(ctx, k.sql, from)
	if err != nil {
		return err
	}
	k.rows, k.low, k.done = rows, from, false
	return k.next()
}

func (k *knownScan) next() error {
	if !k.rows.Next() {
		k.done = true
		return k.rows.Err()
	}
	return k.rows.Scan(&k.acc, &k.id, &k.packed, &k.fields)
}

// seek moves forward to acc (acc >= low) and reports whether it is the
// current row; false with low <= acc means acc is not in the table.
// Far jumps (a file with gaps, or out of order) reopen the scan at acc
// rather than read everything between.
func (k *knownScan) seek(ctx context.Context, tx *sql.Tx, acc string) (bool, error) {
	for skipped := 0; !k.done && k.acc < acc; skipped++ {
		if skipped == 64 {
			return k.seekFresh(ctx, tx, acc)
		}
		k.low = k.acc + "\x00"
		if err := k.next(); err != nil {
			return false, err
		}
	}
	return !k.done && k.acc == acc, nil
}

func (k *knownScan) seekFresh(ctx context.Context, tx *sql.Tx, acc string) (bool, error) {
	if err := k.open(ctx, tx, acc); err != nil {
		return false, err
	}
	return !k.done && k.acc == acc, nil
}

func (k *knownScan) close() {
	if k != nil && k.rows != nil {
		k.rows.Close()
		k.rows = nil
	}
}

// mergeColumns are the users columns merge compares, in unpack's order.
var mergeColumns = []string{"full_name", "iin", "phone", "email", "birth_date", "address", "entity_bin", "entity_name", "registered_at", "state"}

// packedColumns is an SQL expression giving the columns as one text:
// each value (NULL as empty) as its length in bytes, ':' and the bytes.
func packedColumns(cols ...string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = "length(CAST(coalesce(" + c + ", '') AS BLOB)) || ':' || coalesce(" + c + ", '')"
	}
	return strings.Join(parts, " || ")
}

// unpack cuts a packedColumns text into dst, in order.
func unpack(s string, dst ...*string) error {
	for _, d := range dst {
		i := strings.IndexByte(s, ':')
		if i < 0 {
			return errors.New("users: bad packed values")
		}
		n, err := strconv.Atoi(s[:i])
		if err != nil || n < 0 || i+1+n > len(s) {
			return errors.New("users: bad packed values")
		}
		*d, s = s[i+1:i+1+n], s[i+1+n:]
	}
	if s != "" {
		return errors.New("users: bad packed values")
	}
	return nil
}

// parseFields reads the extra fields as merge's query encodes them.
func parseFields(s string) ([]exportfile.Field, error) {
	var out []exportfile.Field
	next := func() (string, error) {
		i := strings.IndexByte(s, ':')
		if i < 0 {
			return "", errors.New("user_fields: bad encoding")
		}
		n, err := strconv.Atoi(s[:i])
		if err != nil || n < 0 || i+1+n > len(s) {
			return "", errors.New("user_fields: bad encoding")
		}
		v := s[i+1 : i+1+n]
		s = s[i+1+n:]
		return v, nil
	}
	for s != "" {
		name, err := next()
		if err != nil {
			return nil, err
		}
		value, err := next()
		if err != nil {
			return nil, err
		}
		out = append(out, exportfile.Field{Name: name, Value: value})
	}
	return out, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func timeText(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

func (u *userInserter) row(ctx context.Context, tx *sql.Tx, v userRow) (string, error) {
	if act, dead := u.tomb.destroyed(v.AccountID); dead {
		return "", &exportfile.RowError{File: u.file, Line: v.Line, Column: "account_id", Value: v.AccountID,
			Reason: "this account's data was destroyed under act " + act + "; it is not imported again"}
	}
	if day, gone := u.tomb.depersonalizedOn(v.AccountID); gone {
		return "", &exportfile.RowError{File: u.file, Line: v.Line, Column: "account_id", Value: v.AccountID,
			Reason: "this account was depersonalized on " + day + "; its identifying data are not imported again"}
	}
	reason := func() string { return fmt.Sprintf("import of %s line %d", u.file, v.Line) }
	// A new account that the forward scan of the account index shows
	// absent waits for a batch insert.
	if u.batchUsers && !u.expectKnown {
		absent, err := u.absent(ctx, tx, v.AccountID)
		if err != nil {
			return "", err
		}
		if absent {
			if !u.inserting.Load() {
				u.inserting.Store(true)
			}
			u.written[v.AccountID] = -1
			u.queue = append(u.queue, v)
			if len(u.queue) == userBatchRows {
				return "new", u.flushUsers(ctx, tx)
			}
			return "new", nil
		}
	}
	// Anything else sees the queued users in the table.
	if err := u.flushUsers(ctx, tx); err != nil {
		return "", err
	}
	// A re-import is mostly known accounts: after a known one, look the
	// next up first rather than pay for an insert that does nothing.
	if u.expectKnown {
		outcome, err := u.merge(ctx, tx, v, reason())
		if !errors.Is(err, sql.ErrNoRows) {
			if outcome == "updated" {
				u.updated(v.AccountID)
			}
			return outcome, err
		}
		u.expectKnown = false
		u.inserting.Store(true)
	}
	res, err := u.ins.ExecContext(ctx, v.AccountID, v.FullName, nullable(v.IIN), nullable(v.Phone), nullable(v.Email),
		nullable(v.BirthDate), nullable(v.Address), nullable(v.EntityBIN), nullable(v.EntityName), timeText(v.RegisteredAt), *u.batch, u.now, u.now, v.nameKey)
	if err != nil {
		return "", fmt.Errorf("%s line %d: %w", u.file, v.Line, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		id, _ := res.LastInsertId()
		u.maxID = -1
		return "new", u.inserted(ctx, tx, &v, id)
	}
	u.expectKnown = true
	u.inserting.Store(false)
	outcome, err := u.merge(ctx, tx, v, reason())
	if outcome == "updated" {
		u.updated(v.AccountID)
	}
	return outcome, err
}

// merge updates a known account from an import when values differ. It
// is most of a re-import's work, so it reads the row with one prepared
// statement (extra fields only when the file has some), works out the
// search keys that change from the values (no re-reads), and writes the
// changed columns in one statement.
func (u *userInserter) merge(ctx context.Context, tx *sql.Tx, row userRow, reason string) (string, error) {
	v := row.User
	cur := &User{}
	var reg, state, packed, fields string
	// The queued users and user_fields rows first: known reads them.
	if err := u.flushUsers(ctx, tx); err != nil {
		return "", err
	}
	if err := u.flushFields(ctx); err != nil {
		return "", err
	}
	var err error
	cur.ID, packed, fields, err = u.known(ctx, tx, v.AccountID, len(v.Extra) > 0)
	if errors.Is(err, sql.ErrNoRows) {
		return "", err // not known: the caller inserts it
	}
	if err == nil {
		err = unpack(packed, &cur.FullName, &cur.IIN, &cur.Phone, &cur.Email, &cur.BirthDate, &cur.Address, &cur.EntityBIN, &cur.EntityName, &reg, &state)
	}
	if err != nil {
		return "", fmt.Errorf("%s line %d: %w", u.file, v.Line, err)
	}
	cur.AccountID, cur.State = v.AccountID, UserState(state)
	cur.RegisteredAt, cur.RegisteredDateOnly = parseStamp(reg)
	if cur.State == StateDepersonalized {
		return "same", nil // identifying data must not come back
	}
	if len(v.Extra) > 0 {
		if cur.Extra, err = parseFields(fields); err != nil {
			return "", fmt.Errorf("%s line %d: %w", u.file, v.Line, err)
		}
	}
	incoming := &User{UserSummary: UserSummary{AccountID: v.AccountID, FullName: v.FullName, IIN: v.IIN, Phone: v.Phone, Email: v.Email, EntityName: v.EntityName},
		BirthDate: v.BirthDate, Address: v.Address, EntityBIN: v.EntityBIN, RegisteredAt: v.RegisteredAt, Extra: v.Extra}
	old := map[string]any{}
	changed := map[string]string{}
	var cols []string
	var args []any
	for _, f := range FieldCatalog {
		a, b := cur.Value(f.Key), incoming.Value(f.Key)
		if f.Key == "registered_at" && !cur.RegisteredAt.IsZero() && !v.RegisteredAt.IsZero() && cur.RegisteredAt.Equal(v.RegisteredAt) {
			continue
		}
		if a != b {
			old[f.Key], changed[f.Key] = a, b
			if fieldColumns[f.Key] {
				cols = append(cols, f.Key+" = ?")
				if f.Key == "registered_at" {
					args = append(args, timeText(v.RegisteredAt))
				} else {
					args = append(args, nullable(b))
				}
				if f.Key == "full_name" {
					cols, args = append(cols, "name_key = ?"), append(args, row.nameKey)
				}
			}
		}
	}
	for _, f := range v.Extra {
		if a := cur.Value(f.Name); a != f.Value {
			old[f.Name], changed[f.Name] = a, f.Value
			u.touched(v.AccountID)
			if err := setField(ctx, tx, &u.ix, cur.ID, f.Name, f.Value); err != nil {
				return "", err
			}
		}
	}
	if len(changed) == 0 {
		return "same", nil
	}
	cols = append(cols, "updated_at = ?")
	args = append(args, u.now, cur.ID)
	set := strings.Join(cols, ", ")
	upd := u.upd[set]
	if upd == nil {
		if upd, err = tx.PrepareContext(ctx, `UPDATE users SET `+set+` WHERE id = ?`); err != nil {
			return "", err
		}
		u.upd[set] = upd
	}
	if _, err := upd.ExecContext(ctx, args...); err != nil {
		return "", err
	}
	u.touched(v.AccountID)
	was := searchKeys(cur.FullName, cur.IIN, cur.Phone, cur.Email)
	now := searchKeys(v.FullName, v.IIN, v.Phone, v.Email)
	u.ix.removeLater(cur.ID, without(was, now))
	u.ix.insert(cur.ID, without(now, was))
	keys := make([]string, 0, len(changed))
	for k := range changed {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	_, err = appendAuditWith(ctx, tx, u.audit, u.w.now(), u.w.me, Change{Action: "user.update", Object: "user:" + v.AccountID,
		Reason:   reason,
		Details:  map[string]any{"fields": keys, "source": "import"},
		Personal: &Personal{Subject: "user:" + v.AccountID, Data: map[string]any{"old": old}}})
	return "updated", err
}

// tombstones tells destroyed accounts by a keyed digest of the account id.
type tombstones struct {
	key      []byte
	acts     map[string]string
	deperson map[string]string // digest → date of depersonalization
}

func (t *tombstones) digest(accountID string) string {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte(accountID))
	return hex.EncodeToString(m.Sum(nil))
}

func (t *tombstones) destroyed(accountID string) (string, bool) {
	if len(t.acts) == 0 {
		return "", false
	}
	act, ok := t.acts[t.digest(accountID)]
	return act, ok
}

// tombstoneDigester loads the digests of destroyed accounts. The digest
// key is a random secret made by migration 0002, kept inside the
// encrypted database.
func (w *Workspace) tombstoneDigester(ctx context.Context) (*tombstones, error) {
	var keyHex string
	if err := w.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'tombstone_key'`).Scan(&keyHex); err != nil {
		return nil, fmt.Errorf("tombstone key: %w", err)
	}
	t := &tombstones{acts: map[string]string{}}
	t.key, _ = hex.DecodeString(keyHex)
	rows, err := w.db.QueryContext(ctx, `SELECT account_digest, act_number FROM tombstones`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var d, a string
		if err := rows.Scan(&d, &a); err != nil {
			return nil, err
		}
		t.acts[d] = a
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return t, t.loadDepersonalized(ctx, w.db)
}

// ImportBatch is one import run, as the records list's batch filter and
// the audit trail name it.
type ImportBatch struct {
	ID         int64
	Kind       string // users, access-log, demo
	File       string
	SHA256     string
	StartedAt  time.Time
	FinishedAt time.Time // zero while unfinished (cancelled or killed)
	Staff      string
	New        int
	Updated    int
	Same       int
	Rejected   int
}

// ImportBatches lists import runs, newest first.
func (w *Workspace) ImportBatches(ctx context.Context) ([]ImportBatch, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT id, kind, file_name, file_sha256, started_at, coalesce(finished_at, ''), staff,
		rows_new, rows_updated, rows_same, rows_bad FROM import_batches ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ImportBatch
	for rows.Next() {
		var b ImportBatch
		var started, finished string
		if err := rows.Scan(&b.ID, &b.Kind, &b.File, &b.SHA256, &started, &finished, &b.Staff, &b.New, &b.Updated, &b.Same, &b.Rejected); err != nil {
			return nil, err
		}
		b.StartedAt, _ = time.Parse(time.RFC3339Nano, started)
		b.FinishedAt, _ = time.Parse(time.RFC3339Nano, finished)
		out = append(out, b)
	}
	return out, rows.Err()
}
