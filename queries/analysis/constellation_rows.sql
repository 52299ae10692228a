-- Continues _visible.sql. Every stored row about one trainee that the
-- questions about that trainee read: their own row in trainees (only when the
-- viewer may see them), their school and institute, and their rows in
-- relationships, people (the persons they rate), relationship_functions,
-- consultations and needs. dashboard.analysis registers these rows under the
-- same table names on a small connection of their own and runs the usual
-- analysis files on them (one definition of every rule, a fraction of the
-- cost: a national table is scanned once here instead of in every question).
-- One column per table, each row packed as a struct (the table's own columns
-- and types); a row of the result fills exactly one of the columns.
-- The persons of consultations are persons the trainee rates in that wave
-- (checked by integrity_violations.sql), so people follows relationships.
-- The trainee's relationships are materialized: read once for two branches.
, one AS (
    SELECT * FROM visible WHERE trainee_id = $trainee_id
),
own_relationships AS MATERIALIZED (
    SELECT r.* FROM relationships r
    WHERE r.trainee_id = $trainee_id AND r.trainee_id IN (SELECT trainee_id FROM one)
)
SELECT t AS trainees FROM one t
UNION ALL BY NAME
SELECT s AS schools FROM schools s WHERE s.school_id IN (SELECT school_id FROM one)
UNION ALL BY NAME
SELECT i AS institutes FROM institutes i WHERE i.institute_id IN (SELECT institute_id FROM one)
UNION ALL BY NAME
SELECT r AS relationships FROM own_relationships r
UNION ALL BY NAME
SELECT p AS people FROM people p
WHERE p.person_id IN (SELECT person_id FROM own_relationships)
UNION ALL BY NAME
SELECT rf AS relationship_functions FROM relationship_functions rf
WHERE rf.trainee_id = $trainee_id AND rf.trainee_id IN (SELECT trainee_id FROM one)
UNION ALL BY NAME
SELECT c AS consultations FROM consultations c
WHERE c.trainee_id = $trainee_id AND c.trainee_id IN (SELECT trainee_id FROM one)
UNION ALL BY NAME
SELECT n AS needs FROM needs n
WHERE n.trainee_id = $trainee_id AND n.trainee_id IN (SELECT trainee_id FROM one)
