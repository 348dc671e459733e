-- Consents (Law No. 94-V, Art. 8; policy preamble, clauses 1.5, 1.6,
-- 2.2.5, 3.2.1): the catalog of purposes per policy edition, the
-- append-only ledger of consent events, the current state derived from it
-- and daily counters for reports. See store/consents.go.

-- The purposes a user may consent to under one edition, with what Art. 8
-- says a consent must state. Rows of a published edition are frozen once
-- an event refers to them (the store checks).
CREATE TABLE consent_purposes (
    edition        INTEGER NOT NULL,
    code           TEXT NOT NULL,
    position       INTEGER NOT NULL,
    clauses        TEXT NOT NULL,
    title_ru       TEXT NOT NULL,
    title_kk       TEXT NOT NULL,
    title_en       TEXT NOT NULL,
    term_days      INTEGER NOT NULL DEFAULT 0, -- 0: until withdrawn
    third_party    INTEGER NOT NULL,
    cross_border   INTEGER NOT NULL,
    public_sources INTEGER NOT NULL,
    data_ru        TEXT NOT NULL,
    data_kk        TEXT NOT NULL,
    data_en        TEXT NOT NULL,
    PRIMARY KEY (edition, code)
) WITHOUT ROWID;

-- Consent imports are their own batches: import_batches' kinds are fixed
-- by a CHECK of migration 0002.
CREATE TABLE consent_import_batches (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    file_sha256  TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    staff        TEXT NOT NULL,
    rows_new     INTEGER NOT NULL DEFAULT 0,
    rows_updated INTEGER NOT NULL DEFAULT 0,
    rows_same    INTEGER NOT NULL DEFAULT 0,
    rows_bad     INTEGER NOT NULL DEFAULT 0
);

-- The ledger. at is Unix time in nanoseconds (UTC), so that order and
-- equality never depend on how a time was written. audit_seq is the audit
-- entry that recorded the event (a chunk's entry for imports).
CREATE TABLE consent_events (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL, -- users.id; no foreign key: see users_consents_destroyed
    purpose      TEXT NOT NULL,
    event        TEXT NOT NULL CHECK (event IN ('given', 'withdrawn', 'expired')),
    edition      INTEGER NOT NULL,
    language     TEXT NOT NULL CHECK (language IN ('ru', 'kk')),
    channel      TEXT NOT NULL CHECK (channel IN ('web', 'ios', 'android', 'paper', 'egov', 'other')),
    at           INTEGER NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT '',
    document_ref TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    batch_id     INTEGER,
    audit_seq    INTEGER NOT NULL
);
-- One index: it makes a re-import idempotent and answers "the last event
-- of this user and purpose before t".
CREATE UNIQUE INDEX consent_events_natural ON consent_events (user_id, purpose, at, event, edition);

-- Append-only, as the audit log. Destroying a user's data (act of
-- destruction) is the one way events go: the users row is deleted first
-- and users_consents_destroyed then removes the events, which this
-- trigger lets pass.
CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN
    SELECT RAISE(ABORT, 'consent ledger is append-only: UPDATE refused (record a new event instead)');
END;
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
WHEN EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id)
BEGIN
    SELECT RAISE(ABORT, 'consent ledger is append-only: DELETE refused (record a withdrawal instead)');
END;

-- The latest event per user and purpose, kept in the same transaction as
-- the ledger. The index answers the re-consent backlog (policy given
-- under an older edition) with a count per edition, and the report's
-- current figures by channel and language, without touching the table.
CREATE TABLE consent_state (
    user_id  INTEGER NOT NULL,
    purpose  TEXT NOT NULL,
    state    TEXT NOT NULL,
    edition  INTEGER NOT NULL,
    channel  TEXT NOT NULL,
    language TEXT NOT NULL,
    at       INTEGER NOT NULL,
    event_id INTEGER NOT NULL,
    PRIMARY KEY (user_id, purpose)
) WITHOUT ROWID;
CREATE INDEX consent_state_edition ON consent_state (purpose, state, edition, channel, language);

-- Current states counted per purpose, state, edition, channel and
-- language, kept by triggers in the same statement as consent_state: the
-- backlog count and the report's «in force now» read a few rows instead
-- of scanning a million. (No OR IGNORE in the triggers: the upsert that
-- fires them would override it.)
CREATE TABLE consent_state_counts (
    purpose  TEXT NOT NULL,
    state    TEXT NOT NULL,
    edition  INTEGER NOT NULL,
    channel  TEXT NOT NULL,
    language TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (purpose, state, edition, channel, language)
) WITHOUT ROWID;
CREATE TRIGGER consent_state_counted_insert AFTER INSERT ON consent_state
BEGIN
    INSERT INTO consent_state_counts SELECT NEW.purpose, NEW.state, NEW.edition, NEW.channel, NEW.language, 0
        WHERE NOT EXISTS (SELECT 1 FROM consent_state_counts WHERE purpose = NEW.purpose AND state = NEW.state
        AND edition = NEW.edition AND channel = NEW.channel AND language = NEW.language);
    UPDATE consent_state_counts SET n = n + 1 WHERE purpose = NEW.purpose AND state = NEW.state AND edition = NEW.edition
        AND channel = NEW.channel AND language = NEW.language;
END;
CREATE TRIGGER consent_state_counted_update AFTER UPDATE ON consent_state
BEGIN
    UPDATE consent_state_counts SET n = n - 1 WHERE purpose = OLD.purpose AND state = OLD.state AND edition = OLD.edition
        AND channel = OLD.channel AND language = OLD.language;
    INSERT INTO consent_state_counts SELECT NEW.purpose, NEW.state, NEW.edition, NEW.channel, NEW.language, 0
        WHERE NOT EXISTS (SELECT 1 FROM consent_state_counts WHERE purpose = NEW.purpose AND state = NEW.state
        AND edition = NEW.edition AND channel = NEW.channel AND language = NEW.language);
    UPDATE consent_state_counts SET n = n + 1 WHERE purpose = NEW.purpose AND state = NEW.state AND edition = NEW.edition
        AND channel = NEW.channel AND language = NEW.language;
END;
CREATE TRIGGER consent_state_counted_delete AFTER DELETE ON consent_state
BEGIN
    UPDATE consent_state_counts SET n = n - 1 WHERE purpose = OLD.purpose AND state = OLD.state AND edition = OLD.edition
        AND channel = OLD.channel AND language = OLD.language;
END;

-- A foreign key would cost a lookup in users for every imported event
-- and state row; this trigger does the cascade when a user's data is
-- destroyed (the only way a users row is deleted).
CREATE TRIGGER users_consents_destroyed AFTER DELETE ON users
BEGIN
    DELETE FROM consent_state WHERE user_id = OLD.id;
    DELETE FROM consent_events WHERE user_id = OLD.id;
END;

-- Events counted per day (workspace time zone), edition, purpose, event,
-- channel and language, as they are recorded: the report's period figures.
CREATE TABLE consent_daily (
    day      TEXT NOT NULL,
    edition  INTEGER NOT NULL,
    purpose  TEXT NOT NULL,
    event    TEXT NOT NULL,
    channel  TEXT NOT NULL,
    language TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (day, edition, purpose, event, channel, language)
) WITHOUT ROWID;
