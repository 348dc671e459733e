-- Requests (issue #11): third-party disclosure requests (policy clauses
-- 3.2.1–3.2.5, 1.6) and data-subject requests (access, rectification,
-- blocking, destruction, withdrawal, recipients), their timeline,
-- attachments (kept inside the encrypted database, never as loose files)
-- and the disclosure register (ISO/IEC 27701: what, to whom, when, on
-- which ground, under which request). Deadline settings and the working-
-- day calendar are settings rows (requests_settings.go).
CREATE TABLE requests (
    id              INTEGER PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,          -- RQ-YYYY-NNNNNN
    kind            TEXT NOT NULL CHECK (kind IN ('disclosure', 'access', 'rectification', 'blocking', 'destruction', 'withdrawal', 'recipients')),
    state           TEXT NOT NULL CHECK (state IN ('received', 'verifying', 'under_review', 'approved', 'partially_approved', 'rejected', 'fulfilled', 'closed')),
    received_on     TEXT NOT NULL,                 -- YYYY-MM-DD, workspace time zone
    due_on          TEXT NOT NULL,                 -- YYYY-MM-DD
    requester_type  TEXT NOT NULL DEFAULT '',
    requester       TEXT NOT NULL DEFAULT '',      -- organisation or the subject
    officer         TEXT NOT NULL DEFAULT '',
    letter_no       TEXT NOT NULL DEFAULT '',
    letter_date     TEXT NOT NULL DEFAULT '',
    ground          TEXT NOT NULL DEFAULT '',
    purpose         TEXT NOT NULL DEFAULT '',
    fields          TEXT NOT NULL DEFAULT '',      -- requested, comma-separated
    approved_fields TEXT NOT NULL DEFAULT '',
    details         TEXT NOT NULL DEFAULT '',
    assignee        TEXT NOT NULL DEFAULT '',
    prepared_by     TEXT NOT NULL DEFAULT '',
    approved_by     TEXT NOT NULL DEFAULT '',
    decision_reason TEXT NOT NULL DEFAULT '',
    decision        TEXT NOT NULL DEFAULT '',          -- approved, partially_approved, rejected (kept after fulfilment)
    package_sha256  TEXT NOT NULL DEFAULT '',
    answered_on     TEXT NOT NULL DEFAULT '',      -- fulfilled or rejected
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
-- The queue reads every request in due-date order: this index covers the
-- queue's columns, so the read is one sequential pass over a small index
-- instead of a table lookup per row (100,000 requests).
CREATE INDEX requests_queue ON requests (due_on, id, number, kind, state, received_on, assignee, requester);
CREATE INDEX requests_received ON requests (received_on);

CREATE TABLE request_accounts (
    request_id INTEGER NOT NULL REFERENCES requests (id),
    account_id TEXT NOT NULL,
    outcome    TEXT NOT NULL DEFAULT '',          -- held, no_data, destroyed, depersonalized
    act        TEXT NOT NULL DEFAULT '',          -- destruction act number, when destroyed
    PRIMARY KEY (request_id, account_id)
) WITHOUT ROWID;
CREATE INDEX request_accounts_account ON request_accounts (account_id);

CREATE TABLE request_events (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id),
    at         TEXT NOT NULL,
    staff      TEXT NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL DEFAULT '',
    to_state   TEXT NOT NULL DEFAULT '',
    reason     TEXT NOT NULL
);
CREATE INDEX request_events_request ON request_events (request_id, id);

CREATE TABLE request_attachments (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id),
    name       TEXT NOT NULL,
    mime       TEXT NOT NULL,
    size       INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    data       BLOB NOT NULL,
    added_by   TEXT NOT NULL,
    added_at   TEXT NOT NULL
);
CREATE INDEX request_attachments_request ON request_attachments (request_id);

CREATE TABLE disclosures (
    id             INTEGER PRIMARY KEY,
    request_id     INTEGER NOT NULL REFERENCES requests (id),
    account_id     TEXT NOT NULL,
    recipient      TEXT NOT NULL,
    requester_type TEXT NOT NULL,
    ground         TEXT NOT NULL,
    fields         TEXT NOT NULL,
    disclosed_at   TEXT NOT NULL,
    prepared_by    TEXT NOT NULL,
    approved_by    TEXT NOT NULL,
    package_sha256 TEXT NOT NULL
);
CREATE INDEX disclosures_account ON disclosures (account_id, disclosed_at);
CREATE INDEX disclosures_at ON disclosures (disclosed_at);
