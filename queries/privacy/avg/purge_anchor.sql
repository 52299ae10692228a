-- After a purge removed audit rows: the hash the chain of what remains starts
-- from (the prev_hash of the first row left), recorded in the purge's own row
-- so that `audit verify` accepts that start and no other.
SELECT prev_hash FROM audit_log ORDER BY id LIMIT 1;
