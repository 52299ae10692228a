-- Every row returned is a broken reference, a broken two-column rule or a
-- repeated key; a write transaction that leaves any commits nothing.
-- (References and the rules that compare two columns are checked here, not as
-- FOREIGN KEYs or CHECKs: see schema/001_initial.sql; the keys of the four
-- large tables likewise, not as PRIMARY KEYs: see schema/003_unindexed_keys.sql.)
-- Every row: table_name, row_key (the key columns' values joined by '/'),
-- column_name, value. A repeated key has as column_name its key columns joined
-- by ', ' and as value how many rows have it (dashboard/db.py: UNINDEXED_KEYS).
SELECT 'trainees' AS table_name, trainee_id AS row_key, 'school_id' AS column_name, school_id AS value
FROM trainees WHERE school_id NOT IN (SELECT school_id FROM schools)
UNION ALL
SELECT 'trainees', trainee_id, 'institute_id', institute_id
FROM trainees WHERE institute_id NOT IN (SELECT institute_id FROM institutes)
UNION ALL
SELECT 'people', person_id, 'school_id', school_id
FROM people WHERE school_id IS NOT NULL AND school_id NOT IN (SELECT school_id FROM schools)
UNION ALL
SELECT 'people', person_id, 'institute_id', institute_id
FROM people WHERE institute_id IS NOT NULL AND institute_id NOT IN (SELECT institute_id FROM institutes)
UNION ALL
SELECT 'relationships', trainee_id || '/' || person_id || '/' || wave, 'trainee_id', trainee_id
FROM relationships WHERE trainee_id NOT IN (SELECT trainee_id FROM trainees)
UNION ALL
SELECT 'relationships', trainee_id || '/' || person_id || '/' || wave, 'person_id', person_id
FROM relationships WHERE person_id NOT IN (SELECT person_id FROM people)
UNION ALL
SELECT 'relationship_functions', rf.trainee_id || '/' || rf.person_id || '/' || rf.wave, 'trainee_id', rf.trainee_id
FROM relationship_functions rf
WHERE NOT EXISTS (SELECT 1 FROM relationships r WHERE r.trainee_id = rf.trainee_id
                  AND r.person_id = rf.person_id AND r.wave = rf.wave)
UNION ALL
SELECT 'relationship_functions', rf.trainee_id || '/' || rf.person_id || '/' || rf.wave, 'function', rf.function
FROM relationship_functions rf WHERE rf.function NOT IN (SELECT code FROM functions)
UNION ALL
SELECT 'consultations', c.trainee_id || '/' || c.person_a || '/' || c.person_b || '/' || c.wave, 'person_a', c.person_a
FROM consultations c
WHERE NOT EXISTS (SELECT 1 FROM relationships r WHERE r.trainee_id = c.trainee_id
                  AND r.person_id = c.person_a AND r.wave = c.wave)
UNION ALL
SELECT 'consultations', c.trainee_id || '/' || c.person_a || '/' || c.person_b || '/' || c.wave, 'person_b', c.person_b
FROM consultations c
WHERE NOT EXISTS (SELECT 1 FROM relationships r WHERE r.trainee_id = c.trainee_id
                  AND r.person_id = c.person_b AND r.wave = c.wave)
UNION ALL
SELECT 'relationships', trainee_id || '/' || person_id || '/' || wave, 'person_id', person_id
FROM relationships WHERE person_id = trainee_id
UNION ALL
SELECT 'consultations', trainee_id || '/' || person_a || '/' || person_b || '/' || wave, 'person_b', person_b
FROM consultations WHERE NOT person_a < person_b
UNION ALL
SELECT 'norm_consultations', programme || '/' || role_a || '/' || role_b, 'role_b', role_b
FROM norm_consultations WHERE NOT role_a < role_b
UNION ALL
SELECT 'needs', trainee_id || '/' || wave, 'trainee_id', trainee_id
FROM needs WHERE trainee_id NOT IN (SELECT trainee_id FROM trainees)
UNION ALL
SELECT 'needs', trainee_id || '/' || wave, 'function', function
FROM needs WHERE function NOT IN (SELECT code FROM functions)
UNION ALL
SELECT 'relationships', trainee_id || '/' || person_id || '/' || wave,
       'trainee_id, person_id, wave', count(*)::VARCHAR
FROM relationships GROUP BY trainee_id, person_id, wave HAVING count(*) > 1
UNION ALL
SELECT 'relationship_functions', trainee_id || '/' || person_id || '/' || wave || '/' || function,
       'trainee_id, person_id, wave, function', count(*)::VARCHAR
FROM relationship_functions GROUP BY trainee_id, person_id, wave, function HAVING count(*) > 1
UNION ALL
SELECT 'consultations', trainee_id || '/' || person_a || '/' || person_b || '/' || wave,
       'trainee_id, person_a, person_b, wave', count(*)::VARCHAR
FROM consultations GROUP BY trainee_id, person_a, person_b, wave HAVING count(*) > 1
UNION ALL
SELECT 'needs', trainee_id || '/' || wave || '/' || function,
       'trainee_id, wave, function', count(*)::VARCHAR
FROM needs GROUP BY trainee_id, wave, function HAVING count(*) > 1
ORDER BY 1, 2, 3
LIMIT 100;
