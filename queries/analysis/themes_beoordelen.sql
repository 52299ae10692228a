-- Continues _scope.sql and _theme_groups.sql (columns: see
-- themes_initiatief.sql). Theme "beoordelen": do the guides also assess?
-- Over formal relationships; assesses not filled in counts as not assessing.
--   assessing           per role (category): relationships where the mentor assesses
--   assessing_strength  assessing ja / nee (category) by strength (detail)
--   assessing_klik      assessing ja / nee (category) by klik (detail, with onbekend)
, assessed AS (
    SELECT r.*, CASE WHEN r.assesses THEN 'ja' ELSE 'nee' END AS assessing
    FROM theme_rel r WHERE r.formal
),
figures AS (
    SELECT m.group_by, m.group_id, 'assessing' AS figure, a.role AS category, NULL AS detail, 'share' AS kind,
           count(*) FILTER (WHERE a.assessing = 'ja') AS numerator, count(*) AS denominator
    FROM assessed a JOIN membership m ON m.trainee_id = a.trainee_id
    GROUP BY m.group_by, m.group_id, a.role

    UNION ALL
    SELECT m.group_by, m.group_id, 'assessing_strength', a.assessing, s.detail, 'share',
           count(*) FILTER (WHERE a.strength = s.detail), count(*)
    FROM assessed a JOIN membership m ON m.trainee_id = a.trainee_id
    CROSS JOIN (VALUES ('sterk'), ('zwak'), ('geen')) s(detail)
    GROUP BY m.group_by, m.group_id, a.assessing, s.detail

    UNION ALL
    SELECT m.group_by, m.group_id, 'assessing_klik', a.assessing, k.detail, 'share',
           count(*) FILTER (WHERE coalesce(a.klik, 'onbekend') = k.detail), count(*)
    FROM assessed a JOIN membership m ON m.trainee_id = a.trainee_id
    CROSS JOIN (VALUES ('ja'), ('twijfel'), ('nee'), ('onbekend')) k(detail)
    GROUP BY m.group_by, m.group_id, a.assessing, k.detail
)
SELECT g.group_by, g.group_id, g.group_name, g.n_trainees, f.figure, f.category, f.detail, f.kind,
       f.numerator::DOUBLE AS numerator, f.denominator::DOUBLE AS denominator
FROM figures f
JOIN group_sizes g ON g.group_by = f.group_by AND g.group_id IS NOT DISTINCT FROM f.group_id
