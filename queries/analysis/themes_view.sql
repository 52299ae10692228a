-- Continues _chosen.sql: the trainees in view per evaluated wave (the chosen
-- wave, else each trainee's latest with relationships), as the meeting
-- report's first page shows them. Same evaluated wave as _scope.sql.
, evaluated AS (
    SELECT r.trainee_id, arg_max(r.wave, w.wave_rank) AS wave, max(w.wave_rank) AS wave_rank
    FROM relationships r
    JOIN wave_order w ON w.wave = r.wave
    WHERE ($wave::VARCHAR IS NULL OR r.wave = $wave::VARCHAR)
      AND r.trainee_id IN (SELECT trainee_id FROM chosen)
    GROUP BY r.trainee_id
)
SELECT wave, count(*) AS n_trainees
FROM evaluated
GROUP BY wave, wave_rank
ORDER BY wave_rank
