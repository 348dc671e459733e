-- Seals (issue #9): every record the audit log describes carries the
-- sequence number of the audit entry that last changed it, bound to its
-- content by a MAC (seal.go). An older page copied back over a newer one
-- then no longer matches the log. A record that is gone keeps a seal over
-- "no rows", so a deleted record that reappears is seen too.
CREATE TABLE seals (
    object TEXT PRIMARY KEY,
    seq    INTEGER NOT NULL,
    mac    BLOB NOT NULL
) WITHOUT ROWID;

-- Audit payloads are erased only by a destruction or a depersonalisation,
-- which grants the erasure for one subject inside its own transaction.
CREATE TABLE audit_erasures (
    subject TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE TRIGGER audit_personal_no_delete BEFORE DELETE ON audit_personal
WHEN NOT EXISTS (SELECT 1 FROM audit_erasures WHERE subject = OLD.subject)
BEGIN
    SELECT RAISE(ABORT, 'audit payloads are erased only by a destruction or depersonalisation: DELETE refused');
END;
