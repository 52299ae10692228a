-- Per wave of one trainee: the roles the norm expects that have no formal
-- relationship in that wave. Bound table: norm_roles_param(programme, role,
-- expected_strength) holding only the norm that applies to this trainee.
, waves AS (
    SELECT DISTINCT r.wave, CASE r.wave WHEN 'begin' THEN 0 WHEN 'midden' THEN 1 ELSE 2 END AS wave_rank
    FROM relationships r
    WHERE r.trainee_id = $trainee_id
      AND r.trainee_id IN (SELECT trainee_id FROM visible)
)
SELECT w.wave, nr.role
FROM waves w
CROSS JOIN norm_roles_param nr
WHERE NOT EXISTS (SELECT 1 FROM relationships r JOIN people p ON p.person_id = r.person_id
                  WHERE r.trainee_id = $trainee_id AND r.wave = w.wave AND r.formal
                    AND p.role = nr.role)
ORDER BY w.wave_rank, nr.role
