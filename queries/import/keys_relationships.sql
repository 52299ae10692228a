-- The keys of the stored relationships, to resolve references and count updates.
SELECT trainee_id, person_id, wave FROM relationships;
