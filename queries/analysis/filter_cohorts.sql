SELECT DISTINCT cohort FROM trainees ORDER BY cohort
