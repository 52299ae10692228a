-- Continues analysis/_visible.sql: one wave's overleg pairs of the trainee.
SELECT c.person_a, c.person_b
FROM consultations c
JOIN visible v ON v.trainee_id = c.trainee_id
WHERE c.trainee_id = $trainee_id AND c.wave = $wave
ORDER BY c.person_a, c.person_b;
