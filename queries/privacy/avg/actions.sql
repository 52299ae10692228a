-- AVG export: the trainee's agreed actions (step 6), and the actions that name the person
-- (of other trainees: their id only, as in relationships.sql).
SELECT * FROM actions WHERE trainee_id = $id OR person_id = $id
ORDER BY trainee_id, array_position(['begin', 'midden', 'eind'], wave), action_id;
