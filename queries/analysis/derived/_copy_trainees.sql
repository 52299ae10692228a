-- Continues _visible.sql and opens copied_rows.sql for an incremental refresh
-- of the derived layer (dashboard/analysis/derived.py): `copied` is the rows
-- of the trainees in $refresh_trainees.
, copied AS (
    SELECT * FROM visible WHERE list_contains($refresh_trainees::VARCHAR[], trainee_id)
)
