-- Insert or update expected roles of programme norms.
INSERT INTO norm_roles (programme, role, expected_strength, extra)
SELECT programme, role, expected_strength, extra
FROM staged_norm_roles
ON CONFLICT (programme, role) DO UPDATE SET
    expected_strength = excluded.expected_strength,
    extra = CASE WHEN $has_extra THEN excluded.extra ELSE norm_roles.extra END
-- Only rows that change are updated: DuckDB rewrites an updated row of a table
-- with a multi-column CHECK slowly, and most rows of a re-import are unchanged.
WHERE norm_roles.expected_strength IS DISTINCT FROM excluded.expected_strength
   OR ($has_extra AND norm_roles.extra IS DISTINCT FROM excluded.extra);
