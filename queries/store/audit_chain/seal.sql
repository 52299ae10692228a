-- Store the rows' places in the chain (the upgrade, and the re-chaining after a
-- documented redaction: erasure or purge). audit_chain_sealed: (id, prev_hash,
-- row_hash), registered by dashboard/store/db.py: rechain_audit.
UPDATE audit_log SET prev_hash = s.prev_hash, row_hash = s.row_hash
FROM audit_chain_sealed s
WHERE audit_log.id = s.id;
