-- Every trainee that matches the school/institute/cohort/programme filters,
-- with the wave they are evaluated on (the chosen wave if they have
-- relationships in it, else their latest; null when there is none) and all
-- waves in which they have relationships. Continues _chosen.sql.
, trainee_wave AS (
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
