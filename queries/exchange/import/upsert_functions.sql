-- Insert or update guidance functions from staged_functions. In a merge an
-- existing function keeps its position, so a partial functions file does not
-- reorder the taxonomy (new codes come after the existing ones); a replace
-- takes the file's order.
INSERT INTO functions (code, label_nl, label_en, "group", description, position, extra)
SELECT code, label_nl, label_en, "group", description, position, extra
FROM staged_functions
ON CONFLICT (code) DO UPDATE SET
    label_nl = excluded.label_nl,
    label_en = excluded.label_en,
    "group" = excluded."group",
    position = CASE WHEN $set_position THEN excluded.position ELSE functions.position END,
    description = CASE WHEN $has_description THEN excluded.description ELSE functions.description END,
    extra = CASE WHEN $has_extra THEN excluded.extra ELSE functions.extra END
-- Only rows that change are updated: DuckDB rewrites an updated row of a table
-- with a multi-column CHECK slowly, and most rows of a re-import are unchanged.
WHERE functions.label_nl IS DISTINCT FROM excluded.label_nl
   OR functions.label_en IS DISTINCT FROM excluded.label_en
   OR functions."group" IS DISTINCT FROM excluded."group"
   OR ($set_position AND functions.position IS DISTINCT FROM excluded.position)
   OR ($has_description AND functions.description IS DISTINCT FROM excluded.description)
   OR ($has_extra AND functions.extra IS DISTINCT FROM excluded.extra);
