-- Continues _scope.sql and _coverage.sql: one row per trainee x function.
SELECT trainee_id, wave, function, level, level_formal, level_informal
FROM coverage
ORDER BY trainee_id, position
