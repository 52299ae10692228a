-- The hashes purges left as the start of the chain (detail.audit_anchor): the
-- row_hash of the last audit row each purge removed.
SELECT json_extract_string(detail, '$.audit_anchor') AS anchor
FROM audit_log
WHERE action = 'purge' AND json_extract_string(detail, '$.audit_anchor') IS NOT NULL;
