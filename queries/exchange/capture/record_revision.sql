-- The wave's new revision: who saved it when (the next save's conflict check reads it).
INSERT INTO wave_revisions (trainee_id, wave, revision, saved_by, saved_at)
VALUES ($trainee_id, $wave, $revision, $saved_by, $saved_at)
ON CONFLICT (trainee_id, wave) DO UPDATE SET
    revision = excluded.revision, saved_by = excluded.saved_by, saved_at = excluded.saved_at;
