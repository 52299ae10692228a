-- The keys of the stored people, to resolve references and count updates.
SELECT person_id FROM people;
