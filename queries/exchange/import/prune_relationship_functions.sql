-- The relationship row is the unit: when the file has a functions column, an
-- imported relationship's function rows become exactly the file's. Only rows
-- that go away are deleted (deleting and re-inserting the same key in one
-- DuckDB transaction is very slow).
DELETE FROM relationship_functions rf
WHERE $has_functions
  AND EXISTS (SELECT 1 FROM staged_relationships r
              WHERE r.trainee_id = rf.trainee_id AND r.person_id = rf.person_id AND r.wave = rf.wave)
  AND NOT EXISTS (SELECT 1 FROM staged_relationship_functions s
                  WHERE s.trainee_id = rf.trainee_id AND s.person_id = rf.person_id
                    AND s.wave = rf.wave AND s.function = rf.function);
