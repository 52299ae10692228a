-- Whether these ids are stored people (a werkplekbegeleider's scope); the known ones.
SELECT person_id AS id FROM people WHERE list_contains($ids::VARCHAR[], person_id) ORDER BY person_id;
