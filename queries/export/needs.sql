-- needs.csv, sorted by key (waves in time order).
SELECT trainee_id, wave, function, extra FROM needs ORDER BY trainee_id, array_position(['begin', 'midden', 'eind'], wave), function;
