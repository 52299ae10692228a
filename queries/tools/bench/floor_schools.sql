-- The schools with trainees, by name: the lean overview prototype's school choice.
SELECT s.school_id, s.name FROM schools s
WHERE s.school_id IN (SELECT school_id FROM trainees)
ORDER BY s.name, s.school_id
