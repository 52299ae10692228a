-- The trainees whose derived rows name a person the write stored (a capture
-- may rename a mentor whom other trainees rate as well), besides $trainee_id.
SELECT DISTINCT r.trainee_id
FROM relationships r
WHERE r.person_id IN (SELECT person_id FROM staged_people)
UNION
SELECT $trainee_id::VARCHAR
