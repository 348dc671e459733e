-- The search index as sorted runs of packed blocks (see store/searchindex.go).
--
-- One B-tree row per search key (0002) made an import pay a B-tree insert
-- per key, and each chunk's keys landed all over an ever larger tree, so
-- every chunk rewrote (and re-encrypted) most of the index. Now an import
-- chunk writes its keys, sorted, as one new run of blocks of about a
-- hundred keys each: written once, appended, never scattered. A search
-- reads each run's blocks over the prefix range and merges them in key
-- order; the store merges small runs together so they stay few.
CREATE TABLE search_runs (
    id      INTEGER PRIMARY KEY,
    entries INTEGER NOT NULL
);

-- A block holds sorted (key, user id) entries: the first in the columns,
-- the rest front-coded in data. Keys are as in 0002:
--   'n <word>'   'i <iin>'   'p <phone digits>'   'e <lower-case e-mail>'
-- A rowid table so that a block of about 1.5 KB stays on its leaf page.
CREATE TABLE search_blocks (
    id        INTEGER PRIMARY KEY,
    run       INTEGER NOT NULL REFERENCES search_runs (id),
    first_key TEXT NOT NULL,
    first_id  INTEGER NOT NULL,
    entries   INTEGER NOT NULL,
    data      BLOB NOT NULL
);
CREATE UNIQUE INDEX search_blocks_order ON search_blocks (run, first_key, first_id);

-- Carry the 0002 index over: each old entry becomes a block of one
-- (empty data): searches read it like any run, and a merge of runs
-- (see pickMerge) packs it.
INSERT INTO search_runs (id, entries) SELECT 1, n FROM (SELECT count(*) AS n FROM search_index) WHERE n > 0;
INSERT INTO search_blocks (run, first_key, first_id, entries, data)
    SELECT 1, key, user_id, 1, x'' FROM search_index ORDER BY key, user_id;
DROP TABLE search_index;
