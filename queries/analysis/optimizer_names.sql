-- The names of DuckDB's optimizer passes. dashboard.analysis turns them all
-- off on its scratch database: on one trainee's few dozen copied rows the
-- optimizer costs more than the query it optimizes (and changes no result).
SELECT name FROM duckdb_optimizers() ORDER BY name
