SELECT * FROM relationship_functions
WHERE trainee_id = $id OR person_id = $id
ORDER BY trainee_id, person_id, wave, function;
