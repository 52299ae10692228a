-- Closes floor_triage.sql (after _floor_signal_rows.sql): the tier and rank of every trainee with a
-- signal on the latest wave (shared/domain.md, "Triage"); codes sorted (their order is cosmetic).
, now_sig AS (
    SELECT s.*,
           NOT EXISTS (SELECT 1 FROM sig b
                       WHERE b.kind = 'before' AND b.trainee_id = s.trainee_id AND b.code = s.code
                         AND b.person_id IS NOT DISTINCT FROM s.person_id
                         AND b.function IS NOT DISTINCT FROM s.function
                         AND b.role IS NOT DISTINCT FROM s.role) AS is_new,
           s.code IN ('no_klik', 'negative_contribution')
           OR (s.code = 'uncovered_need'
               AND EXISTS (SELECT 1 FROM sig b WHERE b.kind = 'before' AND b.trainee_id = s.trainee_id
                             AND b.code = 'uncovered_need' AND b.function = s.function)) AS nu_reason
    FROM sig s
    WHERE s.kind = 'now' AND s.trainee_id IS NOT NULL
),
with_wpb AS (
    SELECT DISTINCT trainee_id FROM cur
    WHERE kind = 'now' AND role = 'werkplekbegeleider' AND formal AND sr > 0 AND contribution = 'positief'
),
per_trainee AS (
    SELECT n.trainee_id,
           count(*) FILTER (WHERE n.nu_reason) + CASE WHEN w.trainee_id IS NULL THEN 1 ELSE 0 END AS n_nu_reasons,
           bool_or(n.severity IN ('high', 'medium')) AS any_serious, bool_or(n.is_new) AS any_new,
           count(*) AS n_signals,
           list_sort(list(DISTINCT n.code)) AS codes,
           list_sort(coalesce(list(DISTINCT n.code) FILTER (WHERE n.is_new), [])) AS new_codes
    FROM now_sig n
    LEFT JOIN with_wpb w ON w.trainee_id = n.trainee_id
    GROUP BY n.trainee_id, w.trainee_id
),
tiered AS (
    SELECT p.*, t.name,
           CASE WHEN p.n_nu_reasons > 0 THEN 0 WHEN p.any_serious THEN 1 ELSE 2 END AS tier_rank
    FROM per_trainee p JOIN tr t ON t.trainee_id = p.trainee_id
)
SELECT trainee_id, ['nu', 'bespreken', 'volgen'][tier_rank + 1] AS tier,
       row_number() OVER (ORDER BY tier_rank, n_nu_reasons DESC, any_new DESC, n_signals DESC, name, trainee_id) AS rank,
       codes, new_codes, n_nu_reasons, n_signals
FROM tiered
