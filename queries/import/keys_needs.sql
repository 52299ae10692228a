-- The keys of the stored needs, to resolve references and count updates.
SELECT trainee_id, wave, function FROM needs;
