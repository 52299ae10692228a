SELECT t.trainee_id, t.name, t.school_id, sc.name AS school_name, t.institute_id,
       i.name AS institute_name, t.cohort, t.programme, t.study_year
FROM visible t
LEFT JOIN schools sc ON sc.school_id = t.school_id
LEFT JOIN institutes i ON i.institute_id = t.institute_id
WHERE t.trainee_id = $trainee_id
