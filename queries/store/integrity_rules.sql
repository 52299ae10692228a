-- The integrity rules of every write transaction, one definition: continues an
-- opening that defines checked_<table>, the rows to check of each table that
-- has a rule (integrity_violations.sql: every row; import/integrity_violations.sql:
-- the rows under a merge's staged keys). The rows they refer to are looked up
-- in the whole tables, the relationships in looked_up_relationships, which the
-- opening defines as well: every row, or every row of the trainees whose checked
-- rows refer to a relationship (a reference is always to a row of its own
-- trainee). Every row returned is a broken reference, a broken two-column rule
-- or a repeated key; a write transaction that leaves any commits nothing
-- (dashboard/store/db.py).
-- (References and the rules that compare two columns are checked here, not as
-- FOREIGN KEYs or CHECKs: see schema/001_initial.sql; the keys of the four
-- large tables likewise, not as PRIMARY KEYs: see schema/003_unindexed_keys.sql,
-- and of valuations and actions: see schema/005_valuations_actions.sql.)
-- Every row: table_name, row_key (the key columns' values joined by '/'),
-- column_name, value. A repeated key has as column_name its key columns joined
-- by ', ' and as value how many rows have it (dashboard/store/db.py: UNINDEXED_KEYS).
SELECT 'trainees' AS table_name, t.trainee_id AS row_key, 'school_id' AS column_name, t.school_id AS value
FROM checked_trainees t
WHERE NOT EXISTS (SELECT 1 FROM schools x WHERE x.school_id = t.school_id)
UNION ALL
SELECT 'trainees', t.trainee_id, 'institute_id', t.institute_id
FROM checked_trainees t
WHERE NOT EXISTS (SELECT 1 FROM institutes x WHERE x.institute_id = t.institute_id)
UNION ALL
SELECT 'people', p.person_id, 'school_id', p.school_id
FROM checked_people p
WHERE p.school_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM schools x WHERE x.school_id = p.school_id)
UNION ALL
SELECT 'people', p.person_id, 'institute_id', p.institute_id
FROM checked_people p
WHERE p.institute_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM institutes x WHERE x.institute_id = p.institute_id)
UNION ALL
SELECT 'relationships', r.trainee_id || '/' || r.person_id || '/' || r.wave, 'trainee_id', r.trainee_id
FROM checked_relationships r
WHERE NOT EXISTS (SELECT 1 FROM trainees x WHERE x.trainee_id = r.trainee_id)
UNION ALL
SELECT 'relationships', r.trainee_id || '/' || r.person_id || '/' || r.wave, 'person_id', r.person_id
FROM checked_relationships r
WHERE NOT EXISTS (SELECT 1 FROM people x WHERE x.person_id = r.person_id)
UNION ALL
SELECT 'relationships', r.trainee_id || '/' || r.person_id || '/' || r.wave, 'person_id', r.person_id
FROM checked_relationships r
WHERE r.person_id = r.trainee_id
UNION ALL
SELECT 'relationship_functions', rf.trainee_id || '/' || rf.person_id || '/' || rf.wave, 'trainee_id', rf.trainee_id
FROM checked_relationship_functions rf
WHERE NOT EXISTS (SELECT 1 FROM looked_up_relationships r WHERE r.trainee_id = rf.trainee_id
                  AND r.person_id = rf.person_id AND r.wave = rf.wave)
UNION ALL
SELECT 'relationship_functions', rf.trainee_id || '/' || rf.person_id || '/' || rf.wave, 'function', rf.function
FROM checked_relationship_functions rf
WHERE NOT EXISTS (SELECT 1 FROM functions x WHERE x.code = rf.function)
UNION ALL
SELECT 'consultations', c.trainee_id || '/' || c.person_a || '/' || c.person_b || '/' || c.wave, 'person_a', c.person_a
FROM checked_consultations c
WHERE NOT EXISTS (SELECT 1 FROM looked_up_relationships r WHERE r.trainee_id = c.trainee_id
                  AND r.person_id = c.person_a AND r.wave = c.wave)
UNION ALL
SELECT 'consultations', c.trainee_id || '/' || c.person_a || '/' || c.person_b || '/' || c.wave, 'person_b', c.person_b
FROM checked_consultations c
WHERE NOT EXISTS (SELECT 1 FROM looked_up_relationships r WHERE r.trainee_id = c.trainee_id
                  AND r.person_id = c.person_b AND r.wave = c.wave)
UNION ALL
SELECT 'consultations', c.trainee_id || '/' || c.person_a || '/' || c.person_b || '/' || c.wave, 'person_b', c.person_b
FROM checked_consultations c
WHERE NOT c.person_a < c.person_b
UNION ALL
SELECT 'norm_consultations', n.programme || '/' || n.role_a || '/' || n.role_b, 'role_b', n.role_b
FROM checked_norm_consultations n
WHERE NOT n.role_a < n.role_b
UNION ALL
SELECT 'needs', n.trainee_id || '/' || n.wave, 'trainee_id', n.trainee_id
FROM checked_needs n
WHERE NOT EXISTS (SELECT 1 FROM trainees x WHERE x.trainee_id = n.trainee_id)
UNION ALL
SELECT 'needs', n.trainee_id || '/' || n.wave, 'function', n.function
FROM checked_needs n
WHERE NOT EXISTS (SELECT 1 FROM functions x WHERE x.code = n.function)
UNION ALL
SELECT 'valuations', v.trainee_id || '/' || v.wave, 'trainee_id', v.trainee_id
FROM checked_valuations v
WHERE NOT EXISTS (SELECT 1 FROM trainees x WHERE x.trainee_id = v.trainee_id)
UNION ALL
SELECT 'actions', a.trainee_id || '/' || a.wave || '/' || a.action_id, 'trainee_id', a.trainee_id
FROM checked_actions a
WHERE NOT EXISTS (SELECT 1 FROM trainees x WHERE x.trainee_id = a.trainee_id)
UNION ALL
SELECT 'actions', a.trainee_id || '/' || a.wave || '/' || a.action_id, 'function', a.function
FROM checked_actions a
WHERE NOT EXISTS (SELECT 1 FROM functions x WHERE x.code = a.function)
UNION ALL
SELECT 'actions', a.trainee_id || '/' || a.wave || '/' || a.action_id, 'person_id', a.person_id
FROM checked_actions a
WHERE a.person_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM people x WHERE x.person_id = a.person_id)
UNION ALL
SELECT 'relationships', r.trainee_id || '/' || r.person_id || '/' || r.wave,
       'trainee_id, person_id, wave', count(*)::VARCHAR
FROM checked_relationships r GROUP BY r.trainee_id, r.person_id, r.wave HAVING count(*) > 1
UNION ALL
SELECT 'relationship_functions', rf.trainee_id || '/' || rf.person_id || '/' || rf.wave || '/' || rf.function,
       'trainee_id, person_id, wave, function', count(*)::VARCHAR
FROM checked_relationship_functions rf
GROUP BY rf.trainee_id, rf.person_id, rf.wave, rf.function HAVING count(*) > 1
UNION ALL
SELECT 'consultations', c.trainee_id || '/' || c.person_a || '/' || c.person_b || '/' || c.wave,
       'trainee_id, person_a, person_b, wave', count(*)::VARCHAR
FROM checked_consultations c GROUP BY c.trainee_id, c.person_a, c.person_b, c.wave HAVING count(*) > 1
UNION ALL
SELECT 'needs', n.trainee_id || '/' || n.wave || '/' || n.function,
       'trainee_id, wave, function', count(*)::VARCHAR
FROM checked_needs n GROUP BY n.trainee_id, n.wave, n.function HAVING count(*) > 1
UNION ALL
SELECT 'valuations', v.trainee_id || '/' || v.wave, 'trainee_id, wave', count(*)::VARCHAR
FROM checked_valuations v GROUP BY v.trainee_id, v.wave HAVING count(*) > 1
UNION ALL
SELECT 'actions', a.trainee_id || '/' || a.wave || '/' || a.action_id,
       'trainee_id, wave, action_id', count(*)::VARCHAR
FROM checked_actions a GROUP BY a.trainee_id, a.wave, a.action_id HAVING count(*) > 1
ORDER BY 1, 2, 3
LIMIT 100;
