-- Reserved for issue #11 (requests). Kept as a no-op when that work needs no schema
-- change, so that later numbers stay stable.
SELECT 1;
