-- Continues _scope.sql, _coverage.sql and _theme_groups.sql (columns: see
-- themes_initiatief.sql). Theme "bedoeling": which goals the guidance serves.
--   strong_cover        trainees with strong cover of a function (category)
--   strong_cover_group  strongly covered cells of a function group (category:
--                       career, psychosocial, ...)
--   orientation         formal mentors by orientation (technisch, persoonlijk, onbekend)
--   orientation_function contributing formal relationships of mentors of an
--                       orientation (category) that serve a function (detail)
-- Bound table: function_groups_param(code, "group").
, oriented AS (
    -- per trainee and orientation: contributing formal relationships (counted
    -- per trainee first: far fewer rows to spread over the groupings)
    SELECT trainee_id, coalesce(orientation, 'onbekend') AS orientation, count(*) AS n_relationships
    FROM theme_rel WHERE formal AND contributing
    GROUP BY trainee_id, coalesce(orientation, 'onbekend')
),
oriented_served AS (
    SELECT r.trainee_id, coalesce(r.orientation, 'onbekend') AS orientation, rf.function, count(*) AS n
    FROM theme_rel r
    JOIN relationship_functions rf ON rf.trainee_id = r.trainee_id AND rf.person_id = r.person_id AND rf.wave = r.wave
    WHERE r.formal AND r.contributing
    GROUP BY r.trainee_id, coalesce(r.orientation, 'onbekend'), rf.function
),
figures AS (
    SELECT m.group_by, m.group_id, 'strong_cover' AS figure, c.function AS category, NULL AS detail,
           'share' AS kind, count(*) FILTER (WHERE c.level = 'sterk') AS numerator, count(*) AS denominator
    FROM coverage c JOIN membership m ON m.trainee_id = c.trainee_id
    GROUP BY m.group_by, m.group_id, c.function

    UNION ALL
    SELECT m.group_by, m.group_id, 'strong_cover_group', fg."group", NULL, 'share',
           count(*) FILTER (WHERE c.level = 'sterk'), count(*)
    FROM coverage c JOIN membership m ON m.trainee_id = c.trainee_id
    JOIN function_groups_param fg ON fg.code = c.function
    GROUP BY m.group_by, m.group_id, fg."group"

    UNION ALL
    SELECT m.group_by, m.group_id, 'orientation', o.category, NULL, 'share',
           count(DISTINCT r.person_id) FILTER (WHERE coalesce(r.orientation, 'onbekend') = o.category),
           count(DISTINCT r.person_id)
    FROM theme_rel r JOIN membership m ON m.trainee_id = r.trainee_id
    CROSS JOIN (VALUES ('technisch'), ('persoonlijk'), ('onbekend')) o(category)
    WHERE r.formal
    GROUP BY m.group_by, m.group_id, o.category

    UNION ALL
    SELECT m.group_by, m.group_id, 'orientation_function', o.orientation, f.code, 'share',
           coalesce(sum(served.n), 0), sum(o.n_relationships)
    FROM oriented o JOIN membership m ON m.trainee_id = o.trainee_id
    CROSS JOIN taxonomy_param f
    LEFT JOIN oriented_served served
      ON served.trainee_id = o.trainee_id AND served.orientation = o.orientation AND served.function = f.code
    GROUP BY m.group_by, m.group_id, o.orientation, f.code
)
SELECT g.group_by, g.group_id, g.group_name, g.n_trainees, f.figure, f.category, f.detail, f.kind,
       f.numerator::DOUBLE AS numerator, f.denominator::DOUBLE AS denominator
FROM figures f
JOIN group_sizes g ON g.group_by = f.group_by AND g.group_id IS NOT DISTINCT FROM f.group_id
