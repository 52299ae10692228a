-- Insert or update consultations (stored once, person_a < person_b).
INSERT INTO consultations (trainee_id, person_a, person_b, wave, frequency, extra)
SELECT trainee_id, person_a, person_b, wave, frequency, extra
FROM staged_consultations
ON CONFLICT (trainee_id, person_a, person_b, wave) DO UPDATE SET
    frequency = CASE WHEN $has_frequency THEN excluded.frequency ELSE consultations.frequency END,
    extra = CASE WHEN $has_extra THEN excluded.extra ELSE consultations.extra END
-- Only rows that change are updated: DuckDB rewrites an updated row of a table
-- with a multi-column CHECK slowly, and most rows of a re-import are unchanged.
WHERE ($has_frequency AND consultations.frequency IS DISTINCT FROM excluded.frequency)
   OR ($has_extra AND consultations.extra IS DISTINCT FROM excluded.extra);
