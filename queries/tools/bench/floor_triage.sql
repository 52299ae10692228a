-- Floor of analysis.triage: the evaluations are each chosen trainee's latest wave ('now') and the
-- wave before it with data ('before'); _floor_signal_rows.sql follows, then floor_triage_select.sql.
-- Continues _floor_open.sql.
, ev AS (
    SELECT 'now' AS kind, trainee_id, wr AS ewr, np, cohort, NULL::VARCHAR AS gone_person, NULL::INTEGER AS gone_wr
    FROM tr
    UNION ALL
    SELECT 'before', t.trainee_id, max(r.wr), any_value(t.np), any_value(t.cohort), NULL, NULL
    FROM tr t JOIN rel r ON r.trainee_id = t.trainee_id AND r.wr < t.wr
    GROUP BY t.trainee_id
)
