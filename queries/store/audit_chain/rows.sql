-- The content of audit rows from id $from_id on, in chain order, with what they store
-- (dashboard/core/audit_chain.py: CONTENT_COLUMNS, then prev_hash and row_hash).
SELECT id, occurred_at, actor, role, action, subject_id, detail, prev_hash, row_hash
FROM audit_log
WHERE id >= $from_id
ORDER BY id;
