-- Replace: delete every norm_consultations row that the new data set does not contain; the
-- upsert then writes the rest. (Deleting everything and inserting again is
-- correct too, but DuckDB is very slow at re-inserting a deleted key inside
-- the same transaction.)
DELETE FROM norm_consultations t
WHERE NOT EXISTS (SELECT 1 FROM staged_norm_consultations s WHERE s.programme = t.programme AND s.role_a = t.role_a AND s.role_b = t.role_b);
