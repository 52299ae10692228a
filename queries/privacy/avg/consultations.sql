SELECT * FROM consultations
WHERE trainee_id = $id OR person_a = $id OR person_b = $id
ORDER BY trainee_id, person_a, person_b, wave;
