-- Insert or update required consultation pairs of programme norms (role_a < role_b).
INSERT INTO norm_consultations (programme, role_a, role_b, extra)
SELECT programme, role_a, role_b, extra
FROM staged_norm_consultations
ON CONFLICT (programme, role_a, role_b) DO UPDATE SET
    extra = CASE WHEN $has_extra THEN excluded.extra ELSE norm_consultations.extra END
-- Only rows that change are updated: DuckDB rewrites an updated row of a table
-- with a multi-column CHECK slowly, and most rows of a re-import are unchanged.
WHERE ($has_extra AND norm_consultations.extra IS DISTINCT FROM excluded.extra);
