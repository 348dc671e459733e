-- User records (privacy policy clause 1.1): LegCo accounts and the personal
-- data provided at registration (1.1.1), sent automatically (1.1.2) and
-- obtained otherwise (1.1.3); import batches; destruction tombstones.
CREATE TABLE import_batches (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('users', 'access-log', 'demo')),
    file_name   TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    staff       TEXT NOT NULL,
    rows_new    INTEGER NOT NULL DEFAULT 0,
    rows_updated INTEGER NOT NULL DEFAULT 0,
    rows_same   INTEGER NOT NULL DEFAULT 0,
    rows_bad    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    account_id     TEXT NOT NULL UNIQUE,
    account_status TEXT NOT NULL DEFAULT 'active',
    registered_at  TEXT,
    full_name      TEXT,
    iin            TEXT,
    phone          TEXT,
    email          TEXT,
    birth_date     TEXT,
    address        TEXT,
    entity_bin     TEXT,
    entity_name    TEXT,
    state          TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'depersonalized')),
    blocked        INTEGER NOT NULL DEFAULT 0,
    batch_id       INTEGER REFERENCES import_batches (id),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
-- Filter indexes. Blocked and depersonalized users are few, so these
-- partial indexes cost little on import.
CREATE INDEX users_batch ON users (batch_id);
CREATE INDEX users_entity ON users (id) WHERE entity_bin IS NOT NULL;
CREATE INDEX users_blocked ON users (id) WHERE blocked = 1;
CREATE INDEX users_depersonalized ON users (id) WHERE state = 'depersonalized';

-- Search index, one B-tree for every way of finding a user:
--   'n <word>'   each word of the folded full name (lower case, ё→е, NFC)
--   'i <iin>'    'p <phone digits>'    'e <lower-case e-mail>'
-- Searches are prefix ranges on key. One tree that the store fills itself
-- lets an import insert each chunk's keys in sorted order, several times
-- faster than SQLite maintaining four indexes row by row. A plain B-tree,
-- not FTS, so that deleting a key (with secure_delete) really erases it.
-- No foreign key and no index on user_id: the store deletes a user's keys
-- by recomputing them from the values it holds (searchKeys).
CREATE TABLE search_index (
    key     TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    PRIMARY KEY (key, user_id)
) WITHOUT ROWID;

-- 1.1.1 fields beyond the fixed columns (extra export columns).
CREATE TABLE user_fields (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (user_id, name)
) WITHOUT ROWID;

-- 1.1.2 data sent automatically: the access log.
CREATE TABLE access_log (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    ip         TEXT NOT NULL,
    cookie_id  TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    page       TEXT NOT NULL,
    batch_id   INTEGER REFERENCES import_batches (id)
);
CREATE UNIQUE INDEX access_log_natural ON access_log (user_id, at, page, ip, cookie_id);

-- 1.1.3 other data, with where it came from and on what basis.
CREATE TABLE public_data (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    field       TEXT NOT NULL,
    value       TEXT NOT NULL,
    source      TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    obtained_at TEXT NOT NULL
);
CREATE INDEX public_data_user ON public_data (user_id);

-- What stays after a destruction: the act and a keyed digest of the
-- account id, so an old export cannot bring the data back; no personal data.
CREATE TABLE tombstones (
    account_digest TEXT PRIMARY KEY,
    act_number     TEXT NOT NULL UNIQUE,
    destroyed_at   TEXT NOT NULL,
    staff          TEXT NOT NULL,
    reason         TEXT NOT NULL,
    counts         TEXT NOT NULL
);

-- The key of the tombstones' account digests: random, kept only inside
-- the encrypted database.
INSERT INTO meta (key, value) VALUES ('tombstone_key', lower(hex(randomblob(32))));
