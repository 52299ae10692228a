-- Continues _floor_open.sql and an `ev(kind, trainee_id, ewr, np, cohort, gone_person, gone_wr)` CTE
-- (the evaluations: one trainee on one wave rank; kind tells the current wave from the previous one;
-- gone_person: a person whose relationships and consultations in wave rank gone_wr are left out,
-- the scenario "a mentor leaves", else null).
-- It defines cur (the relationships of each evaluation's wave, with role and side), best (coverage
-- rank per evaluation and function of the taxonomy, overall and formal only) and sig: the signal
-- facts of shared/domain.md (code, severity, person, function, role, wave), without the sentence.
-- $informal_counts: the stored norms always let informal relationships count.
, cur AS (
    SELECT e.kind, r.trainee_id, r.person_id, r.wave, r.formal, r.klik, r.contribution, r.assesses,
           r.strength, r.sr, r.wr, p.role, p.name AS person_name, e.np, e.cohort
    FROM rel r
    JOIN ev e ON e.trainee_id = r.trainee_id AND e.ewr = r.wr
    JOIN people p ON p.person_id = r.person_id
    WHERE e.gone_person IS NULL OR NOT (r.person_id = e.gone_person AND r.wr = e.gone_wr)
),
served AS (
    SELECT c.kind, c.trainee_id, c.person_id, c.formal, c.sr, rf.function
    FROM cur c
    JOIN relationship_functions rf ON rf.trainee_id = c.trainee_id AND rf.person_id = c.person_id AND rf.wave = c.wave
    WHERE c.contribution = 'positief' AND c.sr > 0 AND (c.formal OR $informal_counts::BOOLEAN)
),
best AS (
    SELECT s.kind, s.trainee_id, s.function, max(s.sr) AS rank, coalesce(max(s.sr) FILTER (WHERE s.formal), 0) AS rank_formal
    FROM served s
    GROUP BY s.kind, s.trainee_id, s.function
),
holders AS (
    SELECT kind, trainee_id, role, min(person_id) AS first_person
    FROM cur
    GROUP BY kind, trainee_id, role
),
consulted AS (
    SELECT DISTINCT e.kind, c.trainee_id, least(pa.role, pb.role) AS role_a, greatest(pa.role, pb.role) AS role_b
    FROM consultations c
    JOIN ev e ON e.trainee_id = c.trainee_id AND c.wave = ['begin', 'midden', 'eind'][e.ewr + 1]
    JOIN people pa ON pa.person_id = c.person_a
    JOIN people pb ON pb.person_id = c.person_b
    WHERE e.gone_person IS NULL OR e.ewr <> e.gone_wr
       OR (c.person_a <> e.gone_person AND c.person_b <> e.gone_person)
),
earlier AS (
    SELECT e.kind, r.trainee_id, r.person_id, max(r.sr) AS best_sr
    FROM rel r
    JOIN ev e ON e.trainee_id = r.trainee_id AND r.wr < e.ewr
    GROUP BY e.kind, r.trainee_id, r.person_id
),
sig AS (
    SELECT c.kind, c.trainee_id, c.person_id, NULL::VARCHAR AS function, 'weak_formal' AS code,
           CASE WHEN c.sr = 0 THEN 'high' ELSE 'medium' END AS severity, c.wave, c.role, NULL::VARCHAR AS cohort
    FROM cur c
    JOIN norm_role n ON n.programme = c.np AND n.role = c.role
    WHERE c.formal AND c.sr < n.expected_rank
    UNION ALL
    SELECT e.kind, e.trainee_id, NULL, NULL, 'missing_formal', 'high', ['begin', 'midden', 'eind'][e.ewr + 1], n.role, NULL
    FROM ev e
    JOIN norm_role n ON n.programme = e.np
    ANTI JOIN (SELECT DISTINCT kind, trainee_id, role FROM cur WHERE formal) f
      ON f.kind = e.kind AND f.trainee_id = e.trainee_id AND f.role = n.role
    UNION ALL
    SELECT m.kind, m.trainee_id, ha.first_person, NULL, 'no_consultation', 'medium', m.wave, m.role_a, NULL
    FROM (SELECT e.kind, e.trainee_id, ['begin', 'midden', 'eind'][e.ewr + 1] AS wave, n.role_a, n.role_b
          FROM ev e
          JOIN norm_pair n ON n.programme = e.np
          ANTI JOIN consulted k
            ON k.kind = e.kind AND k.trainee_id = e.trainee_id AND k.role_a = n.role_a AND k.role_b = n.role_b) m
    JOIN holders ha ON ha.kind = m.kind AND ha.trainee_id = m.trainee_id AND ha.role = m.role_a
    JOIN holders hb ON hb.kind = m.kind AND hb.trainee_id = m.trainee_id AND hb.role = m.role_b
    UNION ALL
    SELECT kind, trainee_id, person_id, NULL, 'no_klik', 'high', wave, role, NULL
    FROM cur WHERE formal AND klik = 'nee'
    UNION ALL
    SELECT kind, trainee_id, person_id, NULL, 'negative_contribution', 'high', wave, role, NULL
    FROM cur WHERE contribution = 'negatief'
    UNION ALL
    SELECT e.kind, e.trainee_id, NULL, n.function, 'uncovered_need',
           CASE WHEN coalesce(b.rank, 0) = 0 THEN 'high' ELSE 'medium' END, n.wave, NULL, NULL
    FROM needs n
    JOIN ev e ON e.trainee_id = n.trainee_id AND n.wave = ['begin', 'midden', 'eind'][e.ewr + 1]
    SEMI JOIN taxonomy f ON f.function = n.function
    LEFT JOIN best b ON b.kind = e.kind AND b.trainee_id = e.trainee_id AND b.function = n.function
    WHERE coalesce(b.rank, 0) < 2
    UNION ALL
    SELECT c.kind, c.trainee_id, c.person_id, NULL, 'single_point_of_failure', 'low', c.wave, c.role, NULL
    FROM (SELECT kind, trainee_id, min(person_id) AS person_id
          FROM served WHERE sr = 2
          GROUP BY kind, trainee_id
          HAVING count(DISTINCT function) >= 2 AND count(DISTINCT person_id) = 1) g
    JOIN cur c ON c.kind = g.kind AND c.trainee_id = g.trainee_id AND c.person_id = g.person_id
    UNION ALL
    SELECT c.kind, c.trainee_id, c.person_id, NULL, 'declining', CASE WHEN c.sr = 0 THEN 'high' ELSE 'medium' END,
           c.wave, c.role, NULL
    FROM cur c
    JOIN earlier x ON x.kind = c.kind AND x.trainee_id = c.trainee_id AND x.person_id = c.person_id
    WHERE c.formal AND x.best_sr > c.sr
    UNION ALL
    SELECT kind, NULL, person_id, NULL, 'mentor_no_klik_repeated', 'medium', arg_max(wave, wr), any_value(role), cohort
    FROM cur
    WHERE formal AND klik = 'nee' AND kind = 'now'
    GROUP BY kind, person_id, cohort
    HAVING count(DISTINCT trainee_id) >= 2
)
