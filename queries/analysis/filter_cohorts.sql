-- Continues _visible.sql: the cohorts of the trainees the viewer may see.
SELECT DISTINCT cohort FROM visible ORDER BY cohort
