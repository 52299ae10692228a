-- Continues _visible.sql: every institute for a viewer who sees everything,
-- else the institutes of the trainees the viewer may see.
SELECT institute_id, name
FROM institutes
WHERE $scope_all::BOOLEAN OR institute_id IN (SELECT institute_id FROM visible)
ORDER BY name, institute_id
