-- Replace: delete every institutes row that the new data set does not contain; the
-- upsert then writes the rest. (Deleting everything and inserting again is
-- correct too, but DuckDB is very slow at re-inserting a deleted key inside
-- the same transaction.)
DELETE FROM institutes t
WHERE NOT EXISTS (SELECT 1 FROM staged_institutes s WHERE s.institute_id = t.institute_id);
