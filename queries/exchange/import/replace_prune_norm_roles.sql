-- Replace: delete every norm_roles row that the new data set does not contain; the
-- upsert then writes the rest. (Deleting everything and inserting again is
-- correct too, but DuckDB is very slow at re-inserting a deleted key inside
-- the same transaction.)
DELETE FROM norm_roles t
WHERE NOT EXISTS (SELECT 1 FROM staged_norm_roles s WHERE s.programme = t.programme AND s.role = t.role);
