-- Reserved for issue #13 (policy2). Kept as a no-op when that work needs no schema
-- change, so that later numbers stay stable.
SELECT 1;
