-- Bound table: taxonomy_param(code, position).
SELECT n.wave, n.function
FROM needs n
LEFT JOIN taxonomy_param f ON f.code = n.function
WHERE n.trainee_id = $trainee_id
  AND n.trainee_id IN (SELECT trainee_id FROM visible)
ORDER BY CASE n.wave WHEN 'begin' THEN 0 WHEN 'midden' THEN 1 ELSE 2 END,
         coalesce(f.position, 999999), n.function
