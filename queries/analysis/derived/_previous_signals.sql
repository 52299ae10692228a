-- Continues _scope.sql (after derived/_triage_signals.sql, or with the evaluated
-- wave's signals bound as signals_param: dashboard.analysis.triage.triage_view)
-- while the derived layer is current: the second input of triage.sql as a CTE,
--   previous_signals_param: the stored signals of each trainee's previous wave
--                           with data (the latest wave before the evaluated one
--                           that has rows: what _previous_wave.sql evaluates),
-- read from derived_signals instead of a statement that evaluates that wave.
, previous_wave AS (
    -- joined to scope first: a school's view reads its trainees' rows, not every (trainee, wave)
    SELECT s.trainee_id, arg_max(d.wave, w.wave_rank) AS wave
    FROM scope s
    JOIN derived_coverage d ON d.trainee_id = s.trainee_id
    JOIN wave_order w ON w.wave = d.wave
    WHERE w.wave_rank < s.wave_rank
    GROUP BY s.trainee_id
),
previous_signals_param AS (
    SELECT d.trainee_id, d.person_id, d.function, d.code, d.role
    FROM derived_signals d
    JOIN previous_wave p ON p.trainee_id = d.trainee_id AND p.wave = d.wave
)
