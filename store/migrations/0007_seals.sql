-- Reserved for issue #9 (seals). Kept as a no-op when that work needs no schema
-- change, so that later numbers stay stable.
SELECT 1;
