-- Continues _scope.sql, _coverage.sql and _theme_groups.sql. Theme
-- "initiatief": how much guidance is organised and how much the trainee seeks.
-- Every themes_*.sql answers with the same columns: per grouping and group,
-- a figure split by category (and detail), as numerator / denominator of a
-- share (kind 'share') or as a value (kind 'count': numerator).
--   informal_share      contributing relationships that are informal
--   strong_informal     trainees with at least one strong informal relationship
--   informal_only_cover strongly covered (trainee, function) cells whose strong
--                       cover comes from informal relationships only
--   klik                formal relationships by klik (ja, twijfel, nee, onbekend)
, strong_informal AS (
    SELECT DISTINCT trainee_id FROM theme_rel WHERE NOT formal AND strength = 'sterk'
),
figures AS (
    SELECT m.group_by, m.group_id, 'informal_share' AS figure, NULL AS category, NULL AS detail, 'share' AS kind,
           count(*) FILTER (WHERE NOT r.formal) AS numerator, count(*) AS denominator
    FROM theme_rel r JOIN membership m ON m.trainee_id = r.trainee_id
    WHERE r.contributing
    GROUP BY m.group_by, m.group_id

    UNION ALL
    SELECT m.group_by, m.group_id, 'strong_informal', NULL, NULL, 'share',
           count(si.trainee_id), count(*)
    FROM membership m LEFT JOIN strong_informal si ON si.trainee_id = m.trainee_id
    GROUP BY m.group_by, m.group_id

    UNION ALL
    -- strong cover by any relationship, whatever the norm counts: the figure describes who gives it
    SELECT m.group_by, m.group_id, 'informal_only_cover', NULL, NULL, 'share',
           count(*) FILTER (WHERE c.level_formal <> 'sterk'), count(*)
    FROM coverage c JOIN membership m ON m.trainee_id = c.trainee_id
    WHERE c.level_formal = 'sterk' OR c.level_informal = 'sterk'
    GROUP BY m.group_by, m.group_id

    UNION ALL
    SELECT m.group_by, m.group_id, 'klik', k.category, NULL, 'share',
           count(*) FILTER (WHERE coalesce(r.klik, 'onbekend') = k.category), count(*)
    FROM theme_rel r JOIN membership m ON m.trainee_id = r.trainee_id
    CROSS JOIN (VALUES ('ja'), ('twijfel'), ('nee'), ('onbekend')) k(category)
    WHERE r.formal
    GROUP BY m.group_by, m.group_id, k.category
)
SELECT g.group_by, g.group_id, g.group_name, g.n_trainees, f.figure, f.category, f.detail, f.kind,
       f.numerator::DOUBLE AS numerator, f.denominator::DOUBLE AS denominator
FROM figures f
JOIN group_sizes g ON g.group_by = f.group_by AND g.group_id IS NOT DISTINCT FROM f.group_id
