-- The email addresses stored for this id (as trainee and as person), lower-case:
-- a user account with one of them belongs to the same natural person.
SELECT DISTINCT lower(trim(email)) AS email
FROM (SELECT email FROM trainees WHERE trainee_id = $id
      UNION ALL SELECT email FROM people WHERE person_id = $id)
WHERE email IS NOT NULL AND trim(email) <> ''
ORDER BY email;
