-- How many staged rows of each file already exist in the database, by key: a
-- merge updates those and inserts the rest (the import's summary). Every
-- staged_<table> is registered (empty for a file not imported).
SELECT 'functions' AS table_name, count(*) AS existing
FROM staged_functions s WHERE EXISTS (SELECT 1 FROM functions t WHERE t.code = s.code)
UNION ALL
SELECT 'schools', count(*)
FROM staged_schools s WHERE EXISTS (SELECT 1 FROM schools t WHERE t.school_id = s.school_id)
UNION ALL
SELECT 'institutes', count(*)
FROM staged_institutes s WHERE EXISTS (SELECT 1 FROM institutes t WHERE t.institute_id = s.institute_id)
UNION ALL
SELECT 'trainees', count(*)
FROM staged_trainees s WHERE EXISTS (SELECT 1 FROM trainees t WHERE t.trainee_id = s.trainee_id)
UNION ALL
SELECT 'people', count(*)
FROM staged_people s WHERE EXISTS (SELECT 1 FROM people t WHERE t.person_id = s.person_id)
UNION ALL
SELECT 'relationships', count(*)
FROM staged_relationships s
WHERE EXISTS (SELECT 1 FROM relationships t
              WHERE t.trainee_id = s.trainee_id AND t.person_id = s.person_id AND t.wave = s.wave)
UNION ALL
SELECT 'consultations', count(*)
FROM staged_consultations s
WHERE EXISTS (SELECT 1 FROM consultations t
              WHERE t.trainee_id = s.trainee_id AND t.person_a = s.person_a AND t.person_b = s.person_b
                AND t.wave = s.wave)
UNION ALL
SELECT 'needs', count(*)
FROM staged_needs s
WHERE EXISTS (SELECT 1 FROM needs t WHERE t.trainee_id = s.trainee_id AND t.wave = s.wave AND t.function = s.function)
UNION ALL
SELECT 'norm_roles', count(*)
FROM staged_norm_roles s WHERE EXISTS (SELECT 1 FROM norm_roles t WHERE t.programme = s.programme AND t.role = s.role)
UNION ALL
SELECT 'norm_consultations', count(*)
FROM staged_norm_consultations s
WHERE EXISTS (SELECT 1 FROM norm_consultations t
              WHERE t.programme = s.programme AND t.role_a = s.role_a AND t.role_b = s.role_b)
UNION ALL
SELECT 'valuations', count(*)
FROM staged_valuations s WHERE EXISTS (SELECT 1 FROM valuations t WHERE t.trainee_id = s.trainee_id AND t.wave = s.wave)
UNION ALL
SELECT 'actions', count(*)
FROM staged_actions s
WHERE EXISTS (SELECT 1 FROM actions t
              WHERE t.trainee_id = s.trainee_id AND t.wave = s.wave AND t.action_id = s.action_id);
