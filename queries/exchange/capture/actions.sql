-- Continues analysis/_visible.sql: one wave's agreed actions of the trainee (step 6).
SELECT a.action_id, a.function, a.person_id, a.note, a.status
FROM actions a
JOIN visible v ON v.trainee_id = a.trainee_id
WHERE a.trainee_id = $trainee_id AND a.wave = $wave
ORDER BY a.action_id;
