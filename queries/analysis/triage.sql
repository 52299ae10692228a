-- Continues _scope.sql: the tier of every trainee on the attention list
-- (shared/domain.md, "Triage"; docs/analyse.md). One row per trainee in scope
-- with at least one signal, ranked over the whole result.
-- Bound tables:
--   signals_param: signals.sql's rows for the evaluated wave, with position
--                  (their order) and role;
--   previous_signals_param(trainee_id, person_id, function, code, role):
--                  signals.sql's rows for each trainee's previous wave with
--                  data (_previous_wave.sql); none in a trainee's first wave.
--   norm_settings_param, roles_param: as for _scope.sql.
-- A signal is new when the same code about the same person, function and role
-- did not fire in the previous wave. Reasons for `nu`: no_klik (formal only, as
-- the signal is), negative_contribution, an uncovered_need whose function was
-- also uncovered in the previous wave, and no contributing werkplekbegeleider
-- (none formally assigned, or each formal one rated geen or negative).
, current_signals AS (
    SELECT s.trainee_id, s.person_id, s.function, s.code, s.severity, s.role, s.message, s.position,
           NOT EXISTS (
               SELECT 1 FROM previous_signals_param p
               WHERE p.trainee_id = s.trainee_id AND p.code = s.code
                 AND p.person_id IS NOT DISTINCT FROM s.person_id
                 AND p.function IS NOT DISTINCT FROM s.function
                 AND p.role IS NOT DISTINCT FROM s.role
           ) AS is_new,
           CASE WHEN s.code IN ('no_klik', 'negative_contribution') THEN 1
                WHEN s.code = 'uncovered_need' AND EXISTS (
                    SELECT 1 FROM previous_signals_param p
                    WHERE p.trainee_id = s.trainee_id AND p.code = 'uncovered_need'
                      AND p.function = s.function) THEN 1
                ELSE 0 END AS nu_reason
    FROM signals_param s
    WHERE s.trainee_id IS NOT NULL
      AND s.trainee_id IN (SELECT trainee_id FROM scope)
),
no_contributing_wpb AS (
    SELECT s.trainee_id
    FROM scope s
    WHERE NOT EXISTS (
        SELECT 1 FROM rel
        WHERE rel.trainee_id = s.trainee_id AND rel.role = 'werkplekbegeleider' AND rel.formal
          AND rel.strength_rank > 0 AND rel.contribution = 'positief')
),
per_code AS (
    SELECT trainee_id, code, min(position) AS first_position, bool_or(is_new) AS any_new
    FROM current_signals
    GROUP BY trainee_id, code
),
codes AS (
    SELECT trainee_id,
           list(code ORDER BY first_position) AS codes,
           coalesce(list(code ORDER BY first_position) FILTER (WHERE any_new), []::VARCHAR[]) AS new_codes
    FROM per_code
    GROUP BY trainee_id
),
per_trainee AS (
    SELECT cs.trainee_id,
           sum(cs.nu_reason)::BIGINT AS n_reason_signals,
           bool_or(cs.severity IN ('high', 'medium')) AS any_serious,
           bool_or(cs.is_new) AS any_new,
           count(*)::BIGINT AS n_signals,
           -- the reasons for `nu` first, then as signals.sql orders them (most severe first)
           list(cs.message ORDER BY cs.nu_reason DESC, cs.position) AS messages,
           list(cs.is_new ORDER BY cs.nu_reason DESC, cs.position) AS message_is_new
    FROM current_signals cs
    GROUP BY cs.trainee_id
),
tiered AS (
    SELECT s.trainee_id, s.name, s.school_id, s.institute_id, s.wave,
           pt.n_reason_signals + CASE WHEN nw.trainee_id IS NULL THEN 0 ELSE 1 END AS n_nu_reasons,
           pt.any_serious, pt.any_new, pt.n_signals, pt.messages, pt.message_is_new,
           c.codes, c.new_codes
    FROM per_trainee pt
    JOIN scope s ON s.trainee_id = pt.trainee_id
    JOIN codes c ON c.trainee_id = pt.trainee_id
    LEFT JOIN no_contributing_wpb nw ON nw.trainee_id = pt.trainee_id
),
ranked AS (
    SELECT *,
           CASE WHEN n_nu_reasons > 0 THEN 'nu' WHEN any_serious THEN 'bespreken' ELSE 'volgen' END AS tier,
           CASE WHEN n_nu_reasons > 0 THEN 0 WHEN any_serious THEN 1 ELSE 2 END AS tier_rank
    FROM tiered
)
SELECT r.trainee_id, r.name, r.school_id, r.institute_id, r.wave, r.tier,
       row_number() OVER (ORDER BY r.tier_rank, r.n_nu_reasons DESC, r.any_new DESC, r.n_signals DESC,
                                   r.name, r.trainee_id)::BIGINT AS rank,
       r.codes, r.new_codes, r.n_nu_reasons, r.n_signals, r.messages, r.message_is_new,
       sc.name AS school_name
FROM ranked r
LEFT JOIN schools sc ON sc.school_id = r.school_id
ORDER BY rank
