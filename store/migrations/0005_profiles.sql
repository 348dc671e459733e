-- Staff profiles: the full name and position printed on acts, reports and
-- certificates (the login name stays the key). Operator details and the
-- workspace time zone are settings rows (settings.go).
ALTER TABLE staff ADD COLUMN full_name TEXT NOT NULL DEFAULT '';
ALTER TABLE staff ADD COLUMN position TEXT NOT NULL DEFAULT '';
