-- Continues analysis/_visible.sql: the actions of earlier waves that a new wave shows to be
-- marked done or dropped: every action of the latest earlier wave that has actions, and the
-- ones still open from before it. With the person's name for the page.
, earlier AS (
    SELECT a.*, array_position(['begin', 'midden', 'eind'], a.wave) AS wave_rank
    FROM actions a
    JOIN visible v ON v.trainee_id = a.trainee_id
    WHERE a.trainee_id = $trainee_id AND array_position(['begin', 'midden', 'eind'], a.wave) - 1 < $wave_rank
)
SELECT e.wave, e.action_id, e.function, e.person_id, p.name AS person_name, e.note, e.status
FROM earlier e
LEFT JOIN people p ON p.person_id = e.person_id
WHERE e.status = 'open' OR e.wave_rank = (SELECT max(wave_rank) FROM earlier)
ORDER BY e.wave_rank, e.action_id;
