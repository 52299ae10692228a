-- AVG export: relationships of the trainee, or with the person. Third parties
-- appear by id (and a person by role), never by name.
SELECT r.*, p.role AS person_role
FROM relationships r
LEFT JOIN people p ON p.person_id = r.person_id
WHERE r.trainee_id = $id OR r.person_id = $id
ORDER BY r.trainee_id, r.person_id, r.wave;
