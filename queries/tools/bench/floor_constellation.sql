-- The network of one trainee ($trainee) on their latest wave, for the lean constellation
-- prototype (dashboard/tools/prototypes/constellatie.py): one row per relationship (kind
-- 'relationship': the person, role, formal, strength, klik) and per consultation between two
-- people (kind 'consultation': person_a, person_b). Continues _floor_open.sql.
SELECT 'relationship' AS kind, t.name AS trainee_name, r.person_id AS person_a, NULL::VARCHAR AS person_b,
       p.name, p.role, r.formal, r.strength, r.klik
FROM tr t
JOIN rel r ON r.trainee_id = t.trainee_id AND r.wr = t.wr
JOIN people p ON p.person_id = r.person_id
UNION ALL
SELECT 'consultation', t.name, c.person_a, c.person_b, NULL, NULL, NULL, NULL, NULL
FROM tr t
JOIN consultations c ON c.trainee_id = t.trainee_id AND c.wave = ['begin', 'midden', 'eind'][t.wr + 1]
