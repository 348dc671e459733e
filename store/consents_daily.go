package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// The day counts of a consent import (consent_daily) are written once,
// in the transaction of its last chunk, not once per chunk. An export in
// user order spreads every chunk over nearly every day of the history:
// each chunk's counts were an upsert into most of the table's keys and
// its commit re-encrypted most of the table's pages — at a million users
// a third of the writer's time. The whole import's counts are small
// (days × editions × purposes × events × channels × languages), so they
// stay in memory until the end.
//
// Meanwhile the import's batch is listed in consent_uncounted (migration
// 0013), in the transaction of its first chunk: its events are in the
// ledger (consent_events.batch_id) and not yet in consent_daily.
// ConsentReport adds them from the ledger while the row is there, so no
// reader sees counts that miss committed events. The import removes the
// row in the transaction that writes its counts: the last chunk's, or,
// when it fails or is cancelled after some chunks, one of its own with
// the counts of the chunks that were committed. A killed import leaves
// the row; its events are then counted from the ledger by batch
// (countUncounted) when the workspace is next opened, or when the next
// consent import starts, unless a holder file says an import may still
// be running in another program (see busy.go; as deferindex.go does for
// the records list's index).

// dailyTotals is what a consent import adds to consent_daily: the
// committed chunks' counts (total) and the current chunk's, which join
// total when its transaction has committed.
type dailyTotals struct {
	w     *Workspace
	batch *int64
	// total is kept by compact keys: a dailyKey's strings are slices of
	// the file's line (one string per CSV record) and would keep a line
	// alive for every key of the import; the interned ones are shared.
	total   map[dayKey]int
	strs    []string
	strIdx  map[string]uint16
	chunk   map[dailyKey]int
	listed  bool // the batch's consent_uncounted row is committed
	written bool // the counts are written (committed)
	// lastWrote: the last chunk's transaction wrote them (not yet
	// committed).
	lastWrote bool
}

// take moves the chunk's counts out of the inserter (after its flush)
// and lists the batch as uncounted in the chunk's transaction.
func (d *dailyTotals) take(ctx context.Context, tx *sql.Tx, ins *consentInserter) error {
	d.chunk = ins.daily
	ins.daily = map[dailyKey]int{}
	if d.listed || len(d.chunk) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO consent_uncounted(batch_id) VALUES (?) ON CONFLICT DO NOTHING`, *d.batch)
	return err
}

// committed adds the committed chunk's counts to the import's.
func (d *dailyTotals) committed() {
	if d.lastWrote {
		d.written, d.listed, d.total, d.chunk = true, false, nil, nil
		return
	}
	if len(d.chunk) > 0 {
		d.listed = true
	}
	if d.total == nil {
		d.total = make(map[dayKey]int, len(d.chunk))
	}
	for k, n := range d.chunk {
		d.total[d.compact(k)] += n
	}
	d.chunk = nil
}

// dayKey is a dailyKey with its strings interned (dailyTotals.strs).
type dayKey struct {
	ymd                               int32 // y*10000 + m*100 + d
	edition                           int32
	purpose, event, channel, language uint16
}

func (d *dailyTotals) intern(s string) uint16 {
	if i, ok := d.strIdx[s]; ok {
		return i
	}
	if d.strIdx == nil {
		d.strIdx = map[string]uint16{}
	}
	i := uint16(len(d.strs))
	s = strings.Clone(s)
	d.strs = append(d.strs, s)
	d.strIdx[s] = i
	return i
}

func (d *dailyTotals) compact(k dailyKey) dayKey {
	return dayKey{int32(k.y*10000 + k.m*100 + k.d), int32(k.edition), d.intern(k.purpose), d.intern(k.event), d.intern(k.channel), d.intern(k.language)}
}

// rows is total as rows for writeDailyRows, with the chunk's counts
// when withChunk, without changing total; no map of the whole import's
// dailyKeys is made (the import's memory peaks at its end).
func (d *dailyTotals) rows(withChunk bool) []dailyCount {
	var extra map[dayKey]int
	if withChunk && len(d.chunk) > 0 {
		extra = make(map[dayKey]int, len(d.chunk))
		for k, n := range d.chunk {
			extra[d.compact(k)] += n
		}
	}
	rows := make([]dailyCount, 0, len(d.total)+len(extra))
	for k, n := range d.total {
		if m, ok := extra[k]; ok {
			n += m
			delete(extra, k)
		}
		rows = append(rows, dailyCount{d.expand(k), n})
	}
	for k, n := range extra {
		rows = append(rows, dailyCount{d.expand(k), n})
	}
	return rows
}

func (d *dailyTotals) expand(k dayKey) dailyKey {
	return dailyKey{int(k.ymd / 10000), int(k.ymd / 100 % 100), int(k.ymd % 100), int(k.edition),
		d.strs[k.purpose], d.strs[k.event], d.strs[k.channel], d.strs[k.language]}
}

// last writes the import's counts, the last chunk's with them, in the
// last chunk's transaction. total stays as it is until the commit (done
// needs it if the transaction rolls back).
func (d *dailyTotals) last(ctx context.Context, tx *sql.Tx) error {
	if rows := d.rows(true); len(rows) > 0 {
		if err := writeDailyRows(ctx, tx, rows); err != nil {
			return err
		}
	}
	if d.listed || len(d.chunk) > 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM consent_uncounted WHERE batch_id = ?`, *d.batch); err != nil {
			return err
		}
	}
	d.lastWrote = true
	return nil
}

// done writes the counts of the committed chunks of an import that
// ended early (failed, cancelled) in a transaction of its own. Should it
// fail too, the row stays and countUncounted counts the batch from the
// ledger later.
func (d *dailyTotals) done(ctx context.Context) {
	if d.written || !d.listed || consentDailyKilled {
		return
	}
	tx, err := d.w.db.BeginTx(ctx, nil)
	if err != nil {
		return
	}
	defer tx.Rollback()
	if err := writeDailyRows(ctx, tx, d.rows(false)); err != nil {
		return
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM consent_uncounted WHERE batch_id = ?`, *d.batch); err != nil {
		return
	}
	if tx.Commit() == nil {
		d.written, d.total = true, nil
	}
}

// consentDailyKilled makes done write nothing, as when the process is
// killed (tests).
var consentDailyKilled bool

// countUncounted adds to consent_daily, from the ledger, the events of
// the imports listed in consent_uncounted (killed before they wrote
// their counts), in one transaction. The caller makes sure no import of
// another program is running (readHolder). Nothing is written when no
// import is listed.
func (w *Workspace) countUncounted(ctx context.Context) error {
	var n int
	if err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM consent_uncounted`).Scan(&n); err != nil || n == 0 {
		return err
	}
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT at, edition, purpose, event, channel, language FROM consent_events
		WHERE batch_id IN (SELECT batch_id FROM consent_uncounted)`)
	if err != nil {
		return err
	}
	loc := w.Location()
	daily := map[dailyKey]int{}
	for rows.Next() {
		var at int64
		var k dailyKey
		if err := rows.Scan(&at, &k.edition, &k.purpose, &k.event, &k.channel, &k.language); err != nil {
			rows.Close()
			return err
		}
		y, m, d := fromNanos(at).In(loc).Date()
		k.y, k.m, k.d = y, int(m), d
		daily[k]++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if err := writeDaily(ctx, tx, daily); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM consent_uncounted`); err != nil {
		return err
	}
	return tx.Commit()
}

// uncountedDaily is the part of ConsentReport's period query that adds
// the events of imports listed in consent_uncounted, from the ledger,
// with the same filters (where on edition, purpose, channel; the days
// from and to, in the workspace's time zone, as a range of times). It is
// one statement with the read of consent_daily (one snapshot). CROSS
// JOIN keeps consent_uncounted the outer loop: with no import listed the
// ledger is not read at all (a constant EXISTS in the WHERE was not
// hoisted out of the scan in this place).
func (w *Workspace) uncountedDaily(where []string, args []any, from, to time.Time) (string, []any) {
	ew := append([]string{`e.batch_id = u.batch_id`}, where...)
	ea := append([]any(nil), args...)
	loc := w.Location()
	if !from.IsZero() {
		ew, ea = append(ew, "at >= ?"), append(ea, nanos(time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)))
	}
	if !to.IsZero() {
		ew, ea = append(ew, "at < ?"), append(ea, nanos(time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, loc)))
	}
	return `SELECT edition, purpose, event, channel, language, 1 AS n FROM consent_uncounted u CROSS JOIN consent_events e WHERE ` +
		strings.Join(ew, " AND "), ea
}
