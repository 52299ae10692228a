-- consultations.csv, by trainee, wave (in time order) and pair, as the generator writes it
-- (person_a < person_b as stored).
SELECT trainee_id, person_a, person_b, wave, frequency, extra
FROM consultations
ORDER BY trainee_id, array_position(['begin', 'midden', 'eind'], wave), person_a, person_b;
