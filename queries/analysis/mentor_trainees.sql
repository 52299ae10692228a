-- Continues _scope.sql (the mentor page): the relationships of $person_id with
-- the trainees in scope, in each trainee's evaluated wave, with the
-- functions they serve (in taxonomy order). Other people are not read.
-- Bound table: taxonomy_param(code, position).
, served AS (
    SELECT rf.trainee_id, list(rf.function ORDER BY coalesce(f.position, 999999), rf.function) AS functions
    FROM relationship_functions rf
    JOIN rel ON rel.trainee_id = rf.trainee_id AND rel.person_id = rf.person_id AND rel.wave = rf.wave
    LEFT JOIN taxonomy_param f ON f.code = rf.function
    WHERE rf.person_id = $person_id
      AND rf.trainee_id IN (SELECT trainee_id FROM chosen)  -- the scope, explicitly
    GROUP BY rf.trainee_id
)
SELECT s.trainee_id, s.name, s.school_id, s.institute_id, s.cohort, rel.wave, rel.formal, rel.strength,
       rel.klik, rel.contribution, coalesce(sv.functions, []::VARCHAR[]) AS functions
FROM rel
JOIN scope s ON s.trainee_id = rel.trainee_id
LEFT JOIN served sv ON sv.trainee_id = rel.trainee_id
WHERE rel.person_id = $person_id
ORDER BY s.name, s.trainee_id
