-- people.csv, sorted by key.
SELECT person_id, name, role, school_id, institute_id, orientation, email, extra
FROM people
ORDER BY person_id;
