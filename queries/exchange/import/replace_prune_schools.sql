-- Replace: delete every schools row that the new data set does not contain; the
-- upsert then writes the rest. (Deleting everything and inserting again is
-- correct too, but DuckDB is very slow at re-inserting a deleted key inside
-- the same transaction.)
DELETE FROM schools t
WHERE NOT EXISTS (SELECT 1 FROM staged_schools s WHERE s.school_id = t.school_id);
