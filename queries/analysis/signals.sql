-- Continues _scope.sql and _coverage.sql: the attention signals of
-- shared/domain.md, evaluated on each trainee's evaluated wave. One row per
-- signal, with its sentence in the user's language. Severities and their
-- reasons: docs/analyse.md.
-- Bound tables: norm_roles_param(programme, role, expected_strength),
-- norm_consultations_param(programme, role_a, role_b), pairs stored with role_a < role_b,
-- message_templates_param(message_key, template) and labels_param(kind, code, label)
-- in the user's language (kind: role, strength, wave, function).
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
signal_rows AS (
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
           rel.wave, rel.person_name, rel.role
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

    UNION ALL BY NAME
    SELECT NULL AS trainee_id, rel.person_id, NULL AS function, 'mentor_no_klik_repeated' AS code,
           'medium' AS severity, arg_max(rel.wave, rel.wave_rank) AS wave,
           any_value(rel.person_name) AS person_name, any_value(rel.role) AS role,
           rel.cohort, count(DISTINCT rel.trainee_id) AS n
    FROM rel
    WHERE rel.formal AND rel.klik = 'nee'
    GROUP BY rel.person_id, rel.cohort
    HAVING count(DISTINCT rel.trainee_id) >= 2
),
-- The sentence: the language's template for the code (dashboard.analysis
-- turns its {field} names into positions for format(); the values are
-- arguments, so a name with braces in it is never read as a field).
facts AS (
    SELECT sr.trainee_id::VARCHAR AS trainee_id, sr.person_id::VARCHAR AS person_id,
           sr.function::VARCHAR AS function, sr.code, sr.severity, sr.wave, sr.role::VARCHAR AS role,
           sr.other_role::VARCHAR AS other_role, sr.cohort::VARCHAR AS cohort,
           CASE WHEN sr.code = 'weak_formal' AND sr.strength = 'geen' THEN 'weak_formal_geen'
                ELSE sr.code END AS message_key,
           coalesce(role_label.label, '') AS role_text,
           coalesce(other_role_label.label, '') AS other_role_text,
           coalesce(strength_label.label, '') AS strength_text,
           coalesce(expected_label.label, '') AS expected_text,
           coalesce(earlier_label.label, '') AS earlier_text,
           coalesce(earlier_wave_label.label, '') AS earlier_wave_text,
           coalesce(function_label.label, sr.function::VARCHAR, '') AS function_text,
           coalesce(sr.cohort::VARCHAR, '') AS cohort_text,
           coalesce(sr.n::BIGINT::VARCHAR, '') AS n_text,
           coalesce(sr.other_names::VARCHAR, '') AS other_person_text,
           coalesce(sr.person_name::VARCHAR, '') AS person_text
    FROM signal_rows sr
    LEFT JOIN labels_param role_label ON role_label.kind = 'role' AND role_label.code = sr.role
    LEFT JOIN labels_param other_role_label
      ON other_role_label.kind = 'role' AND other_role_label.code = sr.other_role
    LEFT JOIN labels_param strength_label
      ON strength_label.kind = 'strength' AND strength_label.code = sr.strength
    LEFT JOIN labels_param expected_label
      ON expected_label.kind = 'strength' AND expected_label.code = sr.expected_strength
    LEFT JOIN labels_param earlier_label
      ON earlier_label.kind = 'strength' AND earlier_label.code = sr.earlier_strength
    LEFT JOIN labels_param earlier_wave_label
      ON earlier_wave_label.kind = 'wave' AND earlier_wave_label.code = sr.earlier_wave
    LEFT JOIN labels_param function_label
      ON function_label.kind = 'function' AND function_label.code = sr.function
)
SELECT f.trainee_id, f.person_id, f.function, f.code, f.severity, f.wave,
       -- argument positions: see MESSAGE_FIELDS in dashboard/analysis/__init__.py
       format(m.template,
              upper(left(f.role_text, 1)) || substr(f.role_text, 2), f.role_text, f.person_text,
              f.strength_text, f.expected_text, f.other_role_text, f.other_person_text,
              f.earlier_text, f.earlier_wave_text, f.function_text, f.cohort_text, f.n_text) AS message,
       -- the role the signal is about (no_consultation: the pair's roles), for triage and patterns;
       -- the cohort of a mentor-level signal
       f.role, f.other_role, f.cohort
FROM facts f
JOIN message_templates_param m ON m.message_key = f.message_key
ORDER BY CASE f.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END,
         f.trainee_id NULLS LAST, f.code, f.person_id, f.function,
         -- ties (one mentor's signal in two cohorts) still come out in one order
         f.wave, f.cohort_text, message
