-- Continues _scope.sql and _coverage.sql: the rows derived_coverage stores.
SELECT trainee_id, wave, function, position, level, level_formal, level_informal
FROM coverage
