-- Floor of analysis.measures: the network measures of each chosen trainee on their latest wave,
-- effective size and Burt's constraint included (in SQL: unweighted, undirected ego network, as
-- networkx computes them; see dashboard/analysis/network.py). Continues _floor_open.sql.
-- Bound lists: $role_codes / $role_sides (the side of each role).
, sides AS (
    SELECT unnest($role_codes::VARCHAR[]) AS role, unnest($role_sides::VARCHAR[]) AS side
),
alters AS (
    SELECT r.trainee_id, r.person_id, r.wave, r.formal, r.sr, p.role, sd.side
    FROM tr t
    JOIN rel r ON r.trainee_id = t.trainee_id AND r.wr = t.wr
    JOIN people p ON p.person_id = r.person_id
    JOIN sides sd ON sd.role = p.role
    WHERE r.sr > 0
),
ties AS (
    SELECT c.trainee_id, c.person_a, c.person_b, a.side AS side_a, b.side AS side_b
    FROM consultations c
    JOIN alters a ON a.trainee_id = c.trainee_id AND a.person_id = c.person_a AND a.wave = c.wave
    JOIN alters b ON b.trainee_id = c.trainee_id AND b.person_id = c.person_b AND b.wave = c.wave
),
edges AS (  -- the distinct undirected alter-alter edges, both directions
    SELECT DISTINCT trainee_id, person_a AS x, person_b AS y FROM ties WHERE person_a <> person_b
    UNION
    SELECT DISTINCT trainee_id, person_b, person_a FROM ties WHERE person_a <> person_b
),
degree AS (
    SELECT trainee_id, x, 1 + count(*) AS deg FROM edges GROUP BY trainee_id, x
),
indirect AS (
    SELECT e.trainee_id, e.y AS person_id, sum(1.0 / d.deg) AS through
    FROM edges e JOIN degree d ON d.trainee_id = e.trainee_id AND d.x = e.x
    GROUP BY e.trainee_id, e.y
),
alter_counts AS (
    SELECT a.trainee_id, count(*) AS size, count(*) FILTER (WHERE a.formal) AS n_formal,
           count(*) FILTER (WHERE NOT a.formal) AS n_informal, count(*) FILTER (WHERE a.sr = 2) AS n_strong,
           count(DISTINCT a.role) AS n_roles, count(DISTINCT a.side) AS n_sides,
           sum(power((1 + coalesce(i.through, 0)), 2)) AS constraint_sum
    FROM alters a
    LEFT JOIN indirect i ON i.trainee_id = a.trainee_id AND i.person_id = a.person_id
    GROUP BY a.trainee_id
),
tie_counts AS (
    SELECT trainee_id, count(*) AS n_ties,
           count(*) FILTER (WHERE side_a <> side_b AND side_a IN ('school', 'instituut')
                              AND side_b IN ('school', 'instituut')) AS n_external,
           count(*) FILTER (WHERE side_a = side_b AND side_a IN ('school', 'instituut')) AS n_internal
    FROM ties GROUP BY trainee_id
),
edge_counts AS (
    SELECT trainee_id, count(*) / 2 AS n_edges FROM edges GROUP BY trainee_id
)
SELECT t.trainee_id, ['begin', 'midden', 'eind'][t.wr + 1] AS wave,
       coalesce(a.size, 0) AS size, coalesce(a.n_formal, 0) AS n_formal, coalesce(a.n_informal, 0) AS n_informal,
       coalesce(a.n_strong, 0) AS n_strong,
       CASE WHEN a.size > 0 THEN a.n_strong / a.size END AS share_strong,
       CASE WHEN a.size >= 2 THEN 2 * coalesce(k.n_ties, 0) / (a.size * (a.size - 1)) END AS density,
       CASE WHEN a.size > 0 THEN a.size - 2 * coalesce(g.n_edges, 0) / a.size END AS effective_size,
       CASE WHEN a.size > 0 THEN a.constraint_sum / (a.size * a.size) END AS "constraint",
       CASE WHEN k.n_external + k.n_internal > 0
            THEN (k.n_external - k.n_internal) / (k.n_external + k.n_internal) END AS ei_index,
       coalesce(a.n_roles, 0) AS n_roles, coalesce(a.n_sides, 0) AS n_sides
FROM tr t
LEFT JOIN alter_counts a ON a.trainee_id = t.trainee_id
LEFT JOIN tie_counts k ON k.trainee_id = t.trainee_id
LEFT JOIN edge_counts g ON g.trainee_id = t.trainee_id
