-- Foundation: workspace metadata, staff, settings and the hash-chained audit log.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE staff (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'compliance', 'legal', 'auditor')),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    removed_at TEXT
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per change. hash = SHA-256(prev_hash || canonical(entry)); the
-- canonical encoding is in audit.go. personal_sha256 is the digest of the
-- entry's personal-data payload (audit_personal), so that a destruction can
-- erase the payload without breaking the chain.
CREATE TABLE audit_log (
    seq             INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    staff           TEXT NOT NULL,
    role            TEXT NOT NULL,
    action          TEXT NOT NULL,
    object          TEXT NOT NULL,
    reason          TEXT NOT NULL,
    details         TEXT NOT NULL,
    personal_sha256 TEXT NOT NULL,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_log_object ON audit_log (object);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only: UPDATE refused');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only: DELETE refused');
END;

-- Personal data an audit entry must keep (e.g. the old value of a field
-- changed under clause 4.1). Erased, never altered, when the data subject's
-- data is destroyed; the chain keeps its digest.
CREATE TABLE audit_personal (
    seq     INTEGER PRIMARY KEY REFERENCES audit_log (seq),
    subject TEXT NOT NULL,
    data    TEXT NOT NULL
);
CREATE INDEX audit_personal_subject ON audit_personal (subject);
CREATE TRIGGER audit_personal_no_update BEFORE UPDATE ON audit_personal
BEGIN
    SELECT RAISE(ABORT, 'audit payloads are erased, never altered');
END;
