-- valuations.csv, by trainee and wave (in time order), as the generator writes it.
SELECT v.trainee_id, v.wave, v.support, v.note, v.extra
FROM valuations v
ORDER BY v.trainee_id, array_position(['begin', 'midden', 'eind'], v.wave);
