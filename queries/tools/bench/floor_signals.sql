-- Floor of analysis.signals: the signal facts on each chosen trainee's latest wave (the
-- sentence, a translation of these facts, is left out: see docs/performance.md).
-- Continues _floor_open.sql; _floor_signal_rows.sql follows the evaluations defined here.
, ev AS (
    SELECT 'now' AS kind, trainee_id, wr AS ewr, np, cohort, NULL::VARCHAR AS gone_person, NULL::INTEGER AS gone_wr
    FROM tr
)
