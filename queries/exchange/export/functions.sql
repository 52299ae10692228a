-- functions.csv in taxonomy order (the file's order is the taxonomy's order).
SELECT code, label_nl, label_en, "group", description, extra
FROM functions
ORDER BY position, code;
