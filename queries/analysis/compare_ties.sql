-- Continues _scope.sql: per group ($by: school, institute, cohort,
-- programme, or own / rest: in $own_schools / $own_institutes or not), how the formal relationships in the evaluated wave are rated:
-- klik, strength, and whether the guide also assesses.
, grouped AS (
    SELECT s.trainee_id,
           CASE $by WHEN 'school' THEN s.school_id WHEN 'institute' THEN s.institute_id
                    WHEN 'cohort' THEN s.cohort
                    -- issue 14: a coordinator's own trainees beside the rest of the partnership
                    WHEN 'own' THEN CASE WHEN list_contains(coalesce($own_schools::VARCHAR[], []), s.school_id)
                                           OR list_contains(coalesce($own_institutes::VARCHAR[], []), s.institute_id)
                                         THEN 'own' ELSE 'rest' END
                    ELSE s.programme END AS group_id
    FROM scope s
)
SELECT g.group_id,
       count(*) AS n_formal,
       count(*) FILTER (WHERE rel.klik = 'ja') AS n_klik_ja,
       count(*) FILTER (WHERE rel.klik = 'twijfel') AS n_klik_twijfel,
       count(*) FILTER (WHERE rel.klik = 'nee') AS n_klik_nee,
       count(*) FILTER (WHERE rel.klik IS NULL) AS n_klik_onbekend,
       count(*) FILTER (WHERE rel.strength = 'sterk') AS n_formal_sterk,
       count(*) FILTER (WHERE rel.strength = 'zwak') AS n_formal_zwak,
       count(*) FILTER (WHERE rel.strength = 'geen') AS n_formal_geen,
       count(*) FILTER (WHERE rel.assesses) AS n_assesses
FROM rel
JOIN grouped g ON g.trainee_id = rel.trainee_id
WHERE rel.formal
GROUP BY g.group_id
