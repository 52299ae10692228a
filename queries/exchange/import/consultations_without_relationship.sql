-- Consultation rows (registered as `consulted`: row, trainee_id, person_id, wave;
-- person_id is person_a or person_b) whose person has no relationship with that
-- trainee in that wave after the import: neither among the imported
-- relationships (registered as `imported_relationships`) nor, in a merge, in
-- the database. A hash anti-join: no key strings are built in Python.
SELECT c.row
FROM consulted c
WHERE NOT EXISTS (SELECT 1 FROM imported_relationships r
                  WHERE r.trainee_id = c.trainee_id AND r.person_id = c.person_id AND r.wave = c.wave)
  -- (The trainee_id IN (...) is implied and changes no answer: it lets DuckDB skip the stored rows
  -- of other trainees before the anti-join, as in upsert_relationships.sql.)
  AND ($replace OR NOT EXISTS (SELECT 1 FROM relationships r
                               WHERE r.trainee_id = c.trainee_id AND r.person_id = c.person_id AND r.wave = c.wave
                                 AND r.trainee_id IN (SELECT trainee_id FROM consulted)))
ORDER BY c.row;
