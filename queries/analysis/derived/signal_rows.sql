-- Continues _signal_rows.sql: the rows derived_signals stores.
SELECT trainee_id::VARCHAR AS trainee_id, wave::VARCHAR AS wave, person_id::VARCHAR AS person_id,
       function::VARCHAR AS function, code, severity, person_name::VARCHAR AS person_name,
       role::VARCHAR AS role, strength::VARCHAR AS strength, expected_strength::VARCHAR AS expected_strength,
       other_role::VARCHAR AS other_role, other_names::VARCHAR AS other_names,
       earlier_strength::VARCHAR AS earlier_strength, earlier_wave::VARCHAR AS earlier_wave,
       n::BIGINT AS n, trainee_cohort::VARCHAR AS trainee_cohort
FROM trainee_signal_rows
