-- Insert or update the functions trainees say they need.
INSERT INTO needs (trainee_id, wave, function, extra)
SELECT trainee_id, wave, function, extra
FROM staged_needs
ON CONFLICT (trainee_id, wave, function) DO UPDATE SET
    extra = CASE WHEN $has_extra THEN excluded.extra ELSE needs.extra END
-- Only rows that change are updated: DuckDB rewrites an updated row of a table
-- with a multi-column CHECK slowly, and most rows of a re-import are unchanged.
WHERE ($has_extra AND needs.extra IS DISTINCT FROM excluded.extra);
