-- Floor of analysis.coverage_by(db, "school"): per school and function of the taxonomy, how many
-- trainees (on their latest wave) are covered sterk / zwak / geen. Continues _floor_open.sql.
-- Counted from the serving relationships only; geen is the rest of the school's trainees.
, per_school AS (
    SELECT school_id, count(*) AS n_trainees FROM tr GROUP BY school_id
),
best AS (
    SELECT t.school_id, t.trainee_id, rf.function, max(r.sr) AS rank
    FROM tr t
    JOIN rel r ON r.trainee_id = t.trainee_id AND r.wr = t.wr
    JOIN relationship_functions rf ON rf.trainee_id = r.trainee_id AND rf.person_id = r.person_id AND rf.wave = r.wave
    WHERE r.contribution = 'positief' AND r.sr > 0 AND (r.formal OR $informal_counts::BOOLEAN)
    GROUP BY t.school_id, t.trainee_id, rf.function
),
counted AS (
    SELECT school_id, function, count(*) FILTER (WHERE rank = 2) AS n_sterk, count(*) FILTER (WHERE rank = 1) AS n_zwak
    FROM best GROUP BY school_id, function
)
SELECT p.school_id, s.name AS group_name, f.function, p.n_trainees,
       coalesce(c.n_sterk, 0) AS n_sterk, coalesce(c.n_zwak, 0) AS n_zwak,
       p.n_trainees - coalesce(c.n_sterk, 0) - coalesce(c.n_zwak, 0) AS n_geen,
       coalesce(c.n_sterk, 0) / p.n_trainees AS share_sterk
FROM per_school p
CROSS JOIN taxonomy f
LEFT JOIN counted c ON c.school_id = p.school_id AND c.function = f.function
LEFT JOIN schools s ON s.school_id = p.school_id
