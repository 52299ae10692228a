-- Continues _visible.sql: the waves that hold relationships of trainees the
-- viewer may see, in their natural order.
SELECT DISTINCT wave, CASE wave WHEN 'begin' THEN 0 WHEN 'midden' THEN 1 ELSE 2 END AS wave_rank
FROM relationships
WHERE $scope_all::BOOLEAN OR trainee_id IN (SELECT trainee_id FROM visible)
ORDER BY wave_rank
