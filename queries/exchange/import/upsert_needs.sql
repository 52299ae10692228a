-- Insert or update the functions trainees say they need.
-- Two statements, no ON CONFLICT: first the stored rows that change, then the new keys.
UPDATE needs AS t SET extra = s.extra
FROM staged_needs AS s
WHERE s.trainee_id = t.trainee_id AND s.wave = t.wave AND s.function = t.function
  AND $has_extra AND t.extra IS DISTINCT FROM s.extra;
-- The trainee_id IN (...) is implied and changes no answer: it lets DuckDB skip the stored rows of
-- other trainees before the anti-join (see upsert_relationship_functions.sql).
INSERT INTO needs (trainee_id, wave, function, extra)
SELECT trainee_id, wave, function, extra
FROM staged_needs s
WHERE NOT EXISTS (SELECT 1 FROM needs t WHERE t.trainee_id = s.trainee_id AND t.wave = s.wave AND t.function = s.function
                    AND t.trainee_id IN (SELECT trainee_id FROM staged_needs));
