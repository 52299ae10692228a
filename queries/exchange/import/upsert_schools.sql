-- Insert or update schools; a column absent from the file keeps its stored value.
INSERT INTO schools (school_id, name, sector, extra)
SELECT school_id, name, sector, extra
FROM staged_schools
ON CONFLICT (school_id) DO UPDATE SET
    name = excluded.name,
    sector = CASE WHEN $has_sector THEN excluded.sector ELSE schools.sector END,
    extra = CASE WHEN $has_extra THEN excluded.extra ELSE schools.extra END
-- Only rows that change are updated: DuckDB rewrites an updated row of a table
-- with a multi-column CHECK slowly, and most rows of a re-import are unchanged.
WHERE schools.name IS DISTINCT FROM excluded.name
   OR ($has_sector AND schools.sector IS DISTINCT FROM excluded.sector)
   OR ($has_extra AND schools.extra IS DISTINCT FROM excluded.extra);
