-- Append one audit row (the only statement that writes audit_log, apart from
-- the two documented exceptions in queries/privacy/avg/: purge and erasure redaction).
INSERT INTO audit_log (occurred_at, actor, role, action, subject_id, detail)
VALUES ($occurred_at, $actor, $role, $action, $subject_id, $detail)
RETURNING id;
