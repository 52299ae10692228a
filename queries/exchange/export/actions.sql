-- actions.csv, by trainee, wave (in time order) and action id, as the generator writes it.
SELECT a.trainee_id, a.wave, a.action_id, a.function, a.person_id, a.note, a.status, a.extra
FROM actions a
ORDER BY a.trainee_id, array_position(['begin', 'midden', 'eind'], a.wave), a.action_id;
