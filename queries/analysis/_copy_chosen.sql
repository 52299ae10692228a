-- Continues _chosen.sql and opens copied_rows.sql for the questions about the
-- trainees the filters name (the overview of one school): `copied` is their
-- own rows (every column), only those the viewer may see.
, copied AS (
    SELECT v.* FROM visible v WHERE v.trainee_id IN (SELECT trainee_id FROM chosen)
)
