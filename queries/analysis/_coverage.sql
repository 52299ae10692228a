-- Continues _scope.sql. Coverage of every function of the taxonomy for every
-- trainee in scope (shared/domain.md, "Coverage"): the best strength among
-- the positive, contributing relationships that serve the function
-- (sterk > zwak > geen), overall and split by formal / informal. Overall
-- leaves informal relationships out when the trainee's norm says they do not
-- count; the informal split is always reported.
-- Bound table: taxonomy_param(code, position).
, serving AS (
    SELECT rel.trainee_id, rf.function, rel.person_id, rel.formal, rel.strength_rank,
           rel.informal_counts
    FROM rel
    JOIN relationship_functions rf
      ON rf.trainee_id = rel.trainee_id AND rf.person_id = rel.person_id AND rf.wave = rel.wave
    WHERE rel.contribution = 'positief' AND rel.strength_rank > 0
),
serving_best AS (
    -- aggregated before the cross join with the taxonomy: far fewer rows to group
    SELECT trainee_id, function,
           max(strength_rank) FILTER (WHERE formal OR informal_counts) AS rank_all,
           max(strength_rank) FILTER (WHERE formal) AS rank_formal,
           max(strength_rank) FILTER (WHERE NOT formal) AS rank_informal
    FROM serving
    GROUP BY trainee_id, function
),
coverage_rank AS (
    SELECT s.trainee_id, s.wave, f.code AS function, f.position,
           coalesce(b.rank_all, 0) AS rank_all,
           coalesce(b.rank_formal, 0) AS rank_formal,
           coalesce(b.rank_informal, 0) AS rank_informal
    FROM scope s
    CROSS JOIN taxonomy_param f
    LEFT JOIN serving_best b ON b.trainee_id = s.trainee_id AND b.function = f.code
),
coverage AS (
    SELECT trainee_id, wave, function, position,
           ['geen', 'zwak', 'sterk'][rank_all + 1] AS level,
           ['geen', 'zwak', 'sterk'][rank_formal + 1] AS level_formal,
           ['geen', 'zwak', 'sterk'][rank_informal + 1] AS level_informal
    FROM coverage_rank
)
