-- AVG export: the people row with this id.
SELECT * FROM people WHERE person_id = $id;
