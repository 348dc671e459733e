-- Issue #13: the policy's terminology glossary (edited by the legal team),
-- findings accepted as wording, notices of changes, and what a published
-- edition supersedes and whether it needs renewed consent.

-- The glossary in force once the legal team changed it; until then the
-- glossary shipped with the program applies (policy_glossary_state empty).
CREATE TABLE policy_glossary (
    id       TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('law', 'policy', 'doctype', 'vocab')),
    ru       TEXT NOT NULL, -- JSON array of forms
    kk       TEXT NOT NULL, -- JSON array of forms
    source   TEXT NOT NULL DEFAULT '',
    oneway   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE policy_glossary_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
);

-- A finding the legal team accepted as intended wording. The key binds
-- the finding to the clause's text (policydoc.AcceptKey), so the mark
-- holds in every later draft where that text is unchanged.
CREATE TABLE policy_accepted (
    key         TEXT PRIMARY KEY,
    code        TEXT NOT NULL,
    lang        TEXT NOT NULL,
    clause      TEXT NOT NULL,
    found       TEXT NOT NULL,
    message     TEXT NOT NULL,
    reason      TEXT NOT NULL CHECK (reason != ''),
    edition     INTEGER NOT NULL,
    accepted_by TEXT NOT NULL,
    accepted_at TEXT NOT NULL
);

-- The notice of changes of an edition (JSON of policydoc.Notice), edited
-- before publishing and frozen with the edition.
CREATE TABLE policy_notices (
    edition    INTEGER PRIMARY KEY REFERENCES policy_editions (number),
    content    TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

ALTER TABLE policy_editions ADD COLUMN supersedes INTEGER REFERENCES policy_editions (number);
ALTER TABLE policy_editions ADD COLUMN needs_reconsent INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER policy2_published_immutable BEFORE UPDATE ON policy_editions
WHEN OLD.status != 'draft' AND (NEW.supersedes IS NOT OLD.supersedes OR NEW.needs_reconsent != OLD.needs_reconsent)
BEGIN
    SELECT RAISE(ABORT, 'published policy editions cannot be changed');
END;
CREATE TRIGGER policy_notice_frozen_update BEFORE UPDATE ON policy_notices
WHEN (SELECT status FROM policy_editions WHERE number = OLD.edition) != 'draft'
BEGIN
    SELECT RAISE(ABORT, 'the notice of a published edition cannot be changed');
END;
CREATE TRIGGER policy_notice_frozen_delete BEFORE DELETE ON policy_notices
WHEN (SELECT status FROM policy_editions WHERE number = OLD.edition) != 'draft'
BEGIN
    SELECT RAISE(ABORT, 'the notice of a published edition cannot be deleted');
END;
