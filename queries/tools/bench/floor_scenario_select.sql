-- Closes floor_scenario.sql (after _floor_signal_rows.sql): per affected trainee, every function
-- whose coverage drops, or one row without a function when only the tier or the signal codes
-- change; tier before / after (null: not on the attention list; after: also null when nothing is
-- left in the wave), the signal codes that appear. The candidates for a lost function are left out.
, tagged AS (
    SELECT s.*, split_part(s.kind, '_', 1) AS phase, split_part(s.kind, '_', 2) AS world
    FROM sig s WHERE s.trainee_id IS NOT NULL
),
now_sig AS (
    SELECT s.world, s.trainee_id, s.code, s.severity,
           s.code IN ('no_klik', 'negative_contribution')
           OR (s.code = 'uncovered_need'
               AND EXISTS (SELECT 1 FROM tagged b WHERE b.world = s.world AND b.phase = 'before'
                             AND b.trainee_id = s.trainee_id AND b.code = 'uncovered_need'
                             AND b.function = s.function)) AS nu_reason
    FROM tagged s WHERE s.phase = 'now'
),
with_wpb AS (
    SELECT DISTINCT split_part(kind, '_', 2) AS world, trainee_id FROM cur
    WHERE kind IN ('now', 'now_x') AND role = 'werkplekbegeleider' AND formal AND sr > 0 AND contribution = 'positief'
),
tiers AS (
    SELECT n.world, n.trainee_id,
           CASE WHEN count(*) FILTER (WHERE n.nu_reason) > 0 OR w.trainee_id IS NULL THEN 'nu'
                WHEN bool_or(n.severity IN ('high', 'medium')) THEN 'bespreken' ELSE 'volgen' END AS tier,
           list(DISTINCT n.code) AS codes
    FROM now_sig n
    LEFT JOIN with_wpb w ON w.world = n.world AND w.trainee_id = n.trainee_id
    GROUP BY n.world, n.trainee_id, w.trainee_id
),
per_trainee AS (
    SELECT a.trainee_id, a.wr, l.wr = a.wr AS same_wave, tb.tier AS tier_before,
           CASE WHEN l.wr = a.wr THEN ta.tier END AS tier_after,
           list_sort(list_filter(coalesce(ta.codes, []), lambda x: NOT list_contains(coalesce(tb.codes, []), x))) AS new_codes
    FROM affected a
    LEFT JOIN left_after l ON l.trainee_id = a.trainee_id
    LEFT JOIN tiers tb ON tb.world = '' AND tb.trainee_id = a.trainee_id
    LEFT JOIN tiers ta ON ta.world = 'x' AND ta.trainee_id = a.trainee_id
),
drops AS (
    SELECT p.trainee_id, f.function, coalesce(b.rank, 0) AS rank_before,
           CASE WHEN p.same_wave THEN coalesce(x.rank, 0) ELSE 0 END AS rank_after
    FROM per_trainee p
    CROSS JOIN taxonomy f
    LEFT JOIN best b ON b.kind = 'now' AND b.trainee_id = p.trainee_id AND b.function = f.function
    LEFT JOIN best x ON x.kind = 'now_x' AND x.trainee_id = p.trainee_id AND x.function = f.function
)
SELECT p.trainee_id, ['begin', 'midden', 'eind'][p.wr + 1] AS wave, d.function,
       ['geen', 'zwak', 'sterk'][d.rank_before + 1] AS level_before, ['geen', 'zwak', 'sterk'][d.rank_after + 1] AS level_after,
       p.tier_before, p.tier_after, p.new_codes
FROM per_trainee p
JOIN drops d ON d.trainee_id = p.trainee_id AND d.rank_after < d.rank_before
UNION ALL
SELECT p.trainee_id, ['begin', 'midden', 'eind'][p.wr + 1], NULL, NULL, NULL, p.tier_before, p.tier_after, p.new_codes
FROM per_trainee p
WHERE NOT EXISTS (SELECT 1 FROM drops d WHERE d.trainee_id = p.trainee_id AND d.rank_after < d.rank_before)
  AND (len(p.new_codes) > 0 OR p.tier_before IS DISTINCT FROM p.tier_after)
