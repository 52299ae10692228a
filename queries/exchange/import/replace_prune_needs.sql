-- Replace: delete every needs row that the new data set does not contain; the
-- upsert then writes the rest. (Deleting everything and inserting again is
-- correct too, but DuckDB is very slow at re-inserting a deleted key inside
-- the same transaction.)
DELETE FROM needs t
WHERE NOT EXISTS (SELECT 1 FROM staged_needs s WHERE s.trainee_id = t.trainee_id AND s.wave = t.wave AND s.function = t.function);
