-- Add the functions each imported relationship serves (the rows it does not have yet).
INSERT INTO relationship_functions (trainee_id, person_id, wave, function)
SELECT trainee_id, person_id, wave, function
FROM staged_relationship_functions s
WHERE NOT EXISTS (SELECT 1 FROM relationship_functions t
                  WHERE t.trainee_id = s.trainee_id AND t.person_id = s.person_id AND t.wave = s.wave
                    AND t.function = s.function);
