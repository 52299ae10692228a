-- consultations.csv, sorted by key (waves in time order) (person_a < person_b as stored).
SELECT trainee_id, person_a, person_b, wave, frequency, extra
FROM consultations
ORDER BY trainee_id, person_a, person_b, array_position(['begin', 'midden', 'eind'], wave);
