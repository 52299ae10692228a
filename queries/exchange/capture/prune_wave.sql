-- A capture replaces one trainee's wave: delete that wave's rows the form no longer has (the
-- staged tables of the capture are registered); the import's upserts then write the rest.
-- Only rows that go are deleted: DuckDB is very slow at re-inserting a deleted key in one transaction.
DELETE FROM relationship_functions t
WHERE t.trainee_id = $trainee_id AND t.wave = $wave
  AND NOT EXISTS (SELECT 1 FROM staged_relationship_functions s
                  WHERE s.trainee_id = t.trainee_id AND s.person_id = t.person_id AND s.wave = t.wave
                    AND s.function = t.function);
DELETE FROM consultations t
WHERE t.trainee_id = $trainee_id AND t.wave = $wave
  AND NOT EXISTS (SELECT 1 FROM staged_consultations s
                  WHERE s.trainee_id = t.trainee_id AND s.person_a = t.person_a AND s.person_b = t.person_b
                    AND s.wave = t.wave);
DELETE FROM needs t
WHERE t.trainee_id = $trainee_id AND t.wave = $wave
  AND NOT EXISTS (SELECT 1 FROM staged_needs s
                  WHERE s.trainee_id = t.trainee_id AND s.wave = t.wave AND s.function = t.function);
DELETE FROM valuations t
WHERE t.trainee_id = $trainee_id AND t.wave = $wave
  AND NOT EXISTS (SELECT 1 FROM staged_valuations s WHERE s.trainee_id = t.trainee_id AND s.wave = t.wave);
DELETE FROM actions t
WHERE t.trainee_id = $trainee_id AND t.wave = $wave
  AND NOT EXISTS (SELECT 1 FROM staged_actions s
                  WHERE s.trainee_id = t.trainee_id AND s.wave = t.wave AND s.action_id = t.action_id);
DELETE FROM relationships t
WHERE t.trainee_id = $trainee_id AND t.wave = $wave
  AND NOT EXISTS (SELECT 1 FROM staged_relationships s
                  WHERE s.trainee_id = t.trainee_id AND s.person_id = t.person_id AND s.wave = t.wave);
