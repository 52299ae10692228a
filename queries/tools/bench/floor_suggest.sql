-- Floor of suggestions.candidates for one trainee ($trainee): the open functions of their latest
-- wave and, per function, the people who could fill it, ranked (shared/domain.md, "Step 6").
-- Continues _floor_open.sql, floor_signals.sql and _floor_signal_rows.sql (cur, best).
-- Bound lists: $cap_roles / $cap_values (a role's load cap; others $default_cap).
, dependable AS (
    SELECT DISTINCT c.trainee_id, rf.function
    FROM cur c
    JOIN relationship_functions rf ON rf.trainee_id = c.trainee_id AND rf.person_id = c.person_id AND rf.wave = c.wave
    WHERE c.contribution = 'positief' AND c.sr = 2 AND (c.formal OR $informal_counts::BOOLEAN)
      AND NOT (c.formal AND coalesce(c.klik, '') = 'nee')
),
open_function AS (
    SELECT DISTINCT e.trainee_id, f.function, f.position, ['begin', 'midden', 'eind'][e.ewr + 1] AS wave
    FROM ev e
    JOIN taxonomy f ON TRUE
    LEFT JOIN best b ON b.trainee_id = e.trainee_id AND b.function = f.function
    WHERE (coalesce(b.rank, 0) < 2
           AND EXISTS (SELECT 1 FROM needs n WHERE n.trainee_id = e.trainee_id AND n.function = f.function
                         AND n.wave = ['begin', 'midden', 'eind'][e.ewr + 1]))
       OR (NOT EXISTS (SELECT 1 FROM dependable d WHERE d.trainee_id = e.trainee_id AND d.function = f.function)
           AND (EXISTS (SELECT 1 FROM cur c
                        JOIN relationship_functions rf
                          ON rf.trainee_id = c.trainee_id AND rf.person_id = c.person_id AND rf.wave = c.wave
                        WHERE c.trainee_id = e.trainee_id AND rf.function = f.function
                          AND (c.contribution = 'negatief' OR (c.formal AND c.klik = 'nee')))
                OR EXISTS (SELECT 1 FROM norm_role n WHERE n.programme = e.np
                             AND NOT EXISTS (SELECT 1 FROM cur c WHERE c.trainee_id = e.trainee_id
                                               AND c.formal AND c.role = n.role))))
),
target AS (
    SELECT DISTINCT o.trainee_id, o.wave, t.school_id, t.institute_id FROM open_function o JOIN tr t USING (trainee_id)
),
network AS (
    SELECT r.trainee_id, r.person_id FROM rel r JOIN target g ON g.trainee_id = r.trainee_id AND g.wave = r.wave
    WHERE NOT r.formal
),
sides AS (
    SELECT unnest($role_codes::VARCHAR[]) AS role, unnest($role_sides::VARCHAR[]) AS side
),
pool AS (
    SELECT g.trainee_id, g.wave, p.person_id, p.name, p.role,
           p.person_id IN (SELECT person_id FROM network) AS in_network
    FROM target g
    JOIN people p ON p.school_id = g.school_id OR p.institute_id = g.institute_id
                  OR p.person_id IN (SELECT person_id FROM network)
    JOIN sides sd ON sd.role = p.role
    WHERE (sd.side = 'school' AND p.school_id = g.school_id) OR (sd.side = 'instituut' AND p.institute_id = g.institute_id)
       OR p.person_id IN (SELECT person_id FROM network)
),
work AS (  -- every relationship of the pool's people in the wave asked about
    SELECT r.trainee_id, r.person_id, r.strength, r.klik, r.contribution, r.wave
    FROM relationships r
    WHERE r.person_id IN (SELECT person_id FROM pool) AND r.wave IN (SELECT wave FROM target)
),
standing AS (
    SELECT person_id, wave, count(DISTINCT trainee_id) AS load,
           bool_or(klik = 'nee' OR contribution = 'negatief') AS troubled
    FROM work GROUP BY person_id, wave
),
strong_for AS (
    SELECT w.person_id, w.wave, rf.function, count(DISTINCT w.trainee_id) FILTER (WHERE w.trainee_id <> $trainee::VARCHAR) AS n_strong
    FROM work w
    JOIN relationship_functions rf ON rf.trainee_id = w.trainee_id AND rf.person_id = w.person_id AND rf.wave = w.wave
    WHERE w.strength = 'sterk' AND w.contribution = 'positief'
    GROUP BY w.person_id, w.wave, rf.function
),
caps AS (
    SELECT unnest($cap_roles::VARCHAR[]) AS role, unnest($cap_values::BIGINT[]) AS cap
),
found AS (
    SELECT o.trainee_id, o.function, pl.person_id, pl.name, pl.role, pl.in_network, sf.n_strong, st.load,
           coalesce(cp.cap, $default_cap::BIGINT) AS cap
    FROM open_function o
    JOIN pool pl ON pl.trainee_id = o.trainee_id AND pl.wave = o.wave
    JOIN strong_for sf ON sf.person_id = pl.person_id AND sf.wave = o.wave AND sf.function = o.function AND sf.n_strong > 0
    JOIN standing st ON st.person_id = pl.person_id AND st.wave = o.wave
    LEFT JOIN caps cp ON cp.role = pl.role
    WHERE NOT st.troubled
)
SELECT trainee_id, function, person_id, name, role, in_network, n_strong, load, cap,
       row_number() OVER (PARTITION BY trainee_id, function ORDER BY n_strong DESC, load, name, person_id) AS rank
FROM found
WHERE load < cap
