-- The computed rows (registered on the write's cursor) into the derived tables, in
-- trainee order: a question about one trainee (the constellation's copy, a capture's
-- refresh) then reads one block of each table instead of every block (DuckDB skips a
-- row group whose trainee_id range misses the trainee).
INSERT INTO derived_coverage BY NAME SELECT * FROM fresh_coverage ORDER BY trainee_id, wave, position;
INSERT INTO derived_signals BY NAME SELECT * FROM fresh_signals ORDER BY trainee_id, wave;
