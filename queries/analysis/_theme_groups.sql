-- Continues _scope.sql and opens every themes_*.sql question (the dialogue
-- themes of shared/domain.md). It defines, for the trainees in scope:
--   membership:  each trainee once per grouping: the whole view ('all', '*'),
--                their school, institute, cohort and programme (a missing
--                programme is a group of its own, id null);
--   group_sizes: per grouping and group its name and number of trainees,
--                the size the suppression of small groups is decided on.
-- One pass per theme answers every grouping at once.
, membership AS (
    SELECT trainee_id, 'all' AS group_by, '*' AS group_id FROM scope
    UNION ALL SELECT trainee_id, 'school', school_id FROM scope
    UNION ALL SELECT trainee_id, 'institute', institute_id FROM scope
    UNION ALL SELECT trainee_id, 'cohort', cohort FROM scope
    UNION ALL SELECT trainee_id, 'programme', programme FROM scope
),
group_sizes AS (
    SELECT m.group_by, m.group_id,
           CASE m.group_by WHEN 'school' THEN any_value(sc.name) WHEN 'institute' THEN any_value(i.name)
                           ELSE m.group_id END AS group_name,
           count(*) AS n_trainees
    FROM membership m
    LEFT JOIN schools sc ON m.group_by = 'school' AND sc.school_id = m.group_id
    LEFT JOIN institutes i ON m.group_by = 'institute' AND i.institute_id = m.group_id
    GROUP BY m.group_by, m.group_id
),
-- Every relationship in the evaluated wave, with what the themes read beyond
-- rel: contact frequency and the person's orientation. Contributing: rated
-- sterk or zwak (as the alters of the network measures).
theme_rel AS (
    SELECT rel.*, r.contact_frequency, p.orientation,
           rel.strength_rank > 0 AS contributing
    FROM rel
    JOIN relationships r ON r.trainee_id = rel.trainee_id AND r.person_id = rel.person_id AND r.wave = rel.wave
    JOIN people p ON p.person_id = rel.person_id
)
