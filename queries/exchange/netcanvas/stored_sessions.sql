-- The Network Canvas session each (trainee, wave) was imported from (kept in the
-- relationships' extra attribute x_nc_session), for these trainees: a second,
-- different session for the same trainee and wave is refused.
SELECT DISTINCT trainee_id, wave, json_extract_string(extra, '$.x_nc_session') AS session
FROM relationships
WHERE list_contains($trainees, trainee_id)
  AND extra IS NOT NULL
  AND json_extract_string(extra, '$.x_nc_session') IS NOT NULL;
