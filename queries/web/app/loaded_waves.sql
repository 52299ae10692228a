-- Waves present in the relationships, in the order of a guidance period.
SELECT wave, count(DISTINCT trainee_id) AS trainees, count(*) AS relationships
FROM relationships
GROUP BY wave
ORDER BY CASE wave WHEN 'begin' THEN 1 WHEN 'midden' THEN 2 WHEN 'eind' THEN 3 END;
