-- Continues _scope.sql, a `coverage` opening (_coverage.sql or
-- derived/_coverage.sql) and a `trainee_signal_rows` opening (_signal_rows.sql
-- or derived/_signal_rows.sql): groups side by side (dashboard.analysis.compare),
-- one row per group of $by (school, institute, cohort, programme, or own /
-- rest: in $own_schools / $own_institutes or not). Aggregates only; names of
-- groups, never of persons. Definitions: docs/analyse.md ("Vergelijken").
--   n_trainees                 trainees in scope (with relationships in the evaluated wave)
--   n_all_strong               ... with every function covered sterk
--   n_<code>                   ... with at least one signal of that code
--   n_strong, n_informal_only  coverage cells sterk, and those sterk only thanks to informal ties
--   n_formal, n_klik_*, n_formal_*, n_assesses   the formal relationships and how they are rated
, compare_groups AS (
    SELECT s.trainee_id,
           CASE $by WHEN 'school' THEN s.school_id WHEN 'institute' THEN s.institute_id
                    WHEN 'cohort' THEN s.cohort
                    WHEN 'own' THEN CASE WHEN list_contains(coalesce($own_schools::VARCHAR[], []), s.school_id)
                                           OR list_contains(coalesce($own_institutes::VARCHAR[], []), s.institute_id)
                                         THEN 'own' ELSE 'rest' END
                    ELSE s.programme END AS group_id,
           CASE $by WHEN 'school' THEN sc.name WHEN 'institute' THEN i.name
                    WHEN 'cohort' THEN s.cohort
                    WHEN 'own' THEN CASE WHEN list_contains(coalesce($own_schools::VARCHAR[], []), s.school_id)
                                           OR list_contains(coalesce($own_institutes::VARCHAR[], []), s.institute_id)
                                         THEN 'own' ELSE 'rest' END
                    ELSE s.programme END AS group_name
    FROM scope s
    LEFT JOIN schools sc ON sc.school_id = s.school_id
    LEFT JOIN institutes i ON i.institute_id = s.institute_id
),
per_trainee AS (
    SELECT c.trainee_id,
           bool_and(c.level = 'sterk') AS all_strong,
           count(*) FILTER (WHERE c.level = 'sterk') AS n_strong,
           count(*) FILTER (WHERE c.level = 'sterk' AND c.level_formal <> 'sterk') AS n_informal_only
    FROM coverage c
    GROUP BY c.trainee_id
),
per_trainee_codes AS (
    SELECT trainee_id,
           bool_or(code = 'weak_formal') AS weak_formal,
           bool_or(code = 'missing_formal') AS missing_formal,
           bool_or(code = 'no_consultation') AS no_consultation,
           bool_or(code = 'no_klik') AS no_klik,
           bool_or(code = 'negative_contribution') AS negative_contribution,
           bool_or(code = 'uncovered_need') AS uncovered_need,
           bool_or(code = 'single_point_of_failure') AS single_point_of_failure,
           bool_or(code = 'declining') AS declining
    FROM trainee_signal_rows
    GROUP BY trainee_id
),
per_trainee_ties AS (
    SELECT rel.trainee_id,
           count(*) AS n_formal,
           count(*) FILTER (WHERE rel.klik = 'ja') AS n_klik_ja,
           count(*) FILTER (WHERE rel.klik = 'twijfel') AS n_klik_twijfel,
           count(*) FILTER (WHERE rel.klik = 'nee') AS n_klik_nee,
           count(*) FILTER (WHERE rel.klik IS NULL) AS n_klik_onbekend,
           count(*) FILTER (WHERE rel.strength = 'sterk') AS n_formal_sterk,
           count(*) FILTER (WHERE rel.strength = 'zwak') AS n_formal_zwak,
           count(*) FILTER (WHERE rel.strength = 'geen') AS n_formal_geen,
           count(*) FILTER (WHERE rel.assesses) AS n_assesses
    FROM rel
    WHERE rel.formal
    GROUP BY rel.trainee_id
)
SELECT g.group_id, any_value(g.group_name) AS group_name,
       count(*) AS n_trainees,
       count(*) FILTER (WHERE p.all_strong) AS n_all_strong,
       count(*) FILTER (WHERE k.weak_formal) AS n_weak_formal,
       count(*) FILTER (WHERE k.missing_formal) AS n_missing_formal,
       count(*) FILTER (WHERE k.no_consultation) AS n_no_consultation,
       count(*) FILTER (WHERE k.no_klik) AS n_no_klik,
       count(*) FILTER (WHERE k.negative_contribution) AS n_negative_contribution,
       count(*) FILTER (WHERE k.uncovered_need) AS n_uncovered_need,
       count(*) FILTER (WHERE k.single_point_of_failure) AS n_single_point_of_failure,
       count(*) FILTER (WHERE k.declining) AS n_declining,
       coalesce(sum(p.n_strong), 0) AS n_strong,
       coalesce(sum(p.n_informal_only), 0) AS n_informal_only,
       coalesce(sum(t.n_formal), 0) AS n_formal,
       coalesce(sum(t.n_klik_ja), 0) AS n_klik_ja,
       coalesce(sum(t.n_klik_twijfel), 0) AS n_klik_twijfel,
       coalesce(sum(t.n_klik_nee), 0) AS n_klik_nee,
       coalesce(sum(t.n_klik_onbekend), 0) AS n_klik_onbekend,
       coalesce(sum(t.n_formal_sterk), 0) AS n_formal_sterk,
       coalesce(sum(t.n_formal_zwak), 0) AS n_formal_zwak,
       coalesce(sum(t.n_formal_geen), 0) AS n_formal_geen,
       coalesce(sum(t.n_assesses), 0) AS n_assesses
FROM compare_groups g
JOIN per_trainee p ON p.trainee_id = g.trainee_id
LEFT JOIN per_trainee_codes k ON k.trainee_id = g.trainee_id
LEFT JOIN per_trainee_ties t ON t.trainee_id = g.trainee_id
GROUP BY g.group_id
ORDER BY group_name NULLS LAST, g.group_id NULLS LAST
