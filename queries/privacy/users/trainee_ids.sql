-- Whether these ids are stored trainees (a student's scope); the known ones.
SELECT trainee_id AS id FROM trainees WHERE list_contains($ids::VARCHAR[], trainee_id) ORDER BY trainee_id;
