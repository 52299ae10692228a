-- Cohorts present, with their number of trainees, for the data page.
SELECT cohort, count(*) AS trainees
FROM trainees
GROUP BY cohort
ORDER BY cohort;
