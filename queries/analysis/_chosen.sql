-- Continues _visible.sql and opens every question that starts from the
-- filters (the files that continue it start with a comma). It defines
--   wave_order: the waves in their order;
--   chosen:     the visible trainees the bound filters name ($school,
--               $institute, $cohort, $programme; $trainee for one trainee),
--               before anything is computed for them.
, wave_order (wave, wave_rank) AS (
    VALUES ('begin', 0), ('midden', 1), ('eind', 2)
),
chosen AS (
    SELECT t.trainee_id, t.name, t.school_id, t.institute_id, t.cohort, t.programme
    FROM visible t
    WHERE ($school::VARCHAR IS NULL OR t.school_id = $school::VARCHAR)
      AND ($institute::VARCHAR IS NULL OR t.institute_id = $institute::VARCHAR)
      AND ($cohort::VARCHAR IS NULL OR t.cohort = $cohort::VARCHAR)
      AND ($programme::VARCHAR IS NULL OR t.programme = $programme::VARCHAR)
      AND ($trainee::VARCHAR IS NULL OR t.trainee_id = $trainee::VARCHAR)
)
