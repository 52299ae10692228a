-- Continues _scope.sql and _theme_groups.sql (columns: see
-- themes_initiatief.sql). Theme "vormgeving": who holds which role.
--   mentors              formal mentors per role (count)
--   trainees_per_mentor  per role (category) the median and max (detail) of the
--                        trainees a formal mentor guides within the group (count)
--   contact_frequency    relationships of a role (category) by contact frequency
--                        (detail: dagelijks, wekelijks, maandelijks, zelden, onbekend)
--   consultation         per required pair (category role_a, detail role_b) the
--                        trainees with both roles present: numerator those with
--                        the consultation, denominator all of them (missing = the rest)
-- Bound table: norm_consultations_param(programme, role_a, role_b).
, mentor_load AS (
    SELECT m.group_by, m.group_id, r.role, r.person_id, count(DISTINCT r.trainee_id) AS n
    FROM theme_rel r JOIN membership m ON m.trainee_id = r.trainee_id
    WHERE r.formal
    GROUP BY m.group_by, m.group_id, r.role, r.person_id
),
present_roles AS (
    SELECT DISTINCT trainee_id, role FROM rel
),
consulted_roles AS (
    SELECT DISTINCT c.trainee_id, least(pa.role, pb.role) AS role_a, greatest(pa.role, pb.role) AS role_b
    FROM consultations c
    JOIN scope s ON s.trainee_id = c.trainee_id AND s.wave = c.wave
    JOIN people pa ON pa.person_id = c.person_a
    JOIN people pb ON pb.person_id = c.person_b
),
required AS (
    -- the trainee's required pairs with both roles present (as the no_consultation signal)
    SELECT s.trainee_id, nc.role_a, nc.role_b, cr.trainee_id IS NOT NULL AS realised
    FROM scope s
    JOIN norm_consultations_param nc ON nc.programme = s.norm_programme
    JOIN present_roles a ON a.trainee_id = s.trainee_id AND a.role = nc.role_a
    JOIN present_roles b ON b.trainee_id = s.trainee_id AND b.role = nc.role_b
    LEFT JOIN consulted_roles cr
      ON cr.trainee_id = s.trainee_id AND cr.role_a = nc.role_a AND cr.role_b = nc.role_b
),
contact AS (
    -- per trainee, role and frequency first: far fewer rows to spread over the groupings
    SELECT trainee_id, role, coalesce(contact_frequency, 'onbekend') AS frequency, count(*) AS n
    FROM theme_rel
    GROUP BY trainee_id, role, coalesce(contact_frequency, 'onbekend')
),
figures AS (
    SELECT group_by, group_id, 'mentors' AS figure, role AS category, NULL AS detail, 'count' AS kind,
           count(*)::DOUBLE AS numerator, NULL::DOUBLE AS denominator
    FROM mentor_load GROUP BY group_by, group_id, role

    UNION ALL
    SELECT group_by, group_id, 'trainees_per_mentor', role, 'median', 'count', median(n)::DOUBLE, NULL
    FROM mentor_load GROUP BY group_by, group_id, role

    UNION ALL
    SELECT group_by, group_id, 'trainees_per_mentor', role, 'max', 'count', max(n)::DOUBLE, NULL
    FROM mentor_load GROUP BY group_by, group_id, role

    UNION ALL
    SELECT m.group_by, m.group_id, 'contact_frequency', c.role, fr.detail, 'share',
           coalesce(sum(c.n) FILTER (WHERE c.frequency = fr.detail), 0), sum(c.n)
    FROM contact c JOIN membership m ON m.trainee_id = c.trainee_id
    CROSS JOIN (VALUES ('dagelijks'), ('wekelijks'), ('maandelijks'), ('zelden'), ('onbekend')) fr(detail)
    GROUP BY m.group_by, m.group_id, c.role, fr.detail

    UNION ALL
    SELECT m.group_by, m.group_id, 'consultation', q.role_a, q.role_b, 'share',
           count(*) FILTER (WHERE q.realised), count(*)
    FROM required q JOIN membership m ON m.trainee_id = q.trainee_id
    GROUP BY m.group_by, m.group_id, q.role_a, q.role_b
)
SELECT g.group_by, g.group_id, g.group_name, g.n_trainees, f.figure, f.category, f.detail, f.kind,
       f.numerator::DOUBLE AS numerator, f.denominator::DOUBLE AS denominator
FROM figures f
JOIN group_sizes g ON g.group_by = f.group_by AND g.group_id IS NOT DISTINCT FROM f.group_id
