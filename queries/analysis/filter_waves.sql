-- The waves that hold relationships, in their natural order.
SELECT DISTINCT wave, CASE wave WHEN 'begin' THEN 0 WHEN 'midden' THEN 1 ELSE 2 END AS wave_rank
FROM relationships
ORDER BY wave_rank
