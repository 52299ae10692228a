-- Continues _scope.sql in place of _coverage.sql and _signal_rows.sql while the
-- derived layer is current: `trainee_signal_rows` for the trainees in scope,
-- read from derived_signals (computed by _signal_rows.sql itself, per trainee
-- and wave, under the stored norms). _mentor_signals.sql follows.
, trainee_signal_rows AS (
    SELECT d.*
    FROM derived_signals d
    JOIN scope s ON s.trainee_id = d.trainee_id AND s.wave = d.wave
)
