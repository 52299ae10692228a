-- The keys of the stored consultations, to resolve references and count updates.
SELECT trainee_id, person_a, person_b, wave FROM consultations;
