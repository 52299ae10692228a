-- Continues _chosen.sql and comes before _scope.sql, for triage (shared/domain.md,
-- "Triage"): the same questions, asked about each trainee's PREVIOUS wave with
-- data. It defines a CTE named `relationships` that stands in for the table
-- (a CTE shadows the table of the same name for everything after it): each
-- chosen trainee's relationships in the waves before the wave they are
-- evaluated on. _scope.sql, bound with $wave null, then evaluates each
-- trainee on the latest of those waves, i.e. the previous wave with data, and
-- every rule after it (coverage, signals) runs unchanged: one definition each.
-- $evaluated_wave is the wave the filters choose (null: each trainee's latest);
-- which wave is evaluated is _scope.sql's rule, repeated here in its one line.
-- Consultations, functions and needs are joined by wave, so they follow.
, evaluated_now AS (
    SELECT r.trainee_id, max(w.wave_rank) AS wave_rank
    FROM relationships r
    JOIN wave_order w ON w.wave = r.wave
    WHERE ($evaluated_wave::VARCHAR IS NULL OR r.wave = $evaluated_wave::VARCHAR)
      AND r.trainee_id IN (SELECT trainee_id FROM chosen)
    GROUP BY r.trainee_id
),
relationships AS (
    SELECT r.*
    FROM relationships r
    JOIN wave_order w ON w.wave = r.wave
    JOIN evaluated_now e ON e.trainee_id = r.trainee_id AND w.wave_rank < e.wave_rank
)
