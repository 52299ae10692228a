-- An incremental refresh replaces the rows of its trainees, every wave.
DELETE FROM derived_signals WHERE list_contains($refresh_trainees::VARCHAR[], trainee_id);
DELETE FROM derived_coverage WHERE list_contains($refresh_trainees::VARCHAR[], trainee_id);
