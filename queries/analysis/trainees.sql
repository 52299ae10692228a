-- Every trainee that matches the school/institute/cohort/programme filters,
-- with the wave they are evaluated on (the chosen wave if they have
-- relationships in it, else their latest; null when there is none) and all
-- waves in which they have relationships. Continues _visible.sql.
, wave_order (wave, wave_rank) AS (
    VALUES ('begin', 0), ('midden', 1), ('eind', 2)
),
chosen AS (
    -- filtered first: only their relationships are read
    SELECT t.trainee_id, t.name, t.school_id, t.institute_id, t.cohort, t.programme
    FROM visible t
    WHERE ($school::VARCHAR IS NULL OR t.school_id = $school::VARCHAR)
      AND ($institute::VARCHAR IS NULL OR t.institute_id = $institute::VARCHAR)
      AND ($cohort::VARCHAR IS NULL OR t.cohort = $cohort::VARCHAR)
      AND ($programme::VARCHAR IS NULL OR t.programme = $programme::VARCHAR)
),
trainee_wave AS (
    SELECT DISTINCT r.trainee_id, r.wave, w.wave_rank
    FROM relationships r
    JOIN wave_order w ON w.wave = r.wave
    WHERE r.trainee_id IN (SELECT trainee_id FROM chosen)
),
trainee_waves AS (
    SELECT trainee_id,
           list(wave ORDER BY wave_rank) AS waves,
           arg_max(wave, wave_rank) FILTER (WHERE $wave::VARCHAR IS NULL OR wave = $wave::VARCHAR) AS wave
    FROM trainee_wave
    GROUP BY trainee_id
)
SELECT t.trainee_id, t.name, t.school_id, sc.name AS school_name, t.institute_id,
       i.name AS institute_name, t.cohort, t.programme, tw.wave,
       coalesce(tw.waves, []::VARCHAR[]) AS waves
FROM chosen t
LEFT JOIN schools sc ON sc.school_id = t.school_id
LEFT JOIN institutes i ON i.institute_id = t.institute_id
LEFT JOIN trainee_waves tw ON tw.trainee_id = t.trainee_id
ORDER BY t.name, t.trainee_id
