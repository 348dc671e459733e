-- The counts of current consent states (consent_state_counts) are moved
-- by the store once per import chunk or recorded event (consentInserter
-- flush, store/consents.go), not by a trigger for every state row: the
-- triggers cost an import about as much as the state rows themselves.
-- The delete trigger stays: a destruction removes a user's states through
-- users_consents_destroyed, and that trigger keeps the counts right.
DROP TRIGGER consent_state_counted_insert;
DROP TRIGGER consent_state_counted_update;
