-- An incremental refresh replaces the rows of its trainees in its waves.
DELETE FROM derived_signals
WHERE list_contains($refresh_trainees::VARCHAR[], trainee_id) AND list_contains($waves::VARCHAR[], wave);
DELETE FROM derived_coverage
WHERE list_contains($refresh_trainees::VARCHAR[], trainee_id) AND list_contains($waves::VARCHAR[], wave);
