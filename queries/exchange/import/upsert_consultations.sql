-- Insert or update consultations (stored once, person_a < person_b).
-- Two statements, no ON CONFLICT: first the stored rows that change, then the new keys.
UPDATE consultations AS t SET
    frequency = CASE WHEN $has_frequency THEN s.frequency ELSE t.frequency END,
    extra = CASE WHEN $has_extra THEN s.extra ELSE t.extra END
FROM staged_consultations AS s
WHERE s.trainee_id = t.trainee_id AND s.person_a = t.person_a AND s.person_b = t.person_b AND s.wave = t.wave
  AND (($has_frequency AND t.frequency IS DISTINCT FROM s.frequency)
       OR ($has_extra AND t.extra IS DISTINCT FROM s.extra));
-- The trainee_id IN (...) is implied and changes no answer: it lets DuckDB skip the stored rows of
-- other trainees before the anti-join (see upsert_relationship_functions.sql).
INSERT INTO consultations (trainee_id, person_a, person_b, wave, frequency, extra)
SELECT trainee_id, person_a, person_b, wave, frequency, extra
FROM staged_consultations s
WHERE NOT EXISTS (SELECT 1 FROM consultations t
                  WHERE t.trainee_id = s.trainee_id AND t.person_a = s.person_a AND t.person_b = s.person_b
                    AND t.wave = s.wave
                    AND t.trainee_id IN (SELECT trainee_id FROM staged_consultations));
