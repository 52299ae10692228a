-- Audit rows about this id, or by or about one of its email addresses.
SELECT * FROM audit_log
WHERE subject_id = $id OR list_contains($emails, subject_id) OR list_contains($emails, actor)
ORDER BY id;
