-- The network of one trainee ($trainee) on their latest wave, for the lean constellation
-- prototype (dashboard/tools/prototypes/constellatie.py): one row per relationship (kind
-- 'relationship': the person, role, formal, strength, klik), per consultation between two
-- people (kind 'consultation': person_a, person_b), per need (kind 'need': function) and per
-- role the norm expects without a formal relationship (kind 'missing_role': role, drawn as a
-- ghost). Continues _floor_open.sql.
SELECT 'relationship' AS kind, t.name AS trainee_name, r.person_id AS person_a, NULL::VARCHAR AS person_b,
       p.name, p.role, r.formal, r.strength, r.klik, NULL::VARCHAR AS function
FROM tr t
JOIN rel r ON r.trainee_id = t.trainee_id AND r.wr = t.wr
JOIN people p ON p.person_id = r.person_id
UNION ALL
SELECT 'consultation', t.name, c.person_a, c.person_b, NULL, NULL, NULL, NULL, NULL, NULL
FROM tr t
JOIN consultations c ON c.trainee_id = t.trainee_id AND c.wave = ['begin', 'midden', 'eind'][t.wr + 1]
UNION ALL
SELECT 'need', t.name, NULL, NULL, NULL, NULL, NULL, NULL, NULL, n.function
FROM tr t
JOIN needs n ON n.trainee_id = t.trainee_id AND n.wave = ['begin', 'midden', 'eind'][t.wr + 1]
UNION ALL
SELECT 'missing_role', t.name, NULL, NULL, NULL, nr.role, NULL, NULL, NULL, NULL
FROM tr t
JOIN norm_role nr ON nr.programme = t.np
WHERE NOT EXISTS (SELECT 1 FROM rel r JOIN people p ON p.person_id = r.person_id
                  WHERE r.trainee_id = t.trainee_id AND r.wr = t.wr AND r.formal AND p.role = nr.role)
