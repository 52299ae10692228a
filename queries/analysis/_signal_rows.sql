-- Continues _scope.sql and _coverage.sql: the signals of shared/domain.md about
-- one trainee each (every code but the mentor-level one), evaluated on each
-- trainee's evaluated wave, as facts: codes, severities, the persons, roles,
-- strengths and waves their sentences name. _mentor_signals.sql adds the
-- mentor-level signal and signals.sql the sentences. The derived layer
-- (dashboard/analysis/derived.py) stores these rows per trainee and wave;
-- derived/_signal_rows.sql reads them back under the same name.
-- Severities and their reasons: docs/analyse.md.
-- Bound tables: norm_roles_param(programme, role, expected_strength),
-- norm_consultations_param(programme, role_a, role_b), pairs stored with role_a < role_b.
-- trainee_cohort (no_klik only): the trainee's cohort, which the mentor-level signal groups by.
, expected AS (
    SELECT s.trainee_id, s.wave, nr.role, nr.expected_strength,
           CASE nr.expected_strength WHEN 'sterk' THEN 2 WHEN 'zwak' THEN 1 ELSE 0 END AS expected_rank
    FROM scope s
    JOIN norm_roles_param nr ON nr.programme = s.norm_programme
),
consulted_roles AS (
    -- role pairs that did consult, ordered like the norm pairs (role_a < role_b)
    SELECT DISTINCT c.trainee_id, least(pa.role, pb.role) AS role_a, greatest(pa.role, pb.role) AS role_b
    FROM consultations c
    JOIN scope s ON s.trainee_id = c.trainee_id AND s.wave = c.wave
    JOIN people pa ON pa.person_id = c.person_a
    JOIN people pb ON pb.person_id = c.person_b
),
missing_consultations AS (
    SELECT s.trainee_id, s.wave, nc.role_a, nc.role_b
    FROM scope s
    JOIN norm_consultations_param nc ON nc.programme = s.norm_programme
    LEFT JOIN consulted_roles cr
      ON cr.trainee_id = s.trainee_id AND cr.role_a = nc.role_a AND cr.role_b = nc.role_b
    WHERE cr.trainee_id IS NULL
),
role_people AS (
    -- who holds the roles of a missing pair (any relationship, formal or not);
    -- only for those pairs, because naming everyone is the costly part
    SELECT rel.trainee_id, rel.role, min(rel.person_id) AS first_person_id,
           array_to_string(list_sort(list(rel.person_name)), ', ') AS names
    FROM rel
    JOIN (SELECT trainee_id, role_a AS role FROM missing_consultations
          UNION
          SELECT trainee_id, role_b AS role FROM missing_consultations) needed
      ON needed.trainee_id = rel.trainee_id AND needed.role = rel.role
    GROUP BY rel.trainee_id, rel.role
),
earlier_best AS (
    -- the strongest earlier rating of each relationship, and the latest wave with it
    SELECT r.trainee_id, r.person_id,
           max(CASE r.strength WHEN 'sterk' THEN 2 WHEN 'zwak' THEN 1 ELSE 0 END) AS best_rank,
           arg_max(r.wave, (CASE r.strength WHEN 'sterk' THEN 2 WHEN 'zwak' THEN 1 ELSE 0 END) * 10
                           + w.wave_rank) AS best_wave
    FROM relationships r
    JOIN wave_order w ON w.wave = r.wave
    JOIN scope s ON s.trainee_id = r.trainee_id AND w.wave_rank < s.wave_rank
    GROUP BY r.trainee_id, r.person_id
),
strong_serving AS (
    SELECT trainee_id, function, person_id
    FROM serving
    WHERE strength_rank = 2 AND (formal OR informal_counts)
),
trainee_signal_rows AS (
    SELECT rel.trainee_id, rel.person_id, NULL AS function, 'weak_formal' AS code,
           CASE WHEN rel.strength_rank = 0 THEN 'high' ELSE 'medium' END AS severity, rel.wave,
           rel.person_name, rel.role, rel.strength, e.expected_strength
    FROM rel
    JOIN expected e ON e.trainee_id = rel.trainee_id AND e.role = rel.role
    WHERE rel.formal AND rel.strength_rank < e.expected_rank

    UNION ALL BY NAME
    SELECT e.trainee_id, NULL AS person_id, NULL AS function, 'missing_formal' AS code,
           'high' AS severity, e.wave, e.role, e.expected_strength
    FROM expected e
    WHERE NOT EXISTS (SELECT 1 FROM rel
                      WHERE rel.trainee_id = e.trainee_id AND rel.role = e.role AND rel.formal)

    UNION ALL BY NAME
    SELECT m.trainee_id, pa.first_person_id AS person_id, NULL AS function,
           'no_consultation' AS code, 'medium' AS severity, m.wave,
           m.role_a AS role, pa.names AS person_name, m.role_b AS other_role, pb.names AS other_names
    FROM missing_consultations m
    JOIN role_people pa ON pa.trainee_id = m.trainee_id AND pa.role = m.role_a
    JOIN role_people pb ON pb.trainee_id = m.trainee_id AND pb.role = m.role_b

    UNION ALL BY NAME
    SELECT rel.trainee_id, rel.person_id, NULL AS function, 'no_klik' AS code, 'high' AS severity,
           rel.wave, rel.person_name, rel.role, rel.cohort AS trainee_cohort
    FROM rel
    WHERE rel.formal AND rel.klik = 'nee'

    UNION ALL BY NAME
    SELECT rel.trainee_id, rel.person_id, NULL AS function, 'negative_contribution' AS code,
           'high' AS severity, rel.wave, rel.person_name, rel.role
    FROM rel
    WHERE rel.contribution = 'negatief'

    UNION ALL BY NAME
    SELECT c.trainee_id, NULL AS person_id, c.function, 'uncovered_need' AS code,
           CASE c.level WHEN 'geen' THEN 'high' ELSE 'medium' END AS severity, c.wave,
           c.level AS strength
    FROM needs n
    JOIN coverage c ON c.trainee_id = n.trainee_id AND c.wave = n.wave AND c.function = n.function
    WHERE c.level <> 'sterk'

    UNION ALL BY NAME
    SELECT g.trainee_id, g.person_id, NULL AS function, 'single_point_of_failure' AS code,
           'low' AS severity, rel.wave, rel.person_name, rel.role, g.n_functions AS n
    FROM (SELECT trainee_id, min(person_id) AS person_id, count(DISTINCT function) AS n_functions
          FROM strong_serving
          GROUP BY trainee_id
          HAVING count(DISTINCT function) >= 2 AND count(DISTINCT person_id) = 1) g
    JOIN rel ON rel.trainee_id = g.trainee_id AND rel.person_id = g.person_id

    UNION ALL BY NAME
    SELECT rel.trainee_id, rel.person_id, NULL AS function, 'declining' AS code,
           CASE WHEN rel.strength_rank = 0 THEN 'high' ELSE 'medium' END AS severity, rel.wave,
           rel.person_name, rel.role, rel.strength,
           ['geen', 'zwak', 'sterk'][eb.best_rank + 1] AS earlier_strength,
           eb.best_wave AS earlier_wave
    FROM rel
    JOIN earlier_best eb ON eb.trainee_id = rel.trainee_id AND eb.person_id = rel.person_id
    WHERE rel.formal AND eb.best_rank > rel.strength_rank
)
