-- Add the functions each imported relationship serves.
INSERT INTO relationship_functions (trainee_id, person_id, wave, function)
SELECT trainee_id, person_id, wave, function
FROM staged_relationship_functions
ON CONFLICT DO NOTHING;
