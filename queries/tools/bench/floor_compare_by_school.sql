-- Floor of analysis.compare(db, "school"): the comparison of schools (aggregates only), after
-- _floor_open.sql, floor_signals.sql and _floor_signal_rows.sql. Shares of trainees per school
-- (all functions sterk, each trainee-level signal code), of the strong cover that rests on
-- informal relationships only, and of the formal relationships by klik, strength, assessing.
, per_school AS (
    SELECT school_id, count(*) AS n_trainees FROM tr GROUP BY school_id
),
cells AS (
    SELECT t.school_id, t.trainee_id, f.function, coalesce(b.rank, 0) AS rank, coalesce(b.rank_formal, 0) AS rank_formal
    FROM tr t CROSS JOIN taxonomy f
    LEFT JOIN best b ON b.kind = 'now' AND b.trainee_id = t.trainee_id AND b.function = f.function
),
coverage AS (
    SELECT school_id,
           count(DISTINCT trainee_id) FILTER (WHERE all_strong) AS n_all_strong,
           sum(n_strong) AS n_strong, sum(n_informal_only) AS n_informal_only
    FROM (SELECT school_id, trainee_id, bool_and(rank = 2) AS all_strong,
                 count(*) FILTER (WHERE rank = 2) AS n_strong,
                 count(*) FILTER (WHERE rank = 2 AND rank_formal < 2) AS n_informal_only
          FROM cells GROUP BY school_id, trainee_id)
    GROUP BY school_id
),
rates AS (
    SELECT t.school_id, s.code, count(DISTINCT s.trainee_id) AS n
    FROM sig s JOIN tr t ON t.trainee_id = s.trainee_id
    WHERE s.kind = 'now' AND s.trainee_id IS NOT NULL
    GROUP BY t.school_id, s.code
),
rate_wide AS (
    SELECT school_id,
           coalesce(sum(n) FILTER (WHERE code = 'weak_formal'), 0) AS n_weak_formal,
           coalesce(sum(n) FILTER (WHERE code = 'missing_formal'), 0) AS n_missing_formal,
           coalesce(sum(n) FILTER (WHERE code = 'no_consultation'), 0) AS n_no_consultation,
           coalesce(sum(n) FILTER (WHERE code = 'no_klik'), 0) AS n_no_klik,
           coalesce(sum(n) FILTER (WHERE code = 'negative_contribution'), 0) AS n_negative_contribution,
           coalesce(sum(n) FILTER (WHERE code = 'uncovered_need'), 0) AS n_uncovered_need,
           coalesce(sum(n) FILTER (WHERE code = 'single_point_of_failure'), 0) AS n_single_point_of_failure,
           coalesce(sum(n) FILTER (WHERE code = 'declining'), 0) AS n_declining
    FROM rates GROUP BY school_id
),
formal_ties AS (
    SELECT t.school_id, count(*) AS n_formal,
           count(*) FILTER (WHERE c.klik = 'ja') AS klik_ja, count(*) FILTER (WHERE c.klik = 'twijfel') AS klik_twijfel,
           count(*) FILTER (WHERE c.klik = 'nee') AS klik_nee, count(*) FILTER (WHERE c.klik IS NULL) AS klik_onbekend,
           count(*) FILTER (WHERE c.sr = 2) AS formal_sterk, count(*) FILTER (WHERE c.sr = 1) AS formal_zwak,
           count(*) FILTER (WHERE c.sr = 0) AS formal_geen, count(*) FILTER (WHERE c.assesses) AS n_assesses
    FROM cur c JOIN tr t ON t.trainee_id = c.trainee_id
    WHERE c.kind = 'now' AND c.formal
    GROUP BY t.school_id
)
SELECT p.school_id, sc.name AS group_name, p.n_trainees,
       coalesce(v.n_all_strong, 0) / p.n_trainees AS share_all_functions_strong,
       coalesce(w.n_weak_formal, 0) / p.n_trainees AS rate_weak_formal,
       coalesce(w.n_missing_formal, 0) / p.n_trainees AS rate_missing_formal,
       coalesce(w.n_no_consultation, 0) / p.n_trainees AS rate_no_consultation,
       coalesce(w.n_no_klik, 0) / p.n_trainees AS rate_no_klik,
       coalesce(w.n_negative_contribution, 0) / p.n_trainees AS rate_negative_contribution,
       coalesce(w.n_uncovered_need, 0) / p.n_trainees AS rate_uncovered_need,
       coalesce(w.n_single_point_of_failure, 0) / p.n_trainees AS rate_single_point_of_failure,
       coalesce(w.n_declining, 0) / p.n_trainees AS rate_declining,
       v.n_informal_only / nullif(v.n_strong, 0) AS share_coverage_informal,
       f.klik_ja / nullif(f.n_formal, 0) AS klik_ja, f.klik_twijfel / nullif(f.n_formal, 0) AS klik_twijfel,
       f.klik_nee / nullif(f.n_formal, 0) AS klik_nee, f.klik_onbekend / nullif(f.n_formal, 0) AS klik_onbekend,
       f.formal_sterk / nullif(f.n_formal, 0) AS formal_sterk, f.formal_zwak / nullif(f.n_formal, 0) AS formal_zwak,
       f.formal_geen / nullif(f.n_formal, 0) AS formal_geen,
       f.n_assesses / nullif(f.n_formal, 0) AS share_guide_assesses
FROM per_school p
LEFT JOIN coverage v ON v.school_id = p.school_id
LEFT JOIN rate_wide w ON w.school_id = p.school_id
LEFT JOIN formal_ties f ON f.school_id = p.school_id
LEFT JOIN schools sc ON sc.school_id = p.school_id
