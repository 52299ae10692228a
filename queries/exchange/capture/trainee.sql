-- Continues analysis/_visible.sql: the trainee a capture is for, if the viewer sees them.
SELECT v.trainee_id, v.name, v.school_id, v.institute_id, s.name AS school_name
FROM visible v
LEFT JOIN schools s ON s.school_id = v.school_id
WHERE v.trainee_id = $trainee_id;
