-- Reserved for issue #10 (consents). Kept as a no-op when that work needs no schema
-- change, so that later numbers stay stable.
SELECT 1;
