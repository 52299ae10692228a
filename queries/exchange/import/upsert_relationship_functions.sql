-- Add the functions each imported relationship serves (the rows it does not have yet).
-- The trainee_id IN (...) is implied by t.trainee_id = s.trainee_id and changes no answer; it lets
-- DuckDB skip the stored rows of other trainees before the anti-join (a capture's 7 function rows
-- against 963,000 stored: 24 ms of CPU without it, 1 ms with it).
INSERT INTO relationship_functions (trainee_id, person_id, wave, function)
SELECT trainee_id, person_id, wave, function
FROM staged_relationship_functions s
WHERE NOT EXISTS (SELECT 1 FROM relationship_functions t
                  WHERE t.trainee_id = s.trainee_id AND t.person_id = s.person_id AND t.wave = s.wave
                    AND t.function = s.function
                    AND t.trainee_id IN (SELECT trainee_id FROM staged_relationship_functions));
