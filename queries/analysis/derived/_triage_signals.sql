-- Continues derived/_signal_rows.sql (or, on copied rows changed in memory in
-- the evaluated wave only, the rules' own _coverage.sql and _signal_rows.sql:
-- dashboard.analysis.triage.copied_triage_job), _mentor_signals.sql and
-- _signal_messages.sql while the derived layer is current: the two inputs of
-- triage.sql as CTEs of the same statement (the stored norms' signals need no
-- second statement, nor a round trip through Python):
--   signals_param: the evaluated wave's signals, in their order (position);
-- and derived/_previous_signals.sql follows with the other (previous_signals_param).
, signals_param AS (
    SELECT trainee_id, person_id, function, code, severity, wave, message, role, other_role, position
    FROM signal_messages
)
