-- Continues analysis/_visible.sql: one wave's relationships with the person's name and role and
-- the functions ;-joined in taxonomy order (as the export writes them).
SELECT r.person_id, p.name, p.role, r.formal, r.strength, r.klik, r.contribution, r.assesses,
       r.contact_frequency, r.contact_note,
       (SELECT string_agg(rf.function, ';' ORDER BY f.position, rf.function)
        FROM relationship_functions rf LEFT JOIN functions f ON f.code = rf.function
        WHERE rf.trainee_id = r.trainee_id AND rf.person_id = r.person_id AND rf.wave = r.wave) AS functions
FROM relationships r
JOIN visible v ON v.trainee_id = r.trainee_id
JOIN people p ON p.person_id = r.person_id
WHERE r.trainee_id = $trainee_id AND r.wave = $wave
ORDER BY NOT r.formal, array_position(['werkplekbegeleider', 'schoolopleider', 'instituutsopleider',
         'studieloopbaanbegeleider', 'collega', 'medestudent', 'leidinggevende', 'overig'], p.role), p.name;
