-- Insert or update relationships; a column absent from the file keeps its stored value.
-- Two statements, no ON CONFLICT: first the stored rows that change, then the new keys.
UPDATE relationships AS t SET
    formal = s.formal,
    strength = s.strength,
    klik = CASE WHEN $has_klik THEN s.klik ELSE t.klik END,
    contribution = CASE WHEN $has_contribution THEN s.contribution ELSE t.contribution END,
    assesses = CASE WHEN $has_assesses THEN s.assesses ELSE t.assesses END,
    contact_frequency = CASE WHEN $has_contact_frequency THEN s.contact_frequency ELSE t.contact_frequency END,
    contact_note = CASE WHEN $has_contact_note THEN s.contact_note ELSE t.contact_note END,
    extra = CASE WHEN $has_extra THEN s.extra ELSE t.extra END
FROM staged_relationships AS s
WHERE s.trainee_id = t.trainee_id AND s.person_id = t.person_id AND s.wave = t.wave
  -- Only rows that change are updated: most rows of a re-import are unchanged.
  AND (t.formal IS DISTINCT FROM s.formal
       OR t.strength IS DISTINCT FROM s.strength
       OR ($has_klik AND t.klik IS DISTINCT FROM s.klik)
       OR ($has_contribution AND t.contribution IS DISTINCT FROM s.contribution)
       OR ($has_assesses AND t.assesses IS DISTINCT FROM s.assesses)
       OR ($has_contact_frequency AND t.contact_frequency IS DISTINCT FROM s.contact_frequency)
       OR ($has_contact_note AND t.contact_note IS DISTINCT FROM s.contact_note)
       OR ($has_extra AND t.extra IS DISTINCT FROM s.extra));
-- The trainee_id IN (...) is implied and changes no answer: it lets DuckDB skip the stored rows of
-- other trainees before the anti-join (see upsert_relationship_functions.sql).
INSERT INTO relationships (trainee_id, person_id, wave, formal, strength, klik, contribution,
                           assesses, contact_frequency, contact_note, extra)
SELECT trainee_id, person_id, wave, formal, strength, klik, contribution,
       assesses, contact_frequency, contact_note, extra
FROM staged_relationships s
WHERE NOT EXISTS (SELECT 1 FROM relationships t
                  WHERE t.trainee_id = s.trainee_id AND t.person_id = s.person_id AND t.wave = s.wave
                    AND t.trainee_id IN (SELECT trainee_id FROM staged_relationships));
