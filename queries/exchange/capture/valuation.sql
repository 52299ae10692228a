-- Continues analysis/_visible.sql: one wave's valuation of the trainee (step 5).
SELECT w.support, w.note
FROM valuations w
JOIN visible v ON v.trainee_id = w.trainee_id
WHERE w.trainee_id = $trainee_id AND w.wave = $wave;
