-- Continues _signal_messages.sql: the attention signals, one row per signal,
-- most severe first (the order of `position`).
SELECT trainee_id, person_id, function, code, severity, wave, message, role, other_role, cohort
FROM signal_messages
ORDER BY position
