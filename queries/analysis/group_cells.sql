-- Continues _visible.sql: the number of visible trainees per combination of
-- the four filter dimensions. Small-group suppression (dashboard/privacy/
-- suppression.py: Cells) derives from it the size of every group in every
-- view one filter wider than the one on screen, so that a group hidden there
-- is hidden here too. Wave does not choose trainees, so it is not a dimension.
SELECT school_id, institute_id, cohort, programme, count(*) AS n_trainees
FROM visible
GROUP BY ALL
