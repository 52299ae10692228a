-- Continues _scope.sql in place of _coverage.sql while the derived layer is
-- current: `coverage` for the trainees in scope, read from derived_coverage
-- (computed by _coverage.sql itself, per trainee and wave, under the stored
-- norms). Only for questions under the stored norms: a what-if computes.
, coverage AS (
    SELECT d.trainee_id, d.wave, d.function, d.position, d.level, d.level_formal, d.level_informal
    FROM derived_coverage d
    JOIN scope s ON s.trainee_id = d.trainee_id AND s.wave = d.wave
)
