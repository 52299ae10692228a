-- Continues _visible.sql and opens copied_rows.sql for the questions about
-- one trainee (the constellation page): `copied` is that trainee's own row,
-- only when the viewer may see them.
, copied AS (
    SELECT * FROM visible WHERE trainee_id = $trainee_id
)
