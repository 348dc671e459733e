-- Issue #8, records second pass.
--
-- Destruction acts as they were printed: everything the act shows (the
-- account id, which the act names; operator details, staff name and
-- position, time zone, request) as JSON, so the act can be exported again
-- at any time, byte for byte, and the digest of its first export. Found by
-- number or by the keyed digest of the account id (as tombstones are).
CREATE TABLE destruction_acts (
    number         TEXT PRIMARY KEY,
    account_digest TEXT NOT NULL,
    act            TEXT NOT NULL,
    pdf_sha256     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX destruction_acts_digest ON destruction_acts (account_digest);

-- Wipes a destruction or depersonalization committed but could not yet
-- fold out of the WAL (another reader held it): finished at the next
-- open. No personal data: what names the act or the operation.
CREATE TABLE pending_wipes (
    id    INTEGER PRIMARY KEY,
    what  TEXT NOT NULL,
    since TEXT NOT NULL
);

-- Keyed digests (tombstone key) of depersonalized accounts' former ids,
-- so an old export cannot bring the identifiers back. Only the date: the
-- time would link the digest to the depersonalization's audit entry.
CREATE TABLE depersonalized (
    account_digest TEXT PRIMARY KEY,
    on_date        TEXT NOT NULL
) WITHOUT ROWID;

-- The user ids a search-index run holds lie between min_id and max_id, so
-- removing a user's keys (an update from a re-import) reads only the runs
-- that can hold them: an import chunk's run holds that chunk's new users.
-- NULL (runs written before): any id.
ALTER TABLE search_runs ADD COLUMN min_id INTEGER;
ALTER TABLE search_runs ADD COLUMN max_id INTEGER;
