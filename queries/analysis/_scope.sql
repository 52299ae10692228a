-- Continues _chosen.sql and opens every scoped analysis question (the files
-- that continue it start with a comma). It defines, for the chosen trainees:
--   scope: the trainees in view, each with the wave they are evaluated on
--          (the chosen wave, else their latest wave with relationships) and
--          the programme whose norm applies to them (their own when the norm
--          tables hold rows for it, else '*');
--   rel:   their relationships in that wave, with the person's role and side.
-- Trainees without relationships in the evaluated wave are not in scope:
-- there is nothing to evaluate.
-- Bound tables (registered on the query's own cursor by dashboard.analysis):
--   norm_settings_param(programme, informal_counts), roles_param(role, side, line).
, evaluated AS (
    SELECT r.trainee_id, arg_max(r.wave, w.wave_rank) AS wave, max(w.wave_rank) AS wave_rank
    FROM relationships r
    JOIN wave_order w ON w.wave = r.wave
    WHERE ($wave::VARCHAR IS NULL OR r.wave = $wave::VARCHAR)
      AND r.trainee_id IN (SELECT trainee_id FROM chosen)
    GROUP BY r.trainee_id
),
scope AS (
    SELECT t.trainee_id, t.name, t.school_id, t.institute_id, t.cohort, t.programme,
           e.wave, e.wave_rank, ns.programme AS norm_programme, ns.informal_counts
    FROM chosen t
    JOIN evaluated e ON e.trainee_id = t.trainee_id
    JOIN norm_settings_param ns
      ON ns.programme = CASE WHEN t.programme IN (SELECT programme FROM norm_settings_param)
                             THEN t.programme ELSE '*' END
),
rel AS (
    SELECT r.trainee_id, r.person_id, r.wave, r.formal, r.strength, r.klik, r.contribution,
           r.assesses, p.name AS person_name, p.role, rp.side, s.cohort, s.wave_rank,
           s.informal_counts,
           CASE r.strength WHEN 'sterk' THEN 2 WHEN 'zwak' THEN 1 ELSE 0 END AS strength_rank
    FROM relationships r
    JOIN scope s ON s.trainee_id = r.trainee_id AND s.wave = r.wave
    JOIN people p ON p.person_id = r.person_id
    JOIN roles_param rp ON rp.role = p.role
)
