-- The other trainees whose derived rows name a person the save stored (a
-- capture may store a person whom other trainees rate as well), besides
-- $trainee_id, whose rows the save refreshes anyway.
SELECT DISTINCT r.trainee_id
FROM relationships r
WHERE r.person_id IN (SELECT person_id FROM staged_people)
  AND r.trainee_id <> $trainee_id::VARCHAR
