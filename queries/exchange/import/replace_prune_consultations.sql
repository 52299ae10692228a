-- Replace: delete every consultations row that the new data set does not contain; the
-- upsert then writes the rest. (Deleting everything and inserting again is
-- correct too, but DuckDB is very slow at re-inserting a deleted key inside
-- the same transaction.)
DELETE FROM consultations t
WHERE NOT EXISTS (SELECT 1 FROM staged_consultations s WHERE s.trainee_id = t.trainee_id AND s.person_a = t.person_a AND s.person_b = t.person_b AND s.wave = t.wave);
