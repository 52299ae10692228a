-- Insert or update the agreed actions (step 6); a column absent from the file keeps its stored value.
-- Two statements, no ON CONFLICT (the key is no PRIMARY KEY: schema/005_valuations_actions.sql).
UPDATE actions AS t SET
    function = s.function,
    person_id = CASE WHEN $has_person_id THEN s.person_id ELSE t.person_id END,
    note = CASE WHEN $has_note THEN s.note ELSE t.note END,
    status = CASE WHEN $has_status THEN s.status ELSE t.status END,
    extra = CASE WHEN $has_extra THEN s.extra ELSE t.extra END
FROM staged_actions AS s
WHERE s.trainee_id = t.trainee_id AND s.wave = t.wave AND s.action_id = t.action_id
  AND (t.function IS DISTINCT FROM s.function
       OR ($has_person_id AND t.person_id IS DISTINCT FROM s.person_id)
       OR ($has_note AND t.note IS DISTINCT FROM s.note)
       OR ($has_status AND t.status IS DISTINCT FROM s.status)
       OR ($has_extra AND t.extra IS DISTINCT FROM s.extra));
-- The trainee_id IN (...) is implied and changes no answer: it lets DuckDB skip the stored rows of
-- other trainees before the anti-join (see upsert_relationship_functions.sql).
INSERT INTO actions (trainee_id, wave, action_id, function, person_id, note, status, extra)
SELECT trainee_id, wave, action_id, function, person_id, note, status, extra
FROM staged_actions s
WHERE NOT EXISTS (SELECT 1 FROM actions t
                  WHERE t.trainee_id = s.trainee_id AND t.wave = s.wave AND t.action_id = s.action_id
                    AND t.trainee_id IN (SELECT trainee_id FROM staged_actions));
