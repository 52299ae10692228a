-- Continues analysis/_visible.sql: the waves in which the trainee has relationships, in time order.
SELECT DISTINCT r.wave, array_position(['begin', 'midden', 'eind'], r.wave) AS wave_rank
FROM relationships r
JOIN visible v ON v.trainee_id = r.trainee_id
WHERE r.trainee_id = $trainee_id
ORDER BY wave_rank;
