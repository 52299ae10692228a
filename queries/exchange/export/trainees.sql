-- trainees.csv, sorted by key; study_year as text.
SELECT trainee_id, name, school_id, institute_id, cohort, programme,
       CAST(study_year AS VARCHAR) AS study_year, email, extra
FROM trainees
ORDER BY trainee_id;
