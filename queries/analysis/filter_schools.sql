-- Continues _visible.sql: every school for a viewer who sees everything,
-- else the schools of the trainees the viewer may see.
SELECT school_id, name
FROM schools
WHERE $scope_all::BOOLEAN OR school_id IN (SELECT school_id FROM visible)
ORDER BY name, school_id
