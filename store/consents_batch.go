package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The import's write path in batches. An event costs the engine less
// when consentBatchRows of them go in one multi-row INSERT than when each
// is its own statement: a third of a single-row insert was the statement
// itself (database/sql, the driver's cgo calls, the VM's start and
// reset), not the b-tree. The current states of a chunk go the same way.

// consentBatchRows is how many events (or state rows) one statement
// inserts.
const consentBatchRows = 16

// consentRowModeRows is how many rows the import inserts one by one after
// a batch met events already in the ledger (a re-import): there, every
// batch would need its rows looked up again.
const consentRowModeRows = 4096

// consentPerRow makes the import take the one-statement-per-row path
// everywhere (tests compare the two).
var consentPerRow bool

// pendingEvent is a validated event waiting for its batch.
type pendingEvent struct {
	uid                               int64
	purpose, event, language, channel string
	ip, documentRef, reason           string
	ua                                int64 // consent_user_agents.id, 0: none
	edition                           int
	at                                int64
	y, m, d                           int // the day it is counted on
	batch                             sql.NullInt64
	seq                               int64
	line                              int
}

func valuesList(n, cols int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
}

// consentInsertBatchSQL is consentInsertSQL for consentBatchRows events
// of one import chunk: its batch and audit entry, and the empty reason,
// are written into the text, so that each event binds 10 values, not 13
// (a bound value is a call into C).
func consentInsertBatchSQL(batch sql.NullInt64, seq int64) string {
	b := "NULL"
	if batch.Valid {
		b = strconv.FormatInt(batch.Int64, 10)
	}
	row := "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', " + b + ", " + strconv.FormatInt(seq, 10) + ")"
	return `INSERT INTO consent_events(user_id, purpose, event, edition, language, channel, at, ip, user_agent_id,
	document_ref, reason, batch_id, audit_seq) VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", consentBatchRows), ", ") + `
	ON CONFLICT(user_id, purpose, at, event, edition) DO NOTHING`
}

// queue adds a validated event; it is written when the batch is full
// (drain) or at the end of the chunk. It returns the numbers of new and
// already known events written by this call.
func (c *consentInserter) queue(ctx context.Context, tx *sql.Tx, e pendingEvent) (newN, sameN int, err error) {
	c.pending = append(c.pending, e)
	if len(c.pending) < consentBatchRows {
		return 0, 0, nil
	}
	return c.drain(ctx, tx)
}

// drain writes the queued events.
func (c *consentInserter) drain(ctx context.Context, tx *sql.Tx) (newN, sameN int, err error) {
	defer func() { c.pending = c.pending[:0] }()
	if len(c.pending) == consentBatchRows && c.rowMode <= 0 && !consentPerRow && c.oneChunk() {
		return c.writeBatch(ctx, tx)
	}
	for i := range c.pending {
		e := &c.pending[i]
		c.rowMode--
		res, err := c.ins.ExecContext(ctx, e.uid, e.purpose, e.event, e.edition, e.language, e.channel, e.at, e.ip, uaArg(e.ua),
			e.documentRef, e.reason, e.batch, e.seq)
		if err != nil {
			return newN, sameN, fmt.Errorf("line %d: %w", e.line, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			sameN++
			continue
		}
		id, _ := res.LastInsertId()
		c.noteNew(e, id)
		newN++
	}
	return newN, sameN, nil
}

// oneChunk reports whether the queued events share their batch and audit
// entry and have no reason, as an import chunk's do.
func (c *consentInserter) oneChunk() bool {
	e0 := &c.pending[0]
	for i := range c.pending {
		if e := &c.pending[i]; e.batch != e0.batch || e.seq != e0.seq || e.reason != "" {
			return false
		}
	}
	return true
}

// writeBatch inserts a full batch with one statement. When every event
// was new and took the next ids in order (SQLite gives a new row the
// largest id plus one, and inserts VALUES rows in order), their ids are
// known without asking; otherwise each event's id is read by its natural
// key, and an event is new when its id is above the ledger's largest
// before the statement and not claimed by an earlier row of the batch
// (the same event twice in a file).
func (c *consentInserter) writeBatch(ctx context.Context, tx *sql.Tx) (newN, sameN int, err error) {
	e0 := &c.pending[0]
	if c.insBatch == nil || c.insBatchFor.batch != e0.batch || c.insBatchFor.seq != e0.seq {
		if c.insBatch != nil {
			c.insBatch.Close()
		}
		if c.insBatch, err = tx.PrepareContext(ctx, consentInsertBatchSQL(e0.batch, e0.seq)); err != nil {
			c.insBatch = nil
			return 0, 0, err
		}
		c.insBatchFor.batch, c.insBatchFor.seq = e0.batch, e0.seq
	}
	args := c.args[:0]
	for i := range c.pending {
		e := &c.pending[i]
		args = append(args, e.uid, e.purpose, e.event, e.edition, e.language, e.channel, e.at, e.ip, uaArg(e.ua), e.documentRef)
	}
	c.args = args
	first, last := c.pending[0].line, c.pending[len(c.pending)-1].line
	res, err := c.insBatch.ExecContext(ctx, args...)
	clear(c.args)
	if err != nil {
		return 0, 0, fmt.Errorf("lines %d-%d: %w", first, last, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, 0, err
	}
	lastID, err := res.LastInsertId()
	if err != nil {
		return 0, 0, err
	}
	before := c.maxID
	if int(n) == len(c.pending) && lastID == before+n {
		for i := range c.pending {
			c.noteNew(&c.pending[i], before+1+int64(i))
		}
		return len(c.pending), 0, nil
	}
	if n < int64(len(c.pending)) {
		c.rowMode = consentRowModeRows
	}
	if c.findID == nil {
		if c.findID, err = tx.PrepareContext(ctx, `SELECT id FROM consent_events
			WHERE user_id = ? AND purpose = ? AND at = ? AND event = ? AND edition = ?`); err != nil {
			return 0, 0, err
		}
	}
	claimed := make(map[int64]bool, n)
	for i := range c.pending {
		e := &c.pending[i]
		var id int64
		if err := c.findID.QueryRowContext(ctx, e.uid, e.purpose, e.at, e.event, e.edition).Scan(&id); err != nil {
			return newN, sameN, fmt.Errorf("line %d: %w", e.line, err)
		}
		if id > before && !claimed[id] {
			claimed[id] = true
			c.noteNew(e, id)
			newN++
		} else {
			sameN++
		}
	}
	if newN != int(n) {
		return newN, sameN, fmt.Errorf("lines %d-%d: %d events inserted, %d found new", first, last, n, newN)
	}
	return newN, sameN, nil
}

// noteNew moves the transaction's current states, day counts and user-agent
// counts by a new event: on the counting goroutine when the import started
// one (startCounting), else at once.
func (c *consentInserter) noteNew(e *pendingEvent, id int64) {
	if id > c.maxID {
		c.maxID = id
	}
	n := noted{e.uid, e.purpose, e.event, e.channel, e.language, e.edition, e.at, e.y, e.m, e.d, id, e.ua}
	if c.counting == nil {
		c.count(&n)
		return
	}
	c.notes = append(c.notes, n)
	if len(c.notes) >= 512 {
		c.counting <- c.notes
		c.notes = make([]noted, 0, 512)
	}
}

func (c *consentInserter) count(e *noted) {
	k := stateKey{e.uid, e.purpose}
	if cur, ok := c.latest[k]; !ok || e.at > cur.at || e.at == cur.at && e.id > cur.id {
		c.latest[k] = stateRow{e.event, e.channel, e.language, e.edition, e.at, e.id}
	}
	c.daily[dailyKey{e.y, e.m, e.d, e.edition, e.purpose, e.event, e.channel, e.language}]++
	if e.ua != 0 {
		c.uaNew[e.ua]++
	}
}

// noted is a new event for the counting goroutine: what count needs of
// it (half of a pendingEvent, which every imported event was copied as).
type noted struct {
	uid                               int64
	purpose, event, channel, language string
	edition                           int
	at                                int64
	y, m, d                           int
	id                                int64
	ua                                int64
}

// startCounting moves the map work of noteNew (c.latest, c.daily) to a
// goroutine of its own, beside the one that parses the file: the writer
// is the import's bottleneck. The maps are the goroutine's until
// waitCounting, which flush calls before it reads them.
func (c *consentInserter) startCounting() {
	if c.counting != nil {
		return
	}
	c.counting, c.counted = make(chan []noted, 16), make(chan struct{})
	go func(in <-chan []noted, out chan<- struct{}) {
		for b := range in {
			if b == nil {
				out <- struct{}{}
				continue
			}
			for i := range b {
				c.count(&b[i])
			}
		}
	}(c.counting, c.counted)
}

// waitCounting returns when every event noted so far is counted.
func (c *consentInserter) waitCounting() {
	if c.counting == nil {
		return
	}
	if len(c.notes) > 0 {
		c.counting <- c.notes
		c.notes = make([]noted, 0, 512)
	}
	c.counting <- nil
	<-c.counted
}

// stopCounting ends the counting goroutine.
func (c *consentInserter) stopCounting() {
	if c.counting != nil {
		close(c.counting)
		c.counting, c.notes = nil, nil
	}
}

// stateRange reads the current states of users lo to hi that the chunk
// touches (keys in c.latest): one range read instead of a probe per key,
// and nothing at all to read in a first import.
func (c *consentInserter) stateRange(ctx context.Context, tx *sql.Tx, lo, hi int64) (map[stateKey]stateRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT user_id, purpose, state, edition, channel, language, at, event_id FROM consent_state
		WHERE user_id BETWEEN ? AND ?`, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	old := map[stateKey]stateRow{}
	for rows.Next() {
		var k stateKey
		var r stateRow
		if err := rows.Scan(&k.uid, &k.purpose, &r.event, &r.edition, &r.channel, &r.language, &r.at, &r.id); err != nil {
			return nil, err
		}
		if _, ok := c.latest[k]; ok {
			old[k] = r
		}
	}
	return old, rows.Err()
}

// stateIDs is how many state rows one statement of insertStates inserts.
const stateIDs = 64

// insertStates inserts the state rows known to be new (read in the same
// transaction) from the ledger rows they name: stateIDs rows a statement
// that binds one value a row, the event's id, not eight.
func insertStates(ctx context.Context, tx *sql.Tx, rows []stateRow) error {
	if len(rows) == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO consent_state(user_id, purpose, state, edition, channel, language, at, event_id)
		SELECT user_id, purpose, event, edition, channel, language, at, id FROM consent_events
		WHERE id IN (`+strings.TrimSuffix(strings.Repeat("?, ", stateIDs), ", ")+`)`)
	if err != nil {
		return err
	}
	defer st.Close()
	args := make([]any, stateIDs)
	for i := 0; i < len(rows); i += stateIDs {
		group := rows[i:min(i+stateIDs, len(rows))]
		for j := range args {
			// The last group repeats its last id: the same set.
			args[j] = group[min(j, len(group)-1)].id
		}
		res, err := st.ExecContext(ctx, args...)
		if err != nil {
			return fmt.Errorf("consent state: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != int64(len(group)) {
			return fmt.Errorf("consent state: %d rows inserted for %d events (%v)", n, len(group), err)
		}
	}
	return nil
}

// writeDaily adds the day counts to consent_daily in its key order,
// consentBatchRows keys a statement (a chunk of a large import counts
// thousands of days, editions, purposes, channels and languages).
func writeDaily(ctx context.Context, tx *sql.Tx, daily map[dailyKey]int) error {
	rows := make([]dailyCount, 0, len(daily))
	for k, n := range daily {
		rows = append(rows, dailyCount{k, n})
	}
	return writeDailyRows(ctx, tx, rows)
}

// dailyCount is a day count to add to consent_daily.
type dailyCount struct {
	k dailyKey
	n int
}

// writeDailyRows is writeDaily for counts in a slice (sorted here).
func writeDailyRows(ctx context.Context, tx *sql.Tx, rows []dailyCount) error {
	slices.SortFunc(rows, func(r, q dailyCount) int {
		a, b := &r.k, &q.k
		return cmp.Or(cmp.Compare(a.y, b.y), cmp.Compare(a.m, b.m), cmp.Compare(a.d, b.d), cmp.Compare(a.edition, b.edition),
			cmp.Compare(a.purpose, b.purpose), cmp.Compare(a.event, b.event), cmp.Compare(a.channel, b.channel), cmp.Compare(a.language, b.language))
	})
	const head = `INSERT INTO consent_daily(day, edition, purpose, event, channel, language, n) VALUES `
	const tail = ` ON CONFLICT(day, edition, purpose, event, channel, language) DO UPDATE SET n = n + excluded.n`
	var many, one *sql.Stmt
	defer func() {
		for _, st := range []*sql.Stmt{many, one} {
			if st != nil {
				st.Close()
			}
		}
	}()
	args := make([]any, 0, 7*consentBatchRows)
	var day []byte
	for i := 0; i < len(rows); {
		k := consentBatchRows
		if len(rows)-i < k || consentPerRow {
			k = 1
		}
		st := &many
		if k == 1 {
			st = &one
		}
		if *st == nil {
			var err error
			if *st, err = tx.PrepareContext(ctx, head+valuesList(k, 7)+tail); err != nil {
				return err
			}
		}
		args = args[:0]
		for j := i; j < i+k; j++ {
			d := &rows[j].k
			day = fmt.Appendf(day[:0], "%04d-%02d-%02d", d.y, d.m, d.d)
			args = append(args, string(day), d.edition, d.purpose, d.event, d.channel, d.language, rows[j].n)
		}
		if _, err := (*st).ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("consent day counts: %w", err)
		}
		i += k
	}
	return nil
}
