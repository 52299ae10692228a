-- The tables of the database's main schema (store/file_check.py reads where
-- each one's data is stored).
SELECT table_name
FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'main'
ORDER BY table_name
