-- Continues _signal_rows.sql (after _scope.sql and _coverage.sql): the rows the
-- derived layer stores for the trainees in scope and their evaluated wave, in
-- one pass: `coverage` (kind 'coverage', the columns of derived_coverage) and
-- `trainee_signal_rows` (kind 'signal', the columns of derived_signals). The
-- signals read `coverage` too, so it is computed once for both
-- (dashboard/analysis/derived.py splits the rows by kind).
SELECT 'coverage' AS kind, trainee_id::VARCHAR AS trainee_id, wave::VARCHAR AS wave,
       function::VARCHAR AS function, position::BIGINT AS position, level, level_formal, level_informal
FROM coverage

UNION ALL BY NAME
SELECT 'signal' AS kind, trainee_id::VARCHAR AS trainee_id, wave::VARCHAR AS wave,
       person_id::VARCHAR AS person_id, function::VARCHAR AS function, code, severity,
       person_name::VARCHAR AS person_name, role::VARCHAR AS role, strength::VARCHAR AS strength,
       expected_strength::VARCHAR AS expected_strength, other_role::VARCHAR AS other_role,
       other_names::VARCHAR AS other_names, earlier_strength::VARCHAR AS earlier_strength,
       earlier_wave::VARCHAR AS earlier_wave, n::BIGINT AS n, trainee_cohort::VARCHAR AS trainee_cohort
FROM trainee_signal_rows
