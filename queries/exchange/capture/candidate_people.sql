-- Continues analysis/_visible.sql: the people a capture may name for a trainee: of their school or
-- institute, or already in their network (any wave). Only for a trainee the viewer sees.
SELECT p.person_id, p.name, p.role, p.school_id, p.institute_id
FROM people p
JOIN visible v ON v.trainee_id = $trainee_id
WHERE p.school_id = v.school_id OR p.institute_id = v.institute_id
   -- IN on the trainee's own rows, not a correlated EXISTS per person: a third of the time
   -- (the EXISTS scanned every relationship for each of the national people).
   OR p.person_id IN (SELECT r.person_id FROM relationships r WHERE r.trainee_id = $trainee_id)
ORDER BY p.name, p.person_id;
