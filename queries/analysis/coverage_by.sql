-- Continues _scope.sql and _coverage.sql: coverage counted per group of
-- trainees. $by chooses the group: school, institute, cohort or programme
-- (a trainee belongs to their own school, institute, cohort, programme).
, grouped AS (
    SELECT s.trainee_id,
           CASE $by WHEN 'school' THEN s.school_id WHEN 'institute' THEN s.institute_id
                    WHEN 'cohort' THEN s.cohort ELSE s.programme END AS group_id,
           CASE $by WHEN 'school' THEN sc.name WHEN 'institute' THEN i.name
                    WHEN 'cohort' THEN s.cohort ELSE s.programme END AS group_name
    FROM scope s
    LEFT JOIN schools sc ON sc.school_id = s.school_id
    LEFT JOIN institutes i ON i.institute_id = s.institute_id
)
SELECT g.group_id, g.group_name, c.function,
       count(*) AS n_trainees,
       count(*) FILTER (WHERE c.level = 'sterk') AS n_sterk,
       count(*) FILTER (WHERE c.level = 'zwak') AS n_zwak,
       count(*) FILTER (WHERE c.level = 'geen') AS n_geen,
       count(*) FILTER (WHERE c.level = 'sterk') / count(*) AS share_sterk
FROM coverage c
JOIN grouped g ON g.trainee_id = c.trainee_id
GROUP BY g.group_id, g.group_name, c.function, c.position
ORDER BY g.group_name NULLS LAST, g.group_id NULLS LAST, c.position
