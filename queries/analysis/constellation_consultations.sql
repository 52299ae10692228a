SELECT c.wave, c.person_a, c.person_b, c.frequency
FROM consultations c
WHERE c.trainee_id = $trainee_id
  AND c.trainee_id IN (SELECT trainee_id FROM visible)
ORDER BY CASE c.wave WHEN 'begin' THEN 0 WHEN 'midden' THEN 1 ELSE 2 END, c.person_a, c.person_b
