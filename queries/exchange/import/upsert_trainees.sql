-- Insert or update trainees; a column absent from the file keeps its stored value.
INSERT INTO trainees (trainee_id, name, school_id, institute_id, cohort, programme, study_year, email, extra)
SELECT trainee_id, name, school_id, institute_id, cohort, programme, study_year, email, extra
FROM staged_trainees
ON CONFLICT (trainee_id) DO UPDATE SET
    name = excluded.name,
    school_id = excluded.school_id,
    institute_id = excluded.institute_id,
    cohort = excluded.cohort,
    programme = CASE WHEN $has_programme THEN excluded.programme ELSE trainees.programme END,
    study_year = CASE WHEN $has_study_year THEN excluded.study_year ELSE trainees.study_year END,
    email = CASE WHEN $has_email THEN excluded.email ELSE trainees.email END,
    extra = CASE WHEN $has_extra THEN excluded.extra ELSE trainees.extra END
-- Only rows that change are updated: DuckDB rewrites an updated row of a table
-- with a multi-column CHECK slowly, and most rows of a re-import are unchanged.
WHERE trainees.name IS DISTINCT FROM excluded.name
   OR trainees.school_id IS DISTINCT FROM excluded.school_id
   OR trainees.institute_id IS DISTINCT FROM excluded.institute_id
   OR trainees.cohort IS DISTINCT FROM excluded.cohort
   OR ($has_programme AND trainees.programme IS DISTINCT FROM excluded.programme)
   OR ($has_study_year AND trainees.study_year IS DISTINCT FROM excluded.study_year)
   OR ($has_email AND trainees.email IS DISTINCT FROM excluded.email)
   OR ($has_extra AND trainees.extra IS DISTINCT FROM excluded.extra);
