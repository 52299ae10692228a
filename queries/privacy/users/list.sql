-- Every user with their scope; a scope id whose school or institute no longer
-- exists (a later --replace import removed it) is listed under unknown_ids.
WITH scopes AS (
    SELECT s.email, s.kind, s.id,
           CASE s.kind
               WHEN 'school' THEN s.id IN (SELECT school_id FROM schools)
               WHEN 'trainee' THEN s.id IN (SELECT trainee_id FROM trainees)
               WHEN 'person' THEN s.id IN (SELECT person_id FROM people)
               ELSE s.id IN (SELECT institute_id FROM institutes)
           END AS known
    FROM user_scopes s
)
SELECT u.email, u.role,
       coalesce(string_agg(s.id, ';' ORDER BY s.id) FILTER (WHERE s.kind = 'school'), '') AS schools,
       coalesce(string_agg(s.id, ';' ORDER BY s.id) FILTER (WHERE s.kind = 'institute'), '') AS institutes,
       coalesce(string_agg(s.id, ';' ORDER BY s.id) FILTER (WHERE NOT s.known), '') AS unknown_ids,
       u.created_at,
       coalesce(string_agg(s.id, ';' ORDER BY s.id) FILTER (WHERE s.kind = 'trainee'), '') AS trainees,
       coalesce(string_agg(s.id, ';' ORDER BY s.id) FILTER (WHERE s.kind = 'person'), '') AS persons
FROM users u
LEFT JOIN scopes s ON s.email = u.email
WHERE $email IS NULL OR u.email = $email
GROUP BY u.email, u.role, u.created_at
ORDER BY u.email;
