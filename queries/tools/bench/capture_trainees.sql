-- The trainees whose wave the capture benchmark saves: the first by id that have relationships.
SELECT DISTINCT trainee_id FROM relationships ORDER BY trainee_id LIMIT $count;
