-- One trainee's relationships in every wave, with the person's role, side
-- and line, and the functions served (in taxonomy order).
-- Bound tables: roles_param(role, side, line), taxonomy_param(code, position).
, wave_order (wave, wave_rank) AS (
    VALUES ('begin', 0), ('midden', 1), ('eind', 2)
),
served AS (
    SELECT rf.person_id, rf.wave,
           list(rf.function ORDER BY coalesce(f.position, 999999), rf.function) AS functions
    FROM relationship_functions rf
    LEFT JOIN taxonomy_param f ON f.code = rf.function
    WHERE rf.trainee_id = $trainee_id
      AND rf.trainee_id IN (SELECT trainee_id FROM visible)
    GROUP BY rf.person_id, rf.wave
)
SELECT r.wave, r.person_id, p.name, p.role, rp.side, rp.line, r.formal, r.strength,
       r.contribution, r.klik, r.assesses,
       coalesce(sv.functions, []::VARCHAR[]) AS functions,
       r.contact_frequency, r.contact_note
FROM relationships r
JOIN people p ON p.person_id = r.person_id
JOIN wave_order w ON w.wave = r.wave
LEFT JOIN roles_param rp ON rp.role = p.role
LEFT JOIN served sv ON sv.person_id = r.person_id AND sv.wave = r.wave
WHERE r.trainee_id = $trainee_id
  AND r.trainee_id IN (SELECT trainee_id FROM visible)
ORDER BY w.wave_rank, r.formal DESC, p.role, p.name, r.person_id
