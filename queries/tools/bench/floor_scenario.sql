-- Floor of scenarios.leave for one person ($leaving): the trainees with a relationship with them
-- (_floor_open.sql's tr), each evaluated four times: their latest wave and the one before it
-- ('now', 'before'), as they are and without the person's relationships and consultations in
-- that latest wave ('now_x', 'before_x'). _floor_signal_rows.sql follows, then
-- floor_scenario_select.sql.
, affected AS (
    SELECT DISTINCT t.trainee_id, t.wr FROM tr t
    JOIN rel r ON r.trainee_id = t.trainee_id AND r.wr = t.wr
    WHERE r.person_id = $leaving::VARCHAR
),
left_after AS (  -- the latest wave with relationships once the person is gone
    SELECT a.trainee_id, max(r.wr) AS wr
    FROM affected a JOIN rel r ON r.trainee_id = a.trainee_id
    WHERE NOT (r.person_id = $leaving::VARCHAR AND r.wr = a.wr)
    GROUP BY a.trainee_id
),
ev AS (
    SELECT 'now' AS kind, t.trainee_id, t.wr AS ewr, t.np, t.cohort, NULL::VARCHAR AS gone_person, NULL::INTEGER AS gone_wr
    FROM tr t SEMI JOIN affected a ON a.trainee_id = t.trainee_id
    UNION ALL
    SELECT 'before', t.trainee_id, max(r.wr), any_value(t.np), any_value(t.cohort), NULL, NULL
    FROM tr t SEMI JOIN affected a ON a.trainee_id = t.trainee_id
    JOIN rel r ON r.trainee_id = t.trainee_id AND r.wr < t.wr
    GROUP BY t.trainee_id
    UNION ALL
    SELECT 'now_x', t.trainee_id, l.wr, t.np, t.cohort, $leaving::VARCHAR, t.wr
    FROM tr t JOIN left_after l ON l.trainee_id = t.trainee_id
    UNION ALL
    SELECT 'before_x', t.trainee_id, max(r.wr), any_value(t.np), any_value(t.cohort), $leaving::VARCHAR, any_value(t.wr)
    FROM tr t JOIN left_after l ON l.trainee_id = t.trainee_id
    JOIN rel r ON r.trainee_id = t.trainee_id AND r.wr < l.wr
    GROUP BY t.trainee_id
)
