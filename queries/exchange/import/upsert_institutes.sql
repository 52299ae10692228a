-- Insert or update institutes; a column absent from the file keeps its stored value.
INSERT INTO institutes (institute_id, name, extra)
SELECT institute_id, name, extra
FROM staged_institutes
ON CONFLICT (institute_id) DO UPDATE SET
    name = excluded.name,
    extra = CASE WHEN $has_extra THEN excluded.extra ELSE institutes.extra END
-- Only rows that change are updated: DuckDB rewrites an updated row of a table
-- with a multi-column CHECK slowly, and most rows of a re-import are unchanged.
WHERE institutes.name IS DISTINCT FROM excluded.name
   OR ($has_extra AND institutes.extra IS DISTINCT FROM excluded.extra);
