-- Continues analysis/_visible.sql: the capture status for coordinators. Per trainee in view and
-- wave (the chosen one, else every wave): filled in when the wave has relationships, with the
-- last capture's time (NULL: imported, or never captured).
SELECT v.trainee_id, v.name, v.school_id, s.name AS school_name, w.wave,
       EXISTS (SELECT 1 FROM relationships r WHERE r.trainee_id = v.trainee_id AND r.wave = w.wave) AS filled_in,
       wr.saved_at, wr.saved_by
FROM visible v
CROSS JOIN (SELECT unnest(['begin', 'midden', 'eind']) AS wave) w
LEFT JOIN schools s ON s.school_id = v.school_id
LEFT JOIN wave_revisions wr ON wr.trainee_id = v.trainee_id AND wr.wave = w.wave
WHERE $wave::VARCHAR IS NULL OR w.wave = $wave::VARCHAR
ORDER BY s.name, v.school_id, array_position(['begin', 'midden', 'eind'], w.wave), filled_in, v.name, v.trainee_id;
