-- needs.csv, by trainee, wave (in time order) and function in taxonomy order,
-- as the generator writes it.
SELECT n.trainee_id, n.wave, n.function, n.extra
FROM needs n
LEFT JOIN functions f ON f.code = n.function
ORDER BY n.trainee_id, array_position(['begin', 'midden', 'eind'], n.wave), f.position, n.function;
