-- The keys of the stored trainees among $ids (a writer that knows which ids it refers to).
SELECT trainee_id FROM trainees WHERE list_contains($ids::VARCHAR[], trainee_id);
