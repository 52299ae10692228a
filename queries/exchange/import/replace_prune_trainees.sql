-- Replace: delete every trainees row that the new data set does not contain; the
-- upsert then writes the rest. (Deleting everything and inserting again is
-- correct too, but DuckDB is very slow at re-inserting a deleted key inside
-- the same transaction.)
DELETE FROM trainees t
WHERE NOT EXISTS (SELECT 1 FROM staged_trainees s WHERE s.trainee_id = t.trainee_id);
