-- A large consent import keeps its day counts (consent_daily) in memory
-- and writes them once, in the transaction of its last chunk: every
-- chunk of an export in user order touches nearly every day, and writing
-- the counts per chunk re-encrypted the whole table at every commit
-- (store/consents_daily.go). Between its first and its last chunk the
-- import's batch is listed here: its events (consent_events.batch_id)
-- are in the ledger but not yet in consent_daily. Readers add them from
-- the ledger meanwhile; an import that was killed is counted from the
-- ledger by the next open or consent import.
CREATE TABLE consent_uncounted (
    batch_id INTEGER PRIMARY KEY
);
