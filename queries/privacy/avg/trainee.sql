-- AVG export: the trainee row with this id.
SELECT * FROM trainees WHERE trainee_id = $id;
