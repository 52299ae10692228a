-- Cohort labels with their number of trainees, for the retention purge.
SELECT cohort, count(*) AS trainees FROM trainees GROUP BY cohort ORDER BY cohort;
