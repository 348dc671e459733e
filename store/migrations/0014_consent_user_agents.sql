-- Each distinct user agent of the consent ledger is stored once, in
-- consent_user_agents, and an event names it by id. A user-agent text
-- (100–150 bytes from a browser) was about half of a ledger row: every
-- byte of an imported event is written, encrypted and checkpointed, and
-- the import is bound by that one writer (docs/consents.md, "Speed, third
-- pass"). A million users' three million events name a few thousand
-- distinct user agents.
--
-- n counts the events that name a user agent. When a user's data is
-- destroyed (users_consents_destroyed), each deleted event releases its
-- user agent, and a user agent no event names any more is deleted with
-- it: a rare browser string must not outlive the events of the one user
-- who sent it.
-- The rebuild moves the ledger; it destroys nothing. Old pages it frees
-- are left as they are (secure_delete FAST) rather than zeroed: zeroing
-- them made every freed page a change of this transaction, which
-- SQLite keeps in memory until the commit (a gigabyte at 3.3 million
-- events). The data they held is the data the new table holds; events
-- of users destroyed before were zeroed then. ON again at the end.
PRAGMA secure_delete = FAST;

CREATE TABLE consent_user_agents (
    id   INTEGER PRIMARY KEY,
    text TEXT NOT NULL UNIQUE CHECK (text <> ''),
    n    INTEGER NOT NULL CHECK (n >= 0)
);
-- In ledger order, counted one event at a time through the unique text:
-- no sort of the whole ledger (sorts are kept in memory, temp_store).
INSERT INTO consent_user_agents(text, n)
    SELECT user_agent, 1 FROM consent_events WHERE user_agent <> '' ORDER BY id
    ON CONFLICT(text) DO UPDATE SET n = n + 1;

-- The ledger rebuilt with user_agent_id (NULL: no user agent, as for
-- events on paper) in place of the text, ids, order and everything else
-- as they were. Its triggers go with the old table and are made again
-- below; the users trigger that names it is dropped first. The unique
-- index is made on the empty table and filled row by row: built
-- afterwards it would sort the whole ledger in memory.
DROP TRIGGER users_consents_destroyed;
DROP INDEX consent_events_natural;
CREATE TABLE consent_events_0014 (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL, -- users.id; no foreign key: see users_consents_destroyed
    purpose       TEXT NOT NULL,
    event         TEXT NOT NULL CHECK (event IN ('given', 'withdrawn', 'expired')),
    edition       INTEGER NOT NULL,
    language      TEXT NOT NULL CHECK (language IN ('ru', 'kk')),
    channel       TEXT NOT NULL CHECK (channel IN ('web', 'ios', 'android', 'paper', 'egov', 'other')),
    at            INTEGER NOT NULL,
    ip            TEXT NOT NULL DEFAULT '',
    user_agent_id INTEGER, -- consent_user_agents.id
    document_ref  TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    batch_id      INTEGER,
    audit_seq     INTEGER NOT NULL
);
CREATE UNIQUE INDEX consent_events_natural ON consent_events_0014 (user_id, purpose, at, event, edition);
INSERT INTO consent_events_0014(id, user_id, purpose, event, edition, language, channel, at, ip, user_agent_id, document_ref,
        reason, batch_id, audit_seq)
    SELECT e.id, e.user_id, e.purpose, e.event, e.edition, e.language, e.channel, e.at, e.ip,
        (SELECT a.id FROM consent_user_agents a WHERE a.text = e.user_agent), e.document_ref, e.reason, e.batch_id, e.audit_seq
    FROM consent_events e ORDER BY e.id;
DROP TRIGGER consent_events_no_update;
DROP TRIGGER consent_events_no_delete;
DROP TABLE consent_events;
ALTER TABLE consent_events_0014 RENAME TO consent_events;

CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN
    SELECT RAISE(ABORT, 'consent ledger is append-only: UPDATE refused (record a new event instead)');
END;
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
WHEN EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id)
BEGIN
    SELECT RAISE(ABORT, 'consent ledger is append-only: DELETE refused (record a withdrawal instead)');
END;
-- How many events destructions have taken from their user agents: an
-- import keeps the user-agent ids it met from one chunk to the next, and
-- reads them again only when this moved (a user agent may be gone).
CREATE TABLE consent_user_agents_released (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO consent_user_agents_released(id, n) VALUES (1, 0);
CREATE TRIGGER consent_events_user_agent_released AFTER DELETE ON consent_events
WHEN OLD.user_agent_id IS NOT NULL
BEGIN
    UPDATE consent_user_agents SET n = n - 1 WHERE id = OLD.user_agent_id;
    DELETE FROM consent_user_agents WHERE id = OLD.user_agent_id AND n = 0;
    UPDATE consent_user_agents_released SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER users_consents_destroyed AFTER DELETE ON users
BEGIN
    DELETE FROM consent_state WHERE user_id = OLD.id;
    DELETE FROM consent_events WHERE user_id = OLD.id;
END;
-- A user agent is text once stored: the store adds new ones and moves
-- n, and nothing else changes them.
CREATE TRIGGER consent_user_agents_fixed BEFORE UPDATE OF text ON consent_user_agents
BEGIN
    SELECT RAISE(ABORT, 'consent user agents: the text of a stored user agent never changes');
END;

PRAGMA secure_delete = ON;
