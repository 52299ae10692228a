-- The referential-integrity check of a merge into a database that has data
-- (dashboard/importer.py): the rules of integrity_violations.sql, over only the
-- rows whose key the import staged (registered as staged_<table>). A merge
-- deletes no row that another row references, so only rows it wrote can break
-- a rule; checking those keeps a small merge into a large database small.
-- Likewise a merge adds rows only under staged keys, so only a staged key can
-- be repeated (the keys of the four large tables are not PRIMARY KEYs:
-- schema/003_unindexed_keys.sql).
-- (Into an empty database or with --replace every row is staged, and the
-- import runs the plain check of every table instead.)
SELECT 'trainees' AS table_name, t.trainee_id AS row_key, 'school_id' AS column_name, t.school_id AS value
FROM trainees t SEMI JOIN staged_trainees s ON s.trainee_id = t.trainee_id
WHERE NOT EXISTS (SELECT 1 FROM schools x WHERE x.school_id = t.school_id)
UNION ALL
SELECT 'trainees', t.trainee_id, 'institute_id', t.institute_id
FROM trainees t SEMI JOIN staged_trainees s ON s.trainee_id = t.trainee_id
WHERE NOT EXISTS (SELECT 1 FROM institutes x WHERE x.institute_id = t.institute_id)
UNION ALL
SELECT 'people', p.person_id, 'school_id', p.school_id
FROM people p SEMI JOIN staged_people s ON s.person_id = p.person_id
WHERE p.school_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM schools x WHERE x.school_id = p.school_id)
UNION ALL
SELECT 'people', p.person_id, 'institute_id', p.institute_id
FROM people p SEMI JOIN staged_people s ON s.person_id = p.person_id
WHERE p.institute_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM institutes x WHERE x.institute_id = p.institute_id)
UNION ALL
SELECT 'relationships', r.trainee_id || '/' || r.person_id || '/' || r.wave, 'trainee_id', r.trainee_id
FROM relationships r
SEMI JOIN staged_relationships s ON s.trainee_id = r.trainee_id AND s.person_id = r.person_id AND s.wave = r.wave
WHERE NOT EXISTS (SELECT 1 FROM trainees x WHERE x.trainee_id = r.trainee_id)
UNION ALL
SELECT 'relationships', r.trainee_id || '/' || r.person_id || '/' || r.wave, 'person_id', r.person_id
FROM relationships r
SEMI JOIN staged_relationships s ON s.trainee_id = r.trainee_id AND s.person_id = r.person_id AND s.wave = r.wave
WHERE NOT EXISTS (SELECT 1 FROM people x WHERE x.person_id = r.person_id)
UNION ALL
SELECT 'relationships', r.trainee_id || '/' || r.person_id || '/' || r.wave, 'person_id', r.person_id
FROM relationships r
SEMI JOIN staged_relationships s ON s.trainee_id = r.trainee_id AND s.person_id = r.person_id AND s.wave = r.wave
WHERE r.person_id = r.trainee_id
UNION ALL
SELECT 'relationship_functions', rf.trainee_id || '/' || rf.person_id || '/' || rf.wave, 'trainee_id', rf.trainee_id
FROM relationship_functions rf
SEMI JOIN staged_relationship_functions s
    ON s.trainee_id = rf.trainee_id AND s.person_id = rf.person_id AND s.wave = rf.wave AND s.function = rf.function
WHERE NOT EXISTS (SELECT 1 FROM relationships r WHERE r.trainee_id = rf.trainee_id
                  AND r.person_id = rf.person_id AND r.wave = rf.wave)
UNION ALL
SELECT 'relationship_functions', rf.trainee_id || '/' || rf.person_id || '/' || rf.wave, 'function', rf.function
FROM relationship_functions rf
SEMI JOIN staged_relationship_functions s
    ON s.trainee_id = rf.trainee_id AND s.person_id = rf.person_id AND s.wave = rf.wave AND s.function = rf.function
WHERE NOT EXISTS (SELECT 1 FROM functions x WHERE x.code = rf.function)
UNION ALL
SELECT 'consultations', c.trainee_id || '/' || c.person_a || '/' || c.person_b || '/' || c.wave, 'person_a', c.person_a
FROM consultations c
SEMI JOIN staged_consultations s
    ON s.trainee_id = c.trainee_id AND s.person_a = c.person_a AND s.person_b = c.person_b AND s.wave = c.wave
WHERE NOT EXISTS (SELECT 1 FROM relationships r WHERE r.trainee_id = c.trainee_id
                  AND r.person_id = c.person_a AND r.wave = c.wave)
UNION ALL
SELECT 'consultations', c.trainee_id || '/' || c.person_a || '/' || c.person_b || '/' || c.wave, 'person_b', c.person_b
FROM consultations c
SEMI JOIN staged_consultations s
    ON s.trainee_id = c.trainee_id AND s.person_a = c.person_a AND s.person_b = c.person_b AND s.wave = c.wave
WHERE NOT EXISTS (SELECT 1 FROM relationships r WHERE r.trainee_id = c.trainee_id
                  AND r.person_id = c.person_b AND r.wave = c.wave)
UNION ALL
SELECT 'consultations', c.trainee_id || '/' || c.person_a || '/' || c.person_b || '/' || c.wave, 'person_b', c.person_b
FROM consultations c
SEMI JOIN staged_consultations s
    ON s.trainee_id = c.trainee_id AND s.person_a = c.person_a AND s.person_b = c.person_b AND s.wave = c.wave
WHERE NOT c.person_a < c.person_b
UNION ALL
SELECT 'norm_consultations', n.programme || '/' || n.role_a || '/' || n.role_b, 'role_b', n.role_b
FROM norm_consultations n
SEMI JOIN staged_norm_consultations s ON s.programme = n.programme AND s.role_a = n.role_a AND s.role_b = n.role_b
WHERE NOT n.role_a < n.role_b
UNION ALL
SELECT 'needs', n.trainee_id || '/' || n.wave, 'trainee_id', n.trainee_id
FROM needs n
SEMI JOIN staged_needs s ON s.trainee_id = n.trainee_id AND s.wave = n.wave AND s.function = n.function
WHERE NOT EXISTS (SELECT 1 FROM trainees x WHERE x.trainee_id = n.trainee_id)
UNION ALL
SELECT 'needs', n.trainee_id || '/' || n.wave, 'function', n.function
FROM needs n
SEMI JOIN staged_needs s ON s.trainee_id = n.trainee_id AND s.wave = n.wave AND s.function = n.function
WHERE NOT EXISTS (SELECT 1 FROM functions x WHERE x.code = n.function)
UNION ALL
SELECT 'relationships', r.trainee_id || '/' || r.person_id || '/' || r.wave,
       'trainee_id, person_id, wave', count(*)::VARCHAR
FROM relationships r
SEMI JOIN staged_relationships s ON s.trainee_id = r.trainee_id AND s.person_id = r.person_id AND s.wave = r.wave
GROUP BY r.trainee_id, r.person_id, r.wave HAVING count(*) > 1
UNION ALL
SELECT 'relationship_functions', rf.trainee_id || '/' || rf.person_id || '/' || rf.wave || '/' || rf.function,
       'trainee_id, person_id, wave, function', count(*)::VARCHAR
FROM relationship_functions rf
SEMI JOIN staged_relationship_functions s
    ON s.trainee_id = rf.trainee_id AND s.person_id = rf.person_id AND s.wave = rf.wave AND s.function = rf.function
GROUP BY rf.trainee_id, rf.person_id, rf.wave, rf.function HAVING count(*) > 1
UNION ALL
SELECT 'consultations', c.trainee_id || '/' || c.person_a || '/' || c.person_b || '/' || c.wave,
       'trainee_id, person_a, person_b, wave', count(*)::VARCHAR
FROM consultations c
SEMI JOIN staged_consultations s
    ON s.trainee_id = c.trainee_id AND s.person_a = c.person_a AND s.person_b = c.person_b AND s.wave = c.wave
GROUP BY c.trainee_id, c.person_a, c.person_b, c.wave HAVING count(*) > 1
UNION ALL
SELECT 'needs', n.trainee_id || '/' || n.wave || '/' || n.function,
       'trainee_id, wave, function', count(*)::VARCHAR
FROM needs n
SEMI JOIN staged_needs s ON s.trainee_id = n.trainee_id AND s.wave = n.wave AND s.function = n.function
GROUP BY n.trainee_id, n.wave, n.function HAVING count(*) > 1
ORDER BY 1, 2, 3
LIMIT 100;
