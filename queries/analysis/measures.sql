-- Continues _chosen.sql and _scope.sql: network measures per trainee in scope, on the
-- evaluated wave (definitions and degenerate cases: docs/analyse.md).
-- Alters: relationships rated sterk or zwak. Alter-alter ties: consultations
-- between two alters. Effective size and constraint are computed by
-- dashboard.network (networkx) from alter_ids and tie_pairs.
, alters AS (
    SELECT * FROM rel WHERE strength_rank > 0
),
ties AS (
    SELECT c.trainee_id, c.person_a, c.person_b, a.side AS side_a, b.side AS side_b
    FROM consultations c
    JOIN alters a ON a.trainee_id = c.trainee_id AND a.person_id = c.person_a AND a.wave = c.wave
    JOIN alters b ON b.trainee_id = c.trainee_id AND b.person_id = c.person_b AND b.wave = c.wave
),
alter_counts AS (
    SELECT trainee_id,
           count(*) AS size,
           count(*) FILTER (WHERE formal) AS n_formal,
           count(*) FILTER (WHERE NOT formal) AS n_informal,
           count(*) FILTER (WHERE strength_rank = 2) AS n_strong,
           count(DISTINCT role) AS n_roles,
           count(DISTINCT side) AS n_sides,
           list(person_id ORDER BY person_id) AS alter_ids
    FROM alters
    GROUP BY trainee_id
),
tie_counts AS (
    SELECT trainee_id,
           count(*) AS n_ties,
           -- E-I over ties between school-side and institute-side alters only
           count(*) FILTER (WHERE side_a <> side_b AND side_a IN ('school', 'instituut')
                              AND side_b IN ('school', 'instituut')) AS n_external,
           count(*) FILTER (WHERE side_a = side_b AND side_a IN ('school', 'instituut')) AS n_internal,
           list([person_a, person_b] ORDER BY person_a, person_b) AS tie_pairs
    FROM ties
    GROUP BY trainee_id
)
SELECT s.trainee_id, s.wave,
       coalesce(a.size, 0) AS size,
       coalesce(a.n_formal, 0) AS n_formal,
       coalesce(a.n_informal, 0) AS n_informal,
       coalesce(a.n_strong, 0) AS n_strong,
       CASE WHEN a.size > 0 THEN a.n_strong / a.size END AS share_strong,
       CASE WHEN a.size >= 2 THEN 2 * coalesce(t.n_ties, 0) / (a.size * (a.size - 1)) END AS density,
       CASE WHEN t.n_external + t.n_internal > 0
            THEN (t.n_external - t.n_internal) / (t.n_external + t.n_internal) END AS ei_index,
       coalesce(a.n_roles, 0) AS n_roles,
       coalesce(a.n_sides, 0) AS n_sides,
       coalesce(a.alter_ids, []::VARCHAR[]) AS alter_ids,
       coalesce(t.tie_pairs, []::VARCHAR[][]) AS tie_pairs
FROM scope s
LEFT JOIN alter_counts a ON a.trainee_id = s.trainee_id
LEFT JOIN tie_counts t ON t.trainee_id = s.trainee_id
ORDER BY s.trainee_id
