-- The keys of the stored trainees, to resolve references and count updates.
SELECT trainee_id FROM trainees;
