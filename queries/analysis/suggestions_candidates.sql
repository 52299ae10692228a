-- Continues _visible.sql (shared/domain.md, "Step 6: who could fill the
-- gap"): for each open function of a trainee, the people who could fill it,
-- ranked. A candidate
--   * belongs to the trainee's school (a school-side role) or institute (an
--     institute-side role), or is an informal contact of the trainee in that
--     wave;
--   * has, in that wave, a `sterk`, positive relationship serving the
--     function with at least one other trainee;
--   * has no klik `nee` and no negative contribution with any trainee in
--     that wave;
--   * guides fewer trainees in that wave than their role's cap.
-- Ranked per trainee and function: most trainees served strongly for it,
-- then lowest load, then name. Counts read visible trainees only (the
-- viewer's scope), and never name them.
-- Bound tables: open_param(trainee_id, wave, function), the open functions;
-- caps_param(role, cap) (roles without a row: $default_cap);
-- roles_param(role, side, line). $leaving: a person left out (the scenario
-- "a mentor leaves"), or null.
, target AS (
    SELECT DISTINCT o.trainee_id, o.wave, t.school_id, t.institute_id
    FROM open_param o
    JOIN visible t ON t.trainee_id = o.trainee_id
),
network AS (
    -- informal contacts of the trainees asked about, in their wave
    SELECT r.trainee_id, r.person_id
    FROM relationships r
    JOIN target g ON g.trainee_id = r.trainee_id AND g.wave = r.wave
    WHERE NOT r.formal
),
pool AS (
    -- the three ways in, each an equality join (one join on their OR compares every
    -- trainee asked about with every person); a person in two of them counts once
    SELECT g.trainee_id, g.wave, p.person_id, p.name, p.role,
           EXISTS (SELECT 1 FROM network n WHERE n.trainee_id = g.trainee_id AND n.person_id = p.person_id)
               AS in_network
    FROM (
        SELECT g.trainee_id, p.person_id
        FROM target g
        JOIN people p ON p.school_id = g.school_id
        JOIN roles_param rp ON rp.role = p.role AND rp.side = 'school'
        UNION
        SELECT g.trainee_id, p.person_id
        FROM target g
        JOIN people p ON p.institute_id = g.institute_id
        JOIN roles_param rp ON rp.role = p.role AND rp.side = 'instituut'
        UNION
        SELECT n.trainee_id, n.person_id
        FROM network n
    ) way
    JOIN target g ON g.trainee_id = way.trainee_id
    JOIN people p ON p.person_id = way.person_id
    JOIN roles_param rp ON rp.role = p.role
    WHERE p.person_id IS DISTINCT FROM $leaving::VARCHAR
),
pool_waves AS (
    SELECT DISTINCT person_id, wave FROM pool
),
ties AS (
    -- every relationship of the pool's people in the waves asked about
    SELECT r.trainee_id, r.person_id, r.wave, r.strength, r.klik, r.contribution
    FROM relationships r
    JOIN pool_waves pw ON pw.person_id = r.person_id AND pw.wave = r.wave
    WHERE r.trainee_id IN (SELECT trainee_id FROM visible)
),
standing AS (
    SELECT person_id, wave, count(DISTINCT trainee_id) AS load,
           bool_or(klik = 'nee' OR contribution = 'negatief') AS troubled
    FROM ties
    GROUP BY person_id, wave
),
strong_for AS (
    SELECT ti.person_id, ti.wave, rf.function, ti.trainee_id
    FROM ties ti
    JOIN relationship_functions rf
      ON rf.trainee_id = ti.trainee_id AND rf.person_id = ti.person_id AND rf.wave = ti.wave
    WHERE ti.strength = 'sterk' AND ti.contribution = 'positief'
),
found AS (
    SELECT o.trainee_id, o.function, pl.person_id, pl.name, pl.role, pl.in_network,
           count(DISTINCT sf.trainee_id) AS n_strong,
           st.load,
           coalesce(c.cap, $default_cap::BIGINT) AS cap
    FROM open_param o
    JOIN pool pl ON pl.trainee_id = o.trainee_id AND pl.wave = o.wave
    JOIN strong_for sf
      ON sf.person_id = pl.person_id AND sf.wave = o.wave AND sf.function = o.function
     AND sf.trainee_id <> o.trainee_id
    JOIN standing st ON st.person_id = pl.person_id AND st.wave = o.wave
    LEFT JOIN caps_param c ON c.role = pl.role
    WHERE NOT st.troubled
    GROUP BY o.trainee_id, o.function, pl.person_id, pl.name, pl.role, pl.in_network, st.load, c.cap
)
SELECT trainee_id, function, person_id, name, role, in_network, n_strong, load, cap,
       row_number() OVER (PARTITION BY trainee_id, function
                          ORDER BY n_strong DESC, load, name, person_id) AS rank
FROM found
WHERE load < cap
ORDER BY trainee_id, function, rank
