-- Privacy-policy editions (clause 6.1): drafts, published and retired
-- editions with their bilingual content and its SHA-256.
CREATE TABLE policy_editions (
    number       INTEGER PRIMARY KEY,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
    based_on     INTEGER REFERENCES policy_editions (number),
    updated_on   TEXT,
    effective_on TEXT,
    published_at TEXT,
    published_by TEXT,
    author       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    source       TEXT NOT NULL,
    content      TEXT NOT NULL,
    sha256       TEXT NOT NULL
);
CREATE INDEX policy_editions_status ON policy_editions (status);

-- A published edition is what users consented to: its content and dates
-- never change, and it is never deleted. Only its status may move on to
-- 'retired' when a newer edition is published.
CREATE TRIGGER policy_published_immutable BEFORE UPDATE ON policy_editions
WHEN OLD.status != 'draft' AND (NEW.content != OLD.content OR NEW.sha256 != OLD.sha256
    OR NEW.updated_on IS NOT OLD.updated_on OR NEW.effective_on IS NOT OLD.effective_on
    OR NEW.published_at IS NOT OLD.published_at OR NEW.status = 'draft')
BEGIN
    SELECT RAISE(ABORT, 'published policy editions cannot be changed');
END;
CREATE TRIGGER policy_published_kept BEFORE DELETE ON policy_editions
WHEN OLD.status != 'draft'
BEGIN
    SELECT RAISE(ABORT, 'published policy editions cannot be deleted');
END;
