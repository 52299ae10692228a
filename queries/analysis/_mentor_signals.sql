-- Continues _signal_rows.sql or derived/_signal_rows.sql (which define
-- trainee_signal_rows): every signal, i.e. the trainee-level ones and the
-- mentor-level one of shared/domain.md: a formal mentor with whom two or more
-- trainees of one cohort in view have no klik (no_klik, formal only, in the
-- trainees' evaluated waves). It depends on who is in view, so it is never
-- stored: it is counted here from the no_klik rows.
, signal_rows AS (
    SELECT * FROM trainee_signal_rows

    UNION ALL BY NAME
    SELECT NULL AS trainee_id, s.person_id, NULL AS function, 'mentor_no_klik_repeated' AS code,
           'medium' AS severity, arg_max(s.wave, w.wave_rank) AS wave,
           any_value(s.person_name) AS person_name, any_value(s.role) AS role,
           s.trainee_cohort AS cohort, count(DISTINCT s.trainee_id) AS n
    FROM trainee_signal_rows s
    JOIN wave_order w ON w.wave = s.wave
    WHERE s.code = 'no_klik'
    GROUP BY s.person_id, s.trainee_cohort
    HAVING count(DISTINCT s.trainee_id) >= 2
),
