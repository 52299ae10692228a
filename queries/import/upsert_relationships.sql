-- Insert or update relationships; a column absent from the file keeps its stored value.
INSERT INTO relationships (trainee_id, person_id, wave, formal, strength, klik, contribution,
                           assesses, contact_frequency, contact_note, extra)
SELECT trainee_id, person_id, wave, formal, strength, klik, contribution,
       assesses, contact_frequency, contact_note, extra
FROM staged_relationships
ON CONFLICT (trainee_id, person_id, wave) DO UPDATE SET
    formal = excluded.formal,
    strength = excluded.strength,
    klik = CASE WHEN $has_klik THEN excluded.klik ELSE relationships.klik END,
    contribution = CASE WHEN $has_contribution THEN excluded.contribution ELSE relationships.contribution END,
    assesses = CASE WHEN $has_assesses THEN excluded.assesses ELSE relationships.assesses END,
    contact_frequency = CASE WHEN $has_contact_frequency THEN excluded.contact_frequency
                             ELSE relationships.contact_frequency END,
    contact_note = CASE WHEN $has_contact_note THEN excluded.contact_note ELSE relationships.contact_note END,
    extra = CASE WHEN $has_extra THEN excluded.extra ELSE relationships.extra END
-- Only rows that change are updated: DuckDB rewrites an updated row of a table
-- with a multi-column CHECK slowly, and most rows of a re-import are unchanged.
WHERE relationships.formal IS DISTINCT FROM excluded.formal
   OR relationships.strength IS DISTINCT FROM excluded.strength
   OR ($has_klik AND relationships.klik IS DISTINCT FROM excluded.klik)
   OR ($has_contribution AND relationships.contribution IS DISTINCT FROM excluded.contribution)
   OR ($has_assesses AND relationships.assesses IS DISTINCT FROM excluded.assesses)
   OR ($has_contact_frequency AND relationships.contact_frequency IS DISTINCT FROM excluded.contact_frequency)
   OR ($has_contact_note AND relationships.contact_note IS DISTINCT FROM excluded.contact_note)
   OR ($has_extra AND relationships.extra IS DISTINCT FROM excluded.extra);
