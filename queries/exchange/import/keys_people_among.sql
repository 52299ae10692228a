-- The keys of the stored people among $ids (a writer that knows which ids it refers to).
SELECT person_id FROM people WHERE list_contains($ids::VARCHAR[], person_id);
