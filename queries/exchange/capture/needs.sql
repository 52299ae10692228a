-- Continues analysis/_visible.sql: one wave's needs of the trainee, in taxonomy order.
SELECT n.function
FROM needs n
JOIN visible v ON v.trainee_id = n.trainee_id
LEFT JOIN functions f ON f.code = n.function
WHERE n.trainee_id = $trainee_id AND n.wave = $wave
ORDER BY f.position, n.function;
