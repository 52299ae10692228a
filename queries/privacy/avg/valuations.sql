-- AVG export: the trainee's valuations (step 5), with their notes.
SELECT * FROM valuations WHERE trainee_id = $id ORDER BY array_position(['begin', 'midden', 'eind'], wave);
