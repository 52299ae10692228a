-- The audit trail, oldest first; NULL parameters do not filter.
SELECT id, occurred_at, actor, role, action, subject_id, detail
FROM audit_log
WHERE ($since IS NULL OR occurred_at >= $since)
  AND ($action IS NULL OR action = $action)
ORDER BY id;
