-- The highest schema version applied to this database.
SELECT coalesce(max(version), 0) FROM schema_version;
