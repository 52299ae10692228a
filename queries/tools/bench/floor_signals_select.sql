-- Closes floor_signals.sql (after _floor_signal_rows.sql).
SELECT trainee_id, person_id, function, code, severity, wave, cohort, role
FROM sig
