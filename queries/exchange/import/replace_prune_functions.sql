-- Replace: delete every functions row that the new data set does not contain; the
-- upsert then writes the rest. (Deleting everything and inserting again is
-- correct too, but DuckDB is very slow at re-inserting a deleted key inside
-- the same transaction.)
DELETE FROM functions t
WHERE NOT EXISTS (SELECT 1 FROM staged_functions s WHERE s.code = t.code);
