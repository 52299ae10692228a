-- relationships.csv, by trainee, wave (in time order) and person, as the generator writes it: booleans as ja/nee (empty when unknown),
-- functions ;-joined in taxonomy order.
WITH served AS (
    SELECT rf.trainee_id, rf.person_id, rf.wave,
           string_agg(rf.function, ';' ORDER BY f.position, rf.function) AS functions
    FROM relationship_functions rf
    LEFT JOIN functions f ON f.code = rf.function
    GROUP BY rf.trainee_id, rf.person_id, rf.wave
)
SELECT r.trainee_id, r.person_id, r.wave,
       CASE WHEN r.formal THEN 'ja' ELSE 'nee' END AS formal,
       r.strength,
       s.functions,
       r.klik, r.contribution,
       CASE WHEN r.assesses IS NULL THEN NULL WHEN r.assesses THEN 'ja' ELSE 'nee' END AS assesses,
       r.contact_frequency, r.contact_note, r.extra
FROM relationships r
LEFT JOIN served s USING (trainee_id, person_id, wave)
ORDER BY r.trainee_id, array_position(['begin', 'midden', 'eind'], r.wave), r.person_id;
