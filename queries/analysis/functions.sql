-- The guidance-function taxonomy in its own order (empty table: the
-- shipped defaults apply, see dashboard.analysis.functions).
SELECT code, label_nl, label_en, "group", description
FROM functions
ORDER BY position, code
