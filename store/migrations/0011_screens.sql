-- Issue #14: the records list in alphabetical order at a million users.
-- name_key is the collation key of the full name (store/namekey.go:
-- Kazakh order, letters only, Cyrillic before Latin), kept by the store on
-- every write of full_name; the index walks the list in name order, the
-- account id breaking ties. legco_name_key is the same Go function,
-- registered on every connection (driver.go), so an older workspace gets
-- every user's key here.
ALTER TABLE users ADD COLUMN name_key BLOB;
UPDATE users SET name_key = legco_name_key(full_name) WHERE full_name IS NOT NULL;
CREATE INDEX users_name ON users (name_key, account_id);
-- The collation the keys were computed with (store.refreshNameKeys
-- recomputes them when a later build's differs).
INSERT INTO meta (key, value) VALUES ('name_key_version', legco_name_key_version())
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
