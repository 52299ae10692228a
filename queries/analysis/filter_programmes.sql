-- Continues _visible.sql: the programmes of the trainees the viewer may see.
SELECT DISTINCT programme FROM visible WHERE programme IS NOT NULL ORDER BY programme
