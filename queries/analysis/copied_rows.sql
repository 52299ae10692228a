-- Continues _copy_one_trainee.sql or _copy_chosen.sql, which define `copied`:
-- the rows in trainees of the trainees to copy. Every stored row about them
-- that the questions about them read: their rows in trainees, their schools
-- and institutes, and their rows in relationships, people (the persons they
-- rate), relationship_functions, consultations and needs, all waves.
-- dashboard.analysis registers these rows under the same table names on a
-- small connection of their own and runs the usual analysis files on them
-- (one definition of every rule, a fraction of the cost: a national table is
-- scanned once here instead of in every question).
-- One column per table, each row packed as a struct (the table's own columns
-- and types); a row of the result fills exactly one of the columns.
-- The persons of consultations are persons the trainee rates in that wave
-- (checked by integrity_violations.sql), so people follows relationships.
-- The relationships are materialized: read once for two branches.
, copied_relationships AS MATERIALIZED (
    SELECT r.* FROM relationships r
    WHERE r.trainee_id IN (SELECT trainee_id FROM copied)
)
SELECT t AS trainees FROM copied t
UNION ALL BY NAME
SELECT s AS schools FROM schools s WHERE s.school_id IN (SELECT school_id FROM copied)
UNION ALL BY NAME
SELECT i AS institutes FROM institutes i WHERE i.institute_id IN (SELECT institute_id FROM copied)
UNION ALL BY NAME
SELECT r AS relationships FROM copied_relationships r
UNION ALL BY NAME
SELECT p AS people FROM people p
WHERE p.person_id IN (SELECT person_id FROM copied_relationships)
UNION ALL BY NAME
SELECT rf AS relationship_functions FROM relationship_functions rf
WHERE rf.trainee_id IN (SELECT trainee_id FROM copied)
UNION ALL BY NAME
SELECT c AS consultations FROM consultations c
WHERE c.trainee_id IN (SELECT trainee_id FROM copied)
UNION ALL BY NAME
SELECT n AS needs FROM needs n
WHERE n.trainee_id IN (SELECT trainee_id FROM copied)
