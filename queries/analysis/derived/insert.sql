-- The computed rows (registered on the write's cursor) into the derived tables.
INSERT INTO derived_coverage BY NAME SELECT * FROM fresh_coverage;
INSERT INTO derived_signals BY NAME SELECT * FROM fresh_signals;
