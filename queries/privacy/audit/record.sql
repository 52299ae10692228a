-- Append one audit row (the only statement that adds to audit_log; the two
-- documented redactions are in queries/privacy/avg/). $prev_hash comes from
-- last_hash.sql and $row_hash from the chain (dashboard/core/audit_chain.py),
-- in the same write transaction; the id is the sequence's.
INSERT INTO audit_log (occurred_at, actor, role, action, subject_id, detail, prev_hash, row_hash)
VALUES ($occurred_at, $actor, $role, $action, $subject_id, $detail, $prev_hash, $row_hash)
RETURNING id;
