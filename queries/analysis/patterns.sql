-- Continues _scope.sql: the programme's patterns (shared/domain.md, "Triage"):
-- one signal code about one role that fires for at least $min_share_percent %
-- of the trainees in scope of a school or institute with at least $min_group
-- trainees in scope. Counted in whole numbers (n * 100 >= total * percent), so
-- 40 % of 5 is a pattern and 39 % is not, without rounding.
-- Bound table: signals_param, signals.sql's rows for the evaluated wave with role.
, membership AS (
    SELECT 'school' AS group_by, school_id AS group_id, trainee_id FROM scope
    UNION ALL
    SELECT 'institute' AS group_by, institute_id AS group_id, trainee_id FROM scope
),
group_sizes AS (
    SELECT group_by, group_id, count(*)::BIGINT AS n_in_group
    FROM membership
    WHERE group_id IS NOT NULL
    GROUP BY group_by, group_id
),
signal_roles AS (
    SELECT DISTINCT trainee_id, code, role, other_role
    FROM signals_param
    WHERE trainee_id IS NOT NULL AND role IS NOT NULL
),
counted AS (
    SELECT m.group_by, m.group_id, sr.code, sr.role, count(DISTINCT sr.trainee_id)::BIGINT AS n_trainees,
           -- no_consultation: the other role of the pair, when the norms name one
           CASE WHEN count(DISTINCT sr.other_role) = 1 THEN min(sr.other_role) END AS other_role
    FROM membership m
    JOIN signal_roles sr ON sr.trainee_id = m.trainee_id
    GROUP BY m.group_by, m.group_id, sr.code, sr.role
)
SELECT c.group_by, c.group_id,
       coalesce(CASE c.group_by WHEN 'school' THEN sc.name ELSE i.name END, c.group_id) AS group_name,
       c.code, c.role, c.n_trainees, g.n_in_group, c.other_role,
       (c.n_trainees / g.n_in_group)::DOUBLE AS share
FROM counted c
JOIN group_sizes g ON g.group_by = c.group_by AND g.group_id = c.group_id
LEFT JOIN schools sc ON c.group_by = 'school' AND sc.school_id = c.group_id
LEFT JOIN institutes i ON c.group_by = 'institute' AND i.institute_id = c.group_id
WHERE g.n_in_group >= $min_group
  AND c.n_trainees * 100 >= g.n_in_group * $min_share_percent
ORDER BY share DESC, c.n_trainees DESC, c.group_by DESC, group_name, c.group_id, c.code, c.role
