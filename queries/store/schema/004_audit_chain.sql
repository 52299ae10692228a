-- Schema version 4 (issue 16): the audit trail becomes a hash chain.
-- prev_hash is the row_hash of the row before it (by id; NULL for the first
-- row ever, or the hash of the last row a purge removed); row_hash is SHA-256
-- over prev_hash and the row's content (dashboard/core/audit_chain.py, the one
-- definition). `python -m dashboard audit verify` recomputes the chain and
-- names the first row where it breaks.
--
-- The rows already in the log are chained by the upgrade itself, in the same
-- transaction (dashboard/store/db.py: POST_MIGRATION_STEPS), so an upgraded
-- log verifies as intact from its first row.
ALTER TABLE audit_log ADD COLUMN prev_hash VARCHAR;
ALTER TABLE audit_log ADD COLUMN row_hash VARCHAR;
