-- Whether the migration ledger exists (a new, empty file has none yet).
SELECT count(*) > 0 FROM information_schema.tables WHERE table_name = 'schema_version';
