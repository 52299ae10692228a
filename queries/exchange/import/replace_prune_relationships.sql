-- Replace: delete every relationships row that the new data set does not contain; the
-- upsert then writes the rest. (Deleting everything and inserting again is
-- correct too, but DuckDB is very slow at re-inserting a deleted key inside
-- the same transaction.)
DELETE FROM relationships t
WHERE NOT EXISTS (SELECT 1 FROM staged_relationships s WHERE s.trainee_id = t.trainee_id AND s.person_id = t.person_id AND s.wave = t.wave);
