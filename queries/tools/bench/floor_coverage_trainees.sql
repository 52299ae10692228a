-- Floor of the coverage levels per trainee (analysis.coverage, overall level): each chosen trainee
-- on their latest wave x every function of the taxonomy, sterk / zwak / geen. Continues
-- _floor_open.sql. Read by the lean prototype pages (dashboard/tools/prototypes/).
, best AS (
    SELECT r.trainee_id, rf.function, max(r.sr) AS rank
    FROM tr t
    JOIN rel r ON r.trainee_id = t.trainee_id AND r.wr = t.wr
    JOIN relationship_functions rf ON rf.trainee_id = r.trainee_id AND rf.person_id = r.person_id AND rf.wave = r.wave
    WHERE r.contribution = 'positief' AND r.sr > 0 AND (r.formal OR $informal_counts::BOOLEAN)
    GROUP BY r.trainee_id, rf.function
)
SELECT t.trainee_id, t.name, t.institute_id, ['begin', 'midden', 'eind'][t.wr + 1] AS wave, f.function, f.position,
       ['geen', 'zwak', 'sterk'][coalesce(b.rank, 0) + 1] AS level
FROM tr t
CROSS JOIN taxonomy f
LEFT JOIN best b ON b.trainee_id = t.trainee_id AND b.function = f.function
