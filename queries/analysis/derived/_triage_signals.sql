-- Continues derived/_signal_rows.sql (or, on copied rows changed in memory in
-- the evaluated wave only, the rules' own _coverage.sql and _signal_rows.sql:
-- dashboard.analysis.triage.copied_triage_job), _mentor_signals.sql and
-- _signal_messages.sql while the derived layer is current: the two inputs of
-- triage.sql as CTEs of the same statement (the stored norms' signals need no
-- second statement, nor a round trip through Python):
--   signals_param:          the evaluated wave's signals, in their order (position);
--   previous_signals_param: the stored signals of each trainee's previous wave
--                           with data (the latest wave before the evaluated one
--                           that has rows: what _previous_wave.sql evaluates).
, signals_param AS (
    SELECT trainee_id, person_id, function, code, severity, wave, message, role, other_role, position
    FROM signal_messages
),
previous_wave AS (
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
