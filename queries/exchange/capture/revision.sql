-- The stored revision of one trainee's wave (the capture's concurrency check); no row: never captured.
SELECT wave, revision, saved_by, saved_at
FROM wave_revisions
WHERE trainee_id = $trainee_id AND wave = $wave;
