-- The first audit row an erasure changes, and how many it changes: the id as
-- subject, and (for an explicit user erasure, $emails) the addresses as subject or actor.
SELECT min(id) AS first_id, count(*) AS n
FROM audit_log
WHERE subject_id = $id OR list_contains($emails, subject_id) OR list_contains($emails, actor);
