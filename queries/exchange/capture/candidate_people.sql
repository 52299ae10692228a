-- Continues analysis/_visible.sql: the people a capture may name for a trainee: of their school or
-- institute, or already in their network (any wave). Only for a trainee the viewer sees.
SELECT p.person_id, p.name, p.role, p.school_id, p.institute_id
FROM people p
JOIN visible v ON v.trainee_id = $trainee_id
WHERE p.school_id = v.school_id OR p.institute_id = v.institute_id
   OR EXISTS (SELECT 1 FROM relationships r WHERE r.trainee_id = v.trainee_id AND r.person_id = p.person_id)
ORDER BY p.name, p.person_id;
