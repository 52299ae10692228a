-- Continues _scope.sql and _coverage.sql (shared/domain.md, "Step 6: who could
-- fill the gap"): the open functions of every trainee in scope, on the
-- evaluated wave, each with the reasons it is open:
--   uncovered_need         a function the trainee needs has no strong,
--                          positive cover (the signal of the same name);
--   no_klik                a formal relationship with klik `nee` serves the
--   negative_contribution  function, or a relationship experienced as
--                          negative does, and no other relationship covers
--                          it strongly (positive, counting under the norm,
--                          without klik `nee`);
--   missing_formal         a role the norm expects has no formal
--                          relationship, and the function has no such
--                          strong cover.
-- Bound tables: as _scope.sql and _coverage.sql, and
-- norm_roles_param(programme, role, expected_strength).
, troubled AS (
    SELECT rel.trainee_id, rel.person_id, rel.wave,
           CASE WHEN rel.contribution = 'negatief' THEN 'negative_contribution' ELSE 'no_klik' END AS reason
    FROM rel
    WHERE rel.contribution = 'negatief' OR (rel.formal AND rel.klik = 'nee')
),
dependable AS (
    -- strong cover that does not rest on a troubled relationship
    SELECT DISTINCT rel.trainee_id, rf.function
    FROM rel
    JOIN relationship_functions rf
      ON rf.trainee_id = rel.trainee_id AND rf.person_id = rel.person_id AND rf.wave = rel.wave
    WHERE rel.contribution = 'positief' AND rel.strength = 'sterk'
      AND rf.trainee_id IN (SELECT trainee_id FROM chosen)  -- the scope, explicitly
      AND (rel.formal OR rel.informal_counts)
      AND NOT (rel.formal AND coalesce(rel.klik, '') = 'nee')
),
missing_mentor AS (
    SELECT DISTINCT s.trainee_id
    FROM scope s
    JOIN norm_roles_param nr ON nr.programme = s.norm_programme
    WHERE NOT EXISTS (SELECT 1 FROM rel WHERE rel.trainee_id = s.trainee_id AND rel.formal AND rel.role = nr.role)
),
open_reason AS (
    SELECT c.trainee_id, c.function, 'uncovered_need' AS reason
    FROM needs n
    JOIN coverage c ON c.trainee_id = n.trainee_id AND c.wave = n.wave AND c.function = n.function
    WHERE c.level <> 'sterk'
    UNION ALL
    SELECT tr.trainee_id, rf.function, tr.reason
    FROM troubled tr
    JOIN relationship_functions rf
      ON rf.trainee_id = tr.trainee_id AND rf.person_id = tr.person_id AND rf.wave = tr.wave
    WHERE NOT EXISTS (SELECT 1 FROM dependable d WHERE d.trainee_id = tr.trainee_id AND d.function = rf.function)
      AND rf.trainee_id IN (SELECT trainee_id FROM chosen)
    UNION ALL
    SELECT c.trainee_id, c.function, 'missing_formal' AS reason
    FROM coverage c
    JOIN missing_mentor m ON m.trainee_id = c.trainee_id
    WHERE NOT EXISTS (SELECT 1 FROM dependable d WHERE d.trainee_id = c.trainee_id AND d.function = c.function)
)
SELECT c.trainee_id, c.wave, c.function, c.level,
       list(DISTINCT o.reason ORDER BY o.reason) AS reasons
FROM open_reason o
JOIN coverage c ON c.trainee_id = o.trainee_id AND c.function = o.function
GROUP BY c.trainee_id, c.wave, c.function, c.level, c.position
ORDER BY c.trainee_id, c.position
