-- Insert or update the valuations (step 5): one per trainee and wave.
-- Two statements, no ON CONFLICT (the key is no PRIMARY KEY: schema/005_valuations_actions.sql).
UPDATE valuations AS t SET
    support = s.support,
    note = CASE WHEN $has_note THEN s.note ELSE t.note END,
    extra = CASE WHEN $has_extra THEN s.extra ELSE t.extra END
FROM staged_valuations AS s
WHERE s.trainee_id = t.trainee_id AND s.wave = t.wave
  AND (t.support IS DISTINCT FROM s.support
       OR ($has_note AND t.note IS DISTINCT FROM s.note)
       OR ($has_extra AND t.extra IS DISTINCT FROM s.extra));
-- The trainee_id IN (...) is implied and changes no answer: it lets DuckDB skip the stored rows of
-- other trainees before the anti-join (see upsert_relationship_functions.sql).
INSERT INTO valuations (trainee_id, wave, support, note, extra)
SELECT trainee_id, wave, support, note, extra
FROM staged_valuations s
WHERE NOT EXISTS (SELECT 1 FROM valuations t WHERE t.trainee_id = s.trainee_id AND t.wave = s.wave
                    AND t.trainee_id IN (SELECT trainee_id FROM staged_valuations));
