-- The roster of mentors for the Network Canvas protocol: name and person_id are the
-- protocol's variables; role and school_id help the interviewer find a person.
-- Trainees' fellow students are not mentors and are left out.
SELECT name, person_id, role, coalesce(school_id, '') AS school_id
FROM people
WHERE role <> 'medestudent'
  AND ($school IS NULL OR school_id = $school)
  AND ($institute IS NULL OR institute_id = $institute)
  AND ($role IS NULL OR role = $role)
ORDER BY name, person_id;
