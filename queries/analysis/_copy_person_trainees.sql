-- Continues _chosen.sql and opens copied_rows.sql for the scenario "a mentor
-- leaves" (dashboard.analysis.scenarios): `copied` is the rows of the chosen
-- trainees who have a relationship with $person_id in some wave, only those
-- the viewer may see.
, copied AS (
    SELECT v.* FROM visible v
    WHERE v.trainee_id IN (SELECT trainee_id FROM chosen)
      AND v.trainee_id IN (SELECT r.trainee_id FROM relationships r WHERE r.person_id = $person_id)
)
