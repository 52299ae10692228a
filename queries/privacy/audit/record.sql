-- Append one audit row (the only statement that adds to audit_log; the two
-- documented redactions are in queries/privacy/avg/). $id comes from
-- next_id.sql and $prev_hash / $row_hash from the chain
-- (dashboard/core/audit_chain.py), all in the same write transaction.
INSERT INTO audit_log (id, occurred_at, actor, role, action, subject_id, detail, prev_hash, row_hash)
VALUES ($id, $occurred_at, $actor, $role, $action, $subject_id, $detail, $prev_hash, $row_hash);
